// The lookup and export screens at 1366×768 through door 2 (a real `packwitness serve`, the real
// page in Chromium with a fake camera), in English and in Chinese: the lookup keeps its own light
// background while the station records (the screenshot's pixels, not only the CSS), the date range
// picker speaks Chinese (no mm/dd/yyyy anywhere), and a finished export lists every file of the
// package with a size in a unit that fits it; the player, paused, leaves the burned-in band of the
// picture uncovered, its position bar an Ant Design Slider worded in the UI language. Screenshots go
// to PW_SHOT_DIR when it is set.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Clip } from '../../shared/contract.ts';
import { apiCall, chromiumAvailable, scan, waitForState } from '../helpers/station.ts';
import { choose, sliderHandle, sliderValue } from '../helpers/antd.ts';
import { useScreens } from '../helpers/screens.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { thumbColours } from '../helpers/thumbs.ts';

const ORDERS = { en: 'SF1400555666701', 'zh-CN': 'SF1400555666702' } as const;

/** Mean colour of a screenshot's row at `y` between `x0` and `x1` (fractions of the picture), decoded by ffmpeg. */
function stripColour(png: Buffer, width: number, height: number, x0: number, x1: number, y: number): [number, number, number] {
  const rgb = execFileSync(ffmpegBin(), ['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: png, maxBuffer: 64 << 20 });
  expect(rgb.length).toBe(width * height * 3);
  const row = Math.floor(height * y);
  const sum = [0, 0, 0];
  let n = 0;
  for (let x = Math.floor(width * x0); x < Math.floor(width * x1); x++, n++) for (let c = 0; c < 3; c++) sum[c]! += rgb[(row * width + x) * 3 + c]!;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

describe.skipIf(!chromiumAvailable())('lookup and export screens at 1366×768 in both languages (door 2)', () => {
  const s = useScreens({ tmpPrefix: 'pw-lookup-screens-' });
  const shot = (name: string) => s.shot(name);
  const setLanguage = (lang: 'en' | 'zh-CN') => s.setLanguage(lang);

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: the lookup stays light while the station records, with a small indicator and its Stop`, async () => {
      await setLanguage(lang);
      await s.page.getByTestId('nav-station').click();
      await waitForState(s.page, 'idle');
      await scan(s.page, ORDERS[lang]);
      await waitForState(s.page, 'recording');
      await s.page.waitForTimeout(1500); // a clip of a second and more to export below
      await s.page.getByTestId('nav-lookup').click();
      await s.page.getByTestId('lookup-q').waitFor();
      await s.page.getByTestId('rec-indicator').waitFor();
      expect(await s.page.evaluate(() => document.body.dataset.state)).toBe('recording');
      // Below the form and the result list, at the right: nothing but the page's background.
      const [r, g, b] = stripColour(await shot(`lookup-recording-${lang}`), 1366, 768, 0.55, 0.95, 0.92);
      expect(Math.min(r, g, b)).toBeGreaterThan(230); // light, not the station's red (211, 47, 47)
      expect(await s.page.getByTestId('rec-indicator-stop').isVisible()).toBe(true);
      await s.page.getByTestId('rec-indicator-stop').click();
      await s.page.getByTestId('rec-indicator').waitFor({ state: 'detached', timeout: 20_000 });
      await waitForState(s.page, 'idle');
      await s.page.getByTestId('lookup-q').fill(ORDERS[lang]);
      await expect.poll(() => s.page.getByTestId('result').count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => thumbColours(s.page.getByTestId('result-thumb').first()), { timeout: 20_000 }).toBeGreaterThan(20);
      await s.page.getByTestId('lookup-q').fill('');
    });
  }

  it('zh-CN: the date range picker shows Chinese, never mm/dd/yyyy, and filters by the picked day', async () => {
    await setLanguage('zh-CN');
    await s.page.getByTestId('nav-lookup').click();
    // The results first (both clips recorded above), as a person sees them before picking a day.
    await expect.poll(() => s.page.getByTestId('result').count()).toBe(2);
    const dates = s.page.getByTestId('lookup-dates');
    const placeholders = await dates.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).placeholder));
    expect(placeholders).toEqual(['开始日期', '结束日期']);
    const everyPlaceholder = await s.page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).placeholder).join(' '));
    expect(everyPlaceholder).not.toMatch(/mm|dd|yyyy/i);
    await dates.locator('input').first().click();
    const panel = s.page.locator('.ant-picker-dropdown:visible');
    await panel.waitFor();
    const header = await panel.locator('.ant-picker-header-view').first().textContent();
    expect(header).toMatch(/\d{4}年/);
    expect(header).toMatch(/\d{1,2}月/);
    expect(await panel.locator('thead').first().textContent()).toMatch(/一.*二.*三/);
    await shot('lookup-datepicker-zh-CN');
    // Today, as a range of one day: both clips recorded above are found.
    const today = panel.locator('td.ant-picker-cell-today').first();
    await today.click();
    // A person sees the picked start and the end field waiting before clicking again; so does the test.
    await expect.poll(() => dates.locator('input').first().inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await today.click();
    await expect.poll(() => dates.locator('input').nth(1).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect.poll(() => s.page.getByTestId('result').count()).toBe(2);
    await dates.hover();
    await dates.locator('.ant-picker-clear').click();
    await s.page.getByTestId('lookup-mode-returns').click();
    await expect.poll(() => s.page.getByTestId('result').count(), { timeout: 10_000 }).toBe(0);
    await s.page.getByTestId('lookup-mode-all').click();
    await expect.poll(() => s.page.getByTestId('result').count(), { timeout: 10_000 }).toBe(2);
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: a finished export lists every file of the package, the ZIP first, each with a size in its unit`, async () => {
      await setLanguage(lang);
      await s.page.getByTestId('nav-lookup').click();
      await s.page.getByTestId('result').first().click();
      await s.page.getByTestId('export-panel').waitFor();
      await choose(s.page, 'export-preset', 'original');
      const job = s.page.locator('[data-testid="export-job"][data-status="done"]');
      const before = await job.count();
      await expect.poll(() => s.page.getByTestId('export-start').isEnabled(), { timeout: 20_000 }).toBe(true);
      await s.page.getByTestId('export-start').click();
      const finished = s.page.locator('[data-testid="export-job"]:not([data-status="queued"]):not([data-status="running"])');
      await expect.poll(() => finished.count(), { timeout: 90_000 }).toBe(before + 1);
      expect(await finished.first().getAttribute('data-status'), (await finished.first().textContent()) ?? '').toBe('done');
      const done = job.first();
      await expect
        .poll(
          () =>
            done.evaluate((el) => {
              const r = el.getBoundingClientRect();
              return r.top < innerHeight && r.bottom > 0;
            }),
          { timeout: 10_000 },
        )
        .toBe(true); // scrolled into view
      const names = await done.getByTestId('export-file').allTextContents();
      const sizes = await done.getByTestId('export-file-size').allTextContents();
      await shot(`export-done-${lang}`);
      expect(names[0]).toMatch(/_evidence\.zip$/);
      for (const own of ['verify.html', 'export-manifest.json', 'export-manifest.json.sig', 'README.txt']) expect(names).toContain(own);
      expect(names.some((n) => n.endsWith('.mp4'))).toBe(true);
      const clipsOnDisk = (await apiCall<{ clips: Clip[] }>(s.served.url, 'clips.search', {})).clips;
      expect(clipsOnDisk.length).toBeGreaterThan(0);
      expect(sizes).toHaveLength(names.length);
      for (const s of sizes) {
        expect(s).toMatch(/^[\d.,]+ (B|kB|MB|GB)$/);
        expect(s).not.toMatch(/^0(\.0)? /);
      }
      expect(sizes[names.indexOf('export-manifest.json.sig')]).toBe('64 B');
      expect(await done.getByTestId('export-job-what').textContent()).toContain(lang === 'en' ? 'shipping (packing)' : '发货');
    });
  }

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: the paused player leaves the burned-in band uncovered; its position bar is a Slider in ${lang}`, async () => {
      await setLanguage(lang);
      await s.page.getByTestId('nav-lookup').click();
      await s.page.getByTestId('result').first().click();
      const video = s.page.getByTestId('player-video');
      await video.waitFor({ state: 'visible' });
      await video.evaluate(async (v: HTMLVideoElement) => {
        if (v.readyState < 2) await new Promise((r) => v.addEventListener('loadeddata', r, { once: true }));
      });
      await s.page.getByTestId('player-next-frame').click();
      expect(await video.evaluate((v: HTMLVideoElement) => v.paused && !v.controls)).toBe(true);
      const box = (await video.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(768); // the whole picture, band included, on screen
      // The bottom strip of the picture (the band) is the video itself at its left, middle and right.
      for (const x of [0.05, 0.5, 0.95]) {
        const top = await s.page.evaluate(
          ([px, py]) => document.elementFromPoint(px!, py!)?.getAttribute('data-testid'),
          [box.x + box.width * x, box.y + box.height - 4],
        );
        expect(top, `at ${x}`).toBe('player-video');
      }
      const bar = (await s.page.getByTestId('player-seek').boundingBox())!;
      expect(bar.y).toBeGreaterThanOrEqual(box.y + box.height - 1);
      const handle = sliderHandle(s.page, 'player-seek');
      expect(await handle.getAttribute('aria-label')).toBe(lang === 'en' ? 'Position in the clip' : '片段中的位置');
      // The keyboard moves it a frame at a time, and the picture follows.
      const before = await sliderValue(s.page, 'player-seek');
      await handle.focus();
      await handle.press('ArrowRight');
      await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(before);
      await shot(`player-paused-${lang}`);
    });
  }
});

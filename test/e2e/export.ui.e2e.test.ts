// The export panel in the lookup view, through door 2 (`packwitness serve` + Chromium): preset,
// expected size, progress with percent, download, cancel, a range trimmed on the timeline, and a
// pasted batch with its summary.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Engine } from '../../electron/engine/engine.ts';
import type { Clip } from '../../shared/contract.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';
import { choose, sliderHandle, sliderValue, slideTo } from '../helpers/antd.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffprobeJson } from '../helpers/video.ts';

const ORDER = 'UIX-55012345';

describe.runIf(chromiumAvailable())('export panel (HTTP door)', () => {
  let t: ReturnType<typeof tmpDir>;
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let clip: Clip;

  beforeAll(async () => {
    t = tmpDir('pw-export-ui-');
    const data = path.join(t.dir, 'data');
    const engine = await Engine.open({ dataDir: data, timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, ORDER, 70, '320x180', 30);
    clip = await recordClip(engine, ORDER, webm);
    await engine.close();
    served = await startServe(['--data', data]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(`${served.url}#/lookup`);
    await page.getByTestId('lookup-q').fill(ORDER);
    await page.getByTestId('result').first().click();
    await page.getByTestId('export-panel').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t?.cleanup();
  });

  const job = (status: string) => page.locator(`[data-testid="export-job"][data-status="${status}"]`);

  it('shows the expected result before exporting, then progress, then download links', async () => {
    await choose(page, 'export-preset', 'custom');
    await page.getByTestId('export-custom-mb').fill('2');
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/3 part\(s\), about \d+\.\d MB/);
    // Remember whether a progress bar with a percentage was ever on screen.
    await page.evaluate(() => {
      const w = window as unknown as { __sawPercent: boolean };
      w.__sawPercent = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="export-percent"]')) w.__sawPercent = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('export-start').click();
    await job('done').first().waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => (window as unknown as { __sawPercent: boolean }).__sawPercent)).toBe(true);
    const links = job('done').first().getByTestId('export-file');
    const names = await links.allTextContents();
    expect(names[0]).toMatch(/_evidence\.zip$/);
    expect(names.some((n) => /_part3of3\.mp4$/.test(n))).toBe(true);
    // Every file of the package, the ones a reviewer checks first right after the ZIP.
    expect(
      names
        .slice(1)
        .filter((n) => !n.endsWith('.tsr'))
        .slice(0, 4),
    ).toEqual(['verify.html', 'export-manifest.json', 'export-manifest.json.sig', 'README.txt']);
    // Sizes in a unit that fits them: a 64-byte signature is never "0.0 MB".
    const sizes = await job('done').first().getByTestId('export-file-size').allTextContents();
    expect(sizes).toHaveLength(names.length);
    expect(sizes[names.indexOf('export-manifest.json.sig')]).toBe('64 B');
    expect(sizes[names.indexOf('README.txt')]).toMatch(/^[\d.]+ kB$/);
    expect(sizes[0]).toMatch(/^[\d.]+ MB$/);
    expect(await job('done').first().getAttribute('data-mode')).toBe('shipping');
    expect(await job('done').first().getByTestId('export-job-what').textContent()).toMatch(/shipping \(packing\) clips/);
    const href = await links.first().getAttribute('href');
    const status = await page.evaluate(async (u) => (await fetch(u!)).status, href);
    expect(status).toBe(200);
  });

  it('cancels a running export', async () => {
    await page.getByTestId('export-custom-mb').fill('1');
    await page.getByTestId('export-custom-s').fill('20');
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/4 part\(s\)/);
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-cancel').first().click();
    await job('cancelled').first().waitFor({ timeout: 30_000 });
  });

  it('exports eBay stills at moments picked on the player', async () => {
    await choose(page, 'export-preset', 'ebay');
    await page.getByTestId('export-moments').waitFor();
    for (const at of [5, 42]) {
      await page.evaluate(async (sec) => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!;
        if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
        v.currentTime = sec;
        await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      }, at);
      await page.getByTestId('export-add-moment').click();
    }
    expect(await page.getByTestId('export-moment').allTextContents()).toEqual(['5.0 s ✕', '42.0 s ✕']);
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/2 still\(s\)/);
    const before = await job('done').count();
    await page.getByTestId('export-start').click();
    await expect.poll(() => job('done').count(), { timeout: 60_000 }).toBe(before + 1);
    const names = await job('done').first().getByTestId('export-file').allTextContents();
    expect(names.filter((n) => n.endsWith('.jpg'))).toEqual([
      expect.stringMatching(/_still01_00m05\.0s\.jpg$/),
      expect.stringMatching(/_still02_00m42\.0s\.jpg$/),
    ]);
    expect(names.some((n) => n.endsWith('_sheet.pdf'))).toBe(true);
  });

  it('chooses stills on the moments bar: the automatic ones shown first, a click adds one and shows it, keys move and remove it', async () => {
    const playerAt = () => page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!.currentTime);
    const marks = () => page.getByTestId('moment-mark');
    const markMs = async () => await marks().evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.ms)));
    await choose(page, 'export-preset', 'ebay');
    await page.getByTestId('moments-timeline').waitFor();
    await page
      .getByTestId('moments-clear')
      .click()
      .catch(() => {}); // moments left from an earlier test
    // Nothing chosen: the frames the export would pick by itself, as hollow marks.
    await expect.poll(() => page.getByTestId('moment-auto').count()).toBeGreaterThan(0);
    const auto = await page.getByTestId('moment-auto').count();
    expect(await page.getByTestId('moments-summary').textContent()).toBe(`Automatic: ${auto} still(s) (hollow marks); click the bar to choose your own`);
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(new RegExp(`${auto} still\\(s\\)`));

    // A click a quarter along the bar adds a still there and shows that frame.
    const track = page.getByTestId('moments-track');
    const box = (await track.boundingBox())!;
    await track.click({ position: { x: box.width / 4, y: box.height / 2 } });
    const [first] = await markMs();
    expect(first! / 1000).toBeCloseTo(clip.durationMs / 4000, 0);
    await expect.poll(playerAt).toBeCloseTo(first! / 1000, 1);
    expect(await page.getByTestId('moment-auto').count()).toBe(0);
    expect(await page.getByTestId('moments-summary').textContent()).toBe('1 still(s) chosen');

    // The keyboard moves it (0.1 s, Shift 1 s) with the player following, and Delete removes it.
    await marks().first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(markMs).toEqual([first! + 1200]);
    await expect.poll(playerAt).toBeCloseTo((first! + 1200) / 1000, 1);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.ms)).toBe(String(first! + 1200));
    await page.keyboard.press('Delete');
    await expect.poll(() => marks().count()).toBe(0);
    expect(await page.getByTestId('moment-auto').count()).toBe(auto);

    // Two stills chosen on the bar are the two JPEGs of the export, at those times.
    await track.click({ position: { x: box.width * 0.1, y: box.height / 2 } });
    await track.click({ position: { x: box.width * 0.9, y: box.height / 2 } });
    const chosen = await markMs();
    expect(chosen).toHaveLength(2);
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/2 still\(s\)/);
    const before = await job('done').count();
    await page.getByTestId('export-start').click();
    await expect.poll(() => job('done').count(), { timeout: 60_000 }).toBe(before + 1);
    const names = await job('done').first().getByTestId('export-file').allTextContents();
    const label = (ms: number) => `${String(Math.floor(ms / 60_000)).padStart(2, '0')}m${((ms % 60_000) / 1000).toFixed(1).padStart(4, '0')}s`;
    expect(names.filter((n) => n.endsWith('.jpg'))).toEqual([
      expect.stringContaining(`_still01_${label(chosen[0]!)}.jpg`),
      expect.stringContaining(`_still02_${label(chosen[1]!)}.jpg`),
    ]);
  });

  it('trims on the timeline under the player: handles, number inputs and player agree, and the MP4 has that length', async () => {
    const playerAt = () => page.evaluate(() => document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!.currentTime);
    await page.evaluate(async () => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!;
      if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    });
    await choose(page, 'export-preset', 'generic-100');
    await page.getByTestId('trim-timeline').waitFor();
    // Nothing chosen yet: the handles sit at both ends of the clip.
    expect(await sliderValue(page, 'trim-slider', 0)).toBe(0);
    expect(await sliderValue(page, 'trim-slider', 1)).toBeGreaterThan(69);
    expect(await page.getByTestId('trim-length').textContent()).toMatch(/^Length 01:(09\.9|10\.\d)$/);

    // A click on the bar halfway moves the player (and its marker) to the middle of the clip.
    const track = page.getByTestId('trim-track');
    const box = (await track.boundingBox())!;
    await track.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await expect.poll(playerAt).toBeCloseTo(35, 0);
    // The marker follows the player's seek event, a moment after the player itself.
    await expect.poll(async () => parseFloat(await page.getByTestId('trim-playhead').evaluate((el) => (el as HTMLElement).style.left))).toBeCloseTo(50, 0);

    // Typing a number moves the handle; moving the handle rewrites the number and shows that frame.
    await page.getByTestId('export-from').fill('4');
    expect(await sliderValue(page, 'trim-slider', 0)).toBe(4);
    expect(await page.getByTestId('trim-start-label').textContent()).toBe('Start 00:04.0');
    expect(await sliderHandle(page, 'trim-slider', 0).getAttribute('aria-valuetext')).toBe('00:04.0');
    await slideTo(page, 'trim-slider', 0, 2.5, 0.1);
    expect(await page.getByTestId('export-from').inputValue()).toBe('2.5');
    await expect.poll(playerAt).toBeCloseTo(2.5, 1);
    await slideTo(page, 'trim-slider', 1, 12.3, 0.1);
    await sliderHandle(page, 'trim-slider', 1).press('ArrowRight');
    await sliderHandle(page, 'trim-slider', 1).press('ArrowRight');
    expect(await page.getByTestId('export-to').inputValue()).toBe('12.5');
    await expect.poll(playerAt).toBeCloseTo(12.5, 1);
    expect(await page.getByTestId('trim-length').textContent()).toBe('Length 00:10.0');
    expect(await page.getByTestId('trim-end-label').textContent()).toBe('End 00:12.5');

    // The handles never cross: the start stops 0.5 s before the end.
    await slideTo(page, 'trim-slider', 0, 30, 0.1);
    expect(await page.getByTestId('export-from').inputValue()).toBe('12.0');
    expect(await page.getByTestId('trim-length').textContent()).toBe('Length 00:00.5');
    await slideTo(page, 'trim-slider', 0, 2.5, 0.1);
    expect(await page.getByTestId('trim-length').textContent()).toBe('Length 00:10.0');

    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/^Expected: 1 part\(s\), about [\d.]+ (kB|MB)$/);
    const before = await job('done').count();
    await page.getByTestId('export-start').click();
    await expect.poll(() => job('done').count(), { timeout: 90_000 }).toBe(before + 1);
    const links = job('done').first().getByTestId('export-file');
    const mp4 = links.filter({ hasText: /\.mp4$/ });
    expect(await mp4.count()).toBe(1);
    const href = (await mp4.getAttribute('href'))!;
    const b64 = await page.evaluate(async (u) => {
      const bytes = new Uint8Array(await (await fetch(u)).arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    }, href);
    const file = path.join(t.dir, 'trimmed.mp4');
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
    const seconds = Number(ffprobeJson(file).format.duration);
    expect(Math.abs(seconds - 10)).toBeLessThan(0.5);

    // "Whole clip" clears the range again.
    await page.getByTestId('trim-whole').click();
    expect(await page.getByTestId('export-from').inputValue()).toBe('');
    expect(await page.getByTestId('export-to').inputValue()).toBe('');
    expect(await sliderValue(page, 'trim-slider', 0)).toBe(0);
  });

  it('exports a pasted batch and says which codes failed and why', async () => {
    await choose(page, 'export-preset', 'original');
    await page.locator('.export-batch summary').click();
    await page.getByTestId('export-batch').fill(`${ORDER}\nNOPE-404, bad/code`);
    await page.getByTestId('export-batch-start').click();
    const summary = page.getByTestId('export-batch-summary');
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toContain('1 of 3 exported, 2 failed');
    expect(await summary.textContent()).toContain('No clip of order NOPE-404');
  });
});

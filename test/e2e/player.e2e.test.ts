// The lookup's evidence player as an agent uses it: the burned-in band stays visible while paused
// (no control sits over the picture), one frame forward and back, slow motion, zoom.
import { describe, expect, it } from 'vitest';
import { useStationPage } from '../helpers/stationFixture.ts';
import { chromiumAvailable, scan, waitForState } from '../helpers/station.ts';
import { choose, chosenText } from '../helpers/antd.ts';

const ready = chromiumAvailable();
if (!ready) console.log('player e2e skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!ready)('lookup player', () => {
  const station = useStationPage();

  it('never covers the band, steps frames, plays slowly and zooms', async () => {
    const { page } = station;
    await scan(page, 'SPXID045123456789');
    await waitForState(page, 'recording', 'SPXID045123456789');
    await page.waitForTimeout(3000);
    await scan(page, 'SPXID045123456789');
    await waitForState(page, 'idle');
    await page.getByTestId('nav-lookup').click();
    await expect.poll(() => page.getByTestId('result').count(), { timeout: 20_000 }).toBe(1);
    await page.getByTestId('result').first().click();
    const video = page.getByTestId('player-video');
    await video.waitFor({ state: 'visible' });
    await video.evaluate(async (v: HTMLVideoElement) => {
      if (v.readyState < 2) await new Promise((r) => v.addEventListener('loadeddata', r, { once: true }));
    });
    // The clip's file by its name; where the station's store keeps it never reaches the page.
    const fileShown = (await page.getByTestId('player-file').textContent()) ?? '';
    expect(fileShown).toMatch(/^SPXID045123456789_\d{6}_[\w-]+\.mp4$/);
    expect(fileShown).not.toContain(station.dataDir);

    // No browser controls over the picture, and every control of ours lies below the video.
    expect(await video.evaluate((v: HTMLVideoElement) => v.controls)).toBe(false);
    const box = (await video.boundingBox())!;
    const bar = (await page.getByTestId('player-seek').boundingBox())!;
    expect(bar.y).toBeGreaterThanOrEqual(box.y + box.height - 1);
    // What is drawn at the bottom strip (the band) is the video itself, not a control.
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.getAttribute('data-testid'),
      [box.x + box.width / 2, box.y + box.height - 4],
    );
    expect(onTop).toBe('player-video');

    const at = () => video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.getByTestId('player-next-frame').click();
    await page.getByTestId('player-next-frame').click();
    await expect.poll(at).toBeCloseTo(2 / 30, 2);
    await page.getByTestId('player-prev-frame').click();
    await expect.poll(at).toBeCloseTo(1 / 30, 2);
    expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    expect(await page.getByTestId('player-time').textContent()).toMatch(/^0:00\.0 \/ 0:0[2-4]\.\d$/);

    await choose(page, 'player-rate', '0.25');
    expect(await chosenText(page, 'player-rate')).toBe('0.25×');
    expect(await video.evaluate((v: HTMLVideoElement) => v.playbackRate)).toBe(0.25);

    if (process.env.PW_SHOT) await page.screenshot({ path: process.env.PW_SHOT });
    await choose(page, 'player-zoom', '4');
    expect(await video.evaluate((v: HTMLVideoElement) => v.style.transform)).toBe('scale(4)');
    // A click on the picture picks where the zoom looks.
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
    expect(await video.evaluate((v: HTMLVideoElement) => v.style.transformOrigin)).toMatch(/^7[45](\.\d+)?% 2[45](\.\d+)?%$/);
  });

  it('keeps the lookup readable while the station records, with a small indicator and its Stop', async () => {
    const { page } = station;
    await page.getByTestId('nav-station').click();
    await scan(page, 'TBA301234567890');
    await waitForState(page, 'recording', 'TBA301234567890');
    const colour = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const red = await colour();
    await page.getByTestId('nav-lookup').click();
    await expect.poll(colour).not.toBe(red);
    const indicator = page.getByTestId('rec-indicator');
    await expect.poll(() => indicator.textContent()).toContain('TBA301234567890');
    await page.getByTestId('rec-indicator-stop').click();
    await waitForState(page, 'idle');
    expect(await indicator.count()).toBe(0);
    await expect.poll(() => page.getByTestId('result').count(), { timeout: 20_000 }).toBe(2);
  });
});

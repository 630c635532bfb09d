// The installed defaults at a real station page: a recording left running over a still picture
// (the packer went home without the last scan) ends by itself after the default idle time, with
// the reason in the index and the warning on screen and in sound. Nothing is changed in Settings.
//
// Three minutes are not waited for: the page's clock (Playwright's clock: timers, Date,
// performance.now) is paused and moved ahead in steps shorter than the camera watchdog's 5 s,
// each only after the camera's next real frame has arrived, so the station sees a live camera
// with a still picture for three minutes. The camera, the overlay worker, the recorder and the
// engine are real; only the page's sense of time is moved.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { apiCall, chromiumAvailable, launchBrowser, startServe, waitForState, withDiagnostics, type Served } from '../helpers/station.ts';

/** A scanner's burst dispatched in the page (see station.controls.e2e.test.ts for why). */
async function burst(page: Page, code: string): Promise<void> {
  await page.evaluate((c) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...c, 'Enter']) target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, code);
}

const STEP_MS = 4000; // under the camera watchdog's 5 s (renderer/src/station/cameraHealth.ts)

describe.skipIf(!chromiumAvailable())('protective defaults at the station (door 2, Chromium)', () => {
  const t = tmpDir('pw-defaults-e2e-');
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    // An empty packing table: one grey picture that never changes.
    const y4m = path.join(t.dir, 'table.y4m');
    execFileSync(ffmpegBin(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=0x707070:s=640x360:r=30', '-frames:v', '15', '-pix_fmt', 'yuv420p', y4m]);
    served = await startServe(['--data', path.join(t.dir, 'data')]);
    browser = await launchBrowser({ videoFile: y4m });
    await browser.context.clock.install(); // time flows as usual until paused below
    page = await browser.context.newPage();
    await page.goto(served.url);
    await waitForState(page, 'idle');
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  /**
   * Pauses the page's clock a moment ahead of its time. pauseAt refuses a time already past, and on
   * a loaded machine the page's clock can pass a small margin between reading it and pausing it:
   * then it tries again with a wider one.
   */
  const pauseSoon = async (p: Page): Promise<void> => {
    for (let margin = 50; ; margin *= 4) {
      const now = await p.evaluate(() => Date.now());
      try {
        await p.clock.pauseAt(now + margin);
        return;
      } catch (err) {
        if (margin > 10_000 || !String(err).includes('to the past')) throw err;
      }
    }
  };

  /** Page time (performance.now) and whether the camera's last frame arrived at that time. */
  const pageNow = () =>
    page.evaluate(() => ({ now: performance.now(), frameAgo: window.__pwStation?.diagnostics.lastFrameAgoMs ?? null, state: document.body.dataset.state }));

  it('a recording of a still picture stops by itself after the default 3 minutes, marked auto-idle', async () => {
    const settings = await apiCall<{ idleStopMs: number; maxClipMs: number }>(served.url, 'settings.get');
    expect(settings.idleStopMs).toBe(180_000);
    await withDiagnostics(page, served, async () => {
      await burst(page, 'SF1400000000031');
      await waitForState(page, 'recording', 'SF1400000000031');
      const startedAt = await page.evaluate(() => (window.__pwStation as unknown as { snapshot: { startedAt: number } }).snapshot.startedAt);
      await pauseSoon(page);
      const cuesBefore = await page.evaluate(() => (window as unknown as { __pwCues: string[] }).__pwCues.length);
      // Move the page's time ahead; after each step wait for a real frame (it stamps the new time).
      let recordingAt = 0; // page ms since the start at which the station was last seen recording
      let stoppedAt: number | null = null;
      for (let i = 0; i < 60 && stoppedAt === null; i++) {
        await page.clock.fastForward(STEP_MS);
        await expect.poll(async () => (await pageNow()).frameAgo, { timeout: 15_000 }).toBe(0);
        const s = await pageNow();
        if (s.state === 'recording') recordingAt = s.now - startedAt;
        else stoppedAt = s.now - startedAt;
      }
      await page.clock.resume();
      // Still recording short of the default, stopped within one step after it.
      expect(recordingAt).toBeLessThan(180_000);
      expect(recordingAt).toBeGreaterThanOrEqual(180_000 - STEP_MS - 1000);
      expect(stoppedAt).not.toBeNull();
      expect(stoppedAt!).toBeGreaterThanOrEqual(180_000);
      await waitForState(page, 'idle');
      await expect
        .poll(async () => (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', { q: 'SF1400000000031' })).clips[0]?.stopReason, { timeout: 20_000 })
        .toBe('auto-idle');
      // The packer, back in the morning, sees and heard why: the warning and its sound.
      expect(await page.getByTestId('station-message').getAttribute('data-key')).toBe('auto.idle');
      const cues = await page.evaluate((n) => (window as unknown as { __pwCues: string[] }).__pwCues.slice(n), cuesBefore);
      expect(cues).toEqual(expect.arrayContaining(['stop', 'warning']));
    });
  });

  it('the first-run card and the Status view say how long the disk lasts at the measured rate', async () => {
    // The first-run card (this station was never set up) shows it before anything is confirmed.
    const card = page.getByTestId('first-run');
    await expect
      .poll(() => card.getByTestId('outlook-days').textContent(), { timeout: 10_000 })
      .toMatch(/holds about [\d,]+ days of recording at 1 orders a day \(.* a day, measured on its first day/);
    expect(await card.getByTestId('outlook-protect').textContent()).toMatch(/Clips younger than 120 days are never deleted to make room/);
    await page.getByTestId('nav-status').click();
    const outlook = page.getByTestId('disk-outlook');
    await expect.poll(() => outlook.textContent(), { timeout: 10_000 }).toMatch(/How long the disk lasts.*holds about [\d,]+ days of recording/);
    expect(await outlook.getAttribute('data-level')).toBe('ok');
    const o = await apiCall<{ ordersPerDay: number; daysLeft: number; protectDays: number }>(served.url, 'storage.outlook');
    expect(o.ordersPerDay).toBe(1);
    expect(o.protectDays).toBe(120);
    expect(o.daysLeft).toBeGreaterThan(7);
    await page.getByTestId('nav-station').click();
  });
});

// Cameras that go away: unplugged mid-recording, or missing at start. What was recorded is kept
// and marked; the station says so plainly; nothing fake or empty is ever saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { apiCall, chromiumAvailable, CHROMIUM, launchBrowser, openStationPage, scan, startServe, waitForState, type Served } from '../helpers/station.ts';

const ready = chromiumAvailable();
if (!ready) console.log('camera e2e skipped: no /usr/bin/chromium');

async function clipsOf(served: Served): Promise<Clip[]> {
  return (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', {})).clips;
}

describe.skipIf(!ready)('camera unplugged while recording', () => {
  const t = tmpDir();
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    served = await startServe(['--data', t.dir]);
    ({ browser, page } = await openStationPage(served.url));
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('keeps what was recorded, marks it interrupted, raises the alarm, and recovers by itself', async () => {
    await scan(page, 'CAM-LOST-1');
    await waitForState(page, 'recording', 'CAM-LOST-1');
    await page.waitForTimeout(2500);
    // What the browser does when the USB camera is pulled: the track ends.
    await page.evaluate(() => window.__pwStation!.cameraTrack!.stop());
    await waitForState(page, 'error');
    const alarm = await page.getByTestId('state-line').textContent();
    expect(alarm).toContain('Camera disconnected');
    await expect.poll(async () => (await clipsOf(served)).length, { timeout: 20_000 }).toBe(1);
    const [clip] = await clipsOf(served);
    expect(clip!.order).toBe('CAM-LOST-1');
    expect(clip!.status).toBe('interrupted');
    expect(clip!.stopReason).toBe('camera-lost');
    expect(clip!.note).toContain('camera was disconnected');
    expect(clip!.durationMs).toBeGreaterThan(1500);
    // The camera "comes back": the station picks it up and the next scan records.
    await waitForState(page, 'idle', undefined, 15_000);
    await scan(page, 'CAM-BACK-2');
    await waitForState(page, 'recording', 'CAM-BACK-2');
    await page.waitForTimeout(1500);
    await scan(page, 'CAM-BACK-2');
    await expect.poll(async () => (await clipsOf(served)).length, { timeout: 20_000 }).toBe(2);
    expect((await clipsOf(served)).find((c) => c.order === 'CAM-BACK-2')!.status).toBe('ok');
  });
});

describe.skipIf(!ready)('no camera at start', () => {
  const t = tmpDir();
  let served: Served;

  afterAll(async () => {
    await served?.stop();
    t.cleanup();
  });

  it('shows a clear message and never records a fake or empty clip', async () => {
    served = await startServe(['--data', t.dir]);
    // No fake device: this Chromium has no camera at all.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(served.url);
      await waitForState(page, 'error');
      expect(await page.getByTestId('state-line').textContent()).toMatch(/No camera found|camera/i);
      await scan(page, 'NOCAM-1');
      await expect.poll(() => page.getByTestId('station-message').textContent()).toMatch(/cannot record/);
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('error');
      expect(await clipsOf(served)).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

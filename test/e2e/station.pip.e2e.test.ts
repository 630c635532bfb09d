// Two cameras, one recorded video: the second camera composited picture-in-picture by the overlay
// worker, proven on the recorded MP4's pixels. The camera is a file with a recognisable picture
// (left half black, right half white); the inset in the bottom-right corner is a scaled copy, so
// where the full picture is white the inset's left half must be black — and only with PiP on.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { pipRect, type PipRect } from '../../shared/pipGeometry.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { apiCall, chromiumAvailable, launchBrowser, openStationPage, startServe, waitForState, withDiagnostics, type Served } from '../helpers/station.ts';
import { clipPath } from '../helpers/clipPath.ts';

const W = 1280;
const H = 720;

/** Luma of one frame (1 s in), as W×H bytes. */
function lumaAt(file: string): Buffer {
  return execFileSync(ffmpegBin(), ['-v', 'error', '-ss', '1', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    maxBuffer: 64 << 20,
  });
}

/** A scanner's burst dispatched in the page (see station.controls.e2e.test.ts for why). */
async function burst(page: Page, code: string): Promise<void> {
  await page.evaluate((c) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...c, 'Enter']) target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, code);
}

function meanLuma(y: Buffer, r: PipRect): number {
  let sum = 0;
  for (let row = r.y; row < r.y + r.height; row++) for (let x = r.x; x < r.x + r.width; x++) sum += y[row * W + x]!;
  return sum / (r.width * r.height);
}

describe.skipIf(!chromiumAvailable())('picture-in-picture in the recorded frames (door 2)', () => {
  const t = tmpDir();
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    const y4m = path.join(t.dir, 'split.y4m');
    execFileSync(ffmpegBin(), [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `color=c=black:s=${W}x${H}:r=30`,
      '-f',
      'lavfi',
      '-i',
      `color=c=white:s=${W / 2}x${H}:r=30`,
      '-filter_complex',
      `[0][1]overlay=x=${W / 2}:y=0`,
      '-frames:v',
      '15',
      '-pix_fmt',
      'yuv420p',
      y4m,
    ]);
    served = await startServe(['--data', path.join(t.dir, 'data')]);
    ({ browser, page } = await openStationPage(served.url, { videoFile: y4m }));
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  async function record(order: string): Promise<Clip> {
    return withDiagnostics(page, served, async () => {
      await burst(page, order);
      await waitForState(page, 'recording', order);
      await page.waitForTimeout(2000);
      await burst(page, 'PW:STOP');
      await waitForState(page, 'idle');
      let clip: Clip | undefined;
      await expect
        .poll(
          async () => {
            clip = (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', { q: order })).clips[0];
            return clip?.order;
          },
          { timeout: 20_000 },
        )
        .toBe(order);
      return clip!;
    });
  }

  it('shows the second camera in the corner of the recorded video only when it is chosen', async () => {
    const plain = await record('SF1400000000011');

    // Pick the second camera in the settings (a file camera offers one device; it is opened twice).
    const deviceId = await page.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).find((d) => d.kind === 'videoinput')!.deviceId);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('set-pipCamera').selectOption(deviceId);
    await page.getByTestId('pip-preview').waitFor(); // the layout preview appears with the choice
    await page.getByTestId('set-pipCorner').selectOption('bottom-right');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-status').textContent(), { timeout: 10_000 }).toContain('Saved');
    await page.getByTestId('nav-station').click();
    // Camera reopened between clips (a dark reopen is retried, then reconnected: allow for it).
    await page.getByTestId('pip-on').waitFor({ timeout: 40_000 });
    await waitForState(page, 'idle');
    const withPip = await record('SF1400000000012');

    const rect = pipRect(W, H, 16 / 9, 'bottom-right', 30);
    const inset = {
      left: { x: rect.x + 6, y: rect.y + 6, width: rect.width / 2 - 12, height: rect.height - 12 },
      right: { x: rect.x + rect.width / 2 + 6, y: rect.y + 6, width: rect.width / 2 - 12, height: rect.height - 12 },
    };
    const a = lumaAt(clipPath(path.join(t.dir, 'data', 'clips'), plain));
    const b = lumaAt(clipPath(path.join(t.dir, 'data', 'clips'), withPip));
    const m = { plainLeft: meanLuma(a, inset.left), pipLeft: meanLuma(b, inset.left), pipRight: meanLuma(b, inset.right) };
    console.log(
      `PiP inset ${rect.width}x${rect.height} at ${rect.x},${rect.y}: mean luma without PiP ${m.plainLeft.toFixed(0)}, with PiP left half ${m.pipLeft.toFixed(0)} / right half ${m.pipRight.toFixed(0)}`,
    );
    expect(m.plainLeft).toBeGreaterThan(200); // the camera's white half
    expect(m.pipLeft).toBeLessThan(50); // the inset's scaled-down black half
    expect(m.pipRight).toBeGreaterThan(200);
    // the main picture outside the inset is unchanged: left half black
    expect(meanLuma(b, { x: 100, y: 100, width: 200, height: 200 })).toBeLessThan(50);
  });

  it('stops a clip of a still picture with nobody at the station after the idle time (auto-idle)', async () => {
    await apiCall(served.url, 'settings.update', { idleStopMs: 2000 });
    await page.waitForTimeout(500); // settings.changed reaches the page over SSE
    await withDiagnostics(page, served, async () => {
      await burst(page, 'SF1400000000013');
      await waitForState(page, 'recording', 'SF1400000000013');
      await waitForState(page, 'idle', undefined, 15_000); // this camera's picture never changes
      await apiCall(served.url, 'settings.update', { idleStopMs: 0 });
      await expect
        .poll(async () => (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', { q: 'SF1400000000013' })).clips[0]?.stopReason, { timeout: 20_000 })
        .toBe('auto-idle');
    });
    expect(await page.getByTestId('station-message').getAttribute('data-key')).toBe('auto.idle');
  });
});

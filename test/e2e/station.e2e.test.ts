// The packing station end to end through door 2: a real `packwitness serve`, the real React page
// in Chromium with a fake camera, scans from the keyboard, real MP4 files checked with ffprobe,
// OCR and the burned-in frame counter.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { readFrameCounters } from '../../electron/engine/frameCounters.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { expectEveryGapRecorded, READ_BACK_TEST_TIMEOUT_MS } from '../helpers/continuity.ts';
import { ffprobeJson } from '../helpers/video.ts';
import { ocrOverlay, tesseractAvailable } from '../helpers/ocr.ts';
import { apiCall, chromiumAvailable, launchBrowser, openStationPage, NODE22, ROOT, scan, startServe, waitForState, type Served } from '../helpers/station.ts';
import { clipPath } from '../helpers/clipPath.ts';

const haveChromium = chromiumAvailable();
if (!haveChromium) console.log('station e2e skipped: no Chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(!haveChromium)('station end to end (door 2, Chromium, fake camera)', () => {
  const t = tmpDir();
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const A = 'SF1400123456789';
  const B = 'YT9876543210';
  let clips: Clip[] = [];
  /**
   * Each clip's time on camera, bracketed by what the test saw: it started after its scan was typed
   * and before the page said so, and ended likewise. On a loaded machine the page may say so seconds
   * later; a single clock reading between the two would then be off by that much.
   */
  const held = { a: { min: 0, max: 0 }, b: { min: 0, max: 0 } };

  beforeAll(async () => {
    served = await startServe(['--data', t.dir]);
    ({ browser, page } = await openStationPage(served.url));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('records two orders scanned from the keyboard, the second code again stops', async () => {
    // Scan A anywhere on the page (focus on the body, no clicking into a box).
    const scanA = Date.now();
    await scan(page, A);
    await waitForState(page, 'recording', A);
    const shownA = Date.now();
    await page.waitForTimeout(3000);
    const scanB = Date.now();
    await scan(page, B); // a new code finishes A and starts B at once
    await waitForState(page, 'recording', B);
    const shownB = Date.now();
    await page.waitForTimeout(4000);
    const scanAgain = Date.now();
    await scan(page, B); // the same code again finishes B
    await waitForState(page, 'idle');
    const shownIdle = Date.now();
    held.a = { min: scanB - shownA, max: shownB - scanA };
    held.b = { min: scanAgain - shownB, max: shownIdle - scanB };
    await expect.poll(async () => (await apiCall<{ total: number }>(served.url, 'clips.search', {})).total, { timeout: 20_000 }).toBe(2);
    clips = (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', {})).clips.reverse();
    expect(clips.map((c) => c.order)).toEqual([A, B]);
    await expect.poll(() => page.getByTestId('state-line').textContent()).toContain('Ready');
  });

  it('stores H.264 MP4 clips whose durations match the time each order was on camera', async () => {
    const [a, b] = clips;
    // A frame or two either way (the clip's length is that of its frames).
    for (const [c, h] of [
      [a!, held.a],
      [b!, held.b],
    ] as const) {
      expect(c.durationMs, `${c.order}: ${c.durationMs} ms, on camera between ${h.min} and ${h.max} ms`).toBeGreaterThan(h.min - 250);
      expect(c.durationMs, `${c.order}: ${c.durationMs} ms, on camera between ${h.min} and ${h.max} ms`).toBeLessThan(h.max + 250);
    }
    for (const c of clips) {
      const probe = ffprobeJson(clipPath(path.join(t.dir, 'clips'), c));
      expect(probe.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
      expect(probe.format.format_name).toContain('mp4');
      expect(probe.streams[0]!.width).toBe(1280);
      expect(probe.streams[0]!.height).toBe(720);
      expect(c.status).toBe('ok');
      expect(c.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it.skipIf(!tesseractAvailable())('shows the order code burned into the picture', () => {
    const text = ocrOverlay(clipPath(path.join(t.dir, 'clips'), clips[0]!), 1).replace(/\s+/g, '');
    expect(text).toContain(A);
    const textB = ocrOverlay(clipPath(path.join(t.dir, 'clips'), clips[1]!), 2).replace(/\s+/g, '');
    expect(textB).toContain(B);
  });

  it('loses no frame when switching orders (burned-in frame counter)', { timeout: READ_BACK_TEST_TIMEOUT_MS }, async () => {
    const [a, b] = await Promise.all(clips.map((c) => readFrameCounters(clipPath(path.join(t.dir, 'clips'), c))));
    expect(a!.unreadable).toBe(0);
    expect(b!.unreadable).toBe(0);
    // A busy machine's encoder may drop a stamped frame; the station must have recorded each one.
    await expectEveryGapRecorded(served.url, clips[0]!, a!, served);
    await expectEveryGapRecorded(served.url, clips[1]!, b!, served);
    const lost = b!.first! - a!.last! - 1;
    console.log(`switch: clip A frames ${a!.first}..${a!.last}, clip B frames ${b!.first}..${b!.last}, frames lost at the switch: ${lost}`);
    expect(lost).toBeLessThanOrEqual(0);
  });

  it('finds both clips in the lookup by part of the code, and plays with seeking', async () => {
    await page.getByTestId('nav-lookup').click();
    const box = page.getByTestId('lookup-q');
    await box.click();
    await box.pressSequentially('400123', { delay: 120 }); // a person typing, not a scanner
    await expect.poll(() => page.getByTestId('result').count()).toBe(1);
    expect(await page.getByTestId('result').first().getAttribute('data-order')).toBe(A);
    await box.fill('');
    await expect.poll(() => page.getByTestId('result').count()).toBe(2);
    await page.getByTestId('result').filter({ hasText: B }).click();
    const video = page.getByTestId('player-video');
    await video.waitFor({ state: 'visible' });
    // The station's read-back of the clip's frames, in words (each gap with its cause, or continuous).
    expect(await page.getByTestId('clip-continuity').textContent()).toMatch(
      /^(Continuous: the frame counter runs without a gap through all \d+ frames|.*(dropped by the encoder|not recorded while).*recorded)/,
    );
    const seeked = await video.evaluate(async (v: HTMLVideoElement) => {
      if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
      const done = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      v.currentTime = 2.5;
      await done;
      return { t: v.currentTime, duration: v.duration };
    });
    expect(seeked.t).toBeGreaterThan(2.4);
    expect(seeked.t).toBeLessThan(2.6);
    expect(seeked.duration).toBeGreaterThan(3.5);
    // the door answers Range requests, which is what lets the player seek
    const res = await fetch(new URL(clips[1]!.mediaUrl, served.url), { headers: { range: 'bytes=100-199' } });
    expect(res.status).toBe(206);
    expect((await res.arrayBuffer()).byteLength).toBe(100);
  });

  it('the CLI lists and verifies the clips', () => {
    const cli = (...args: string[]) => execFileSync(NODE22, [path.join(ROOT, 'bin', 'packwitness.mjs'), ...args], { cwd: ROOT }).toString();
    const list = JSON.parse(cli('clips', '--order', B, '--data', t.dir, '--json')) as (Clip & { path: string | null })[];
    expect(list).toHaveLength(1);
    expect(list[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(list[0]!.path).toBe(clipPath(path.join(t.dir, 'clips'), clips[1]!));
    // The clip is named by station id + clip id (+ SHA-256), the same as the HTTP door names it;
    // only the CLI at the station adds where its clips folder keeps the file.
    const { stationId, id, fileName, sha256 } = clips[1]!;
    expect(stationId).toMatch(/^[0-9a-f]{64}$/);
    expect(list[0]).toMatchObject({ stationId, id, fileName, sha256 });
    expect(clips[1]).not.toHaveProperty('file');
    expect(clips[1]).not.toHaveProperty('path');
    const text = cli('clips', '--order', B, '--data', t.dir);
    expect(text.trim().endsWith(`  ${list[0]!.path}`)).toBe(true);
    const out = cli('verify', clipPath(path.join(t.dir, 'clips'), clips[0]!), '--data', t.dir);
    expect(out).toMatch(/^INTACT: this is /m); // exit 0 too, or execFileSync would throw
    expect(out).toContain(A);
  });
});

describe.skipIf(!haveChromium)('what the page saw while recording is sealed with the clip’s frames', () => {
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

  it('a stretch with the page hidden reaches the continuity entry, by frame counter', { timeout: READ_BACK_TEST_TIMEOUT_MS }, async () => {
    const order = 'SF-HIDDEN-0001';
    await page.evaluate(async (code) => {
      await window.__pwStation!.scan(code);
      await new Promise((r) => setTimeout(r, 1000));
      // What the browser does when the window is minimised (headless pages are never really hidden).
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      await new Promise((r) => setTimeout(r, 1500));
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
      document.dispatchEvent(new Event('visibilitychange'));
      await new Promise((r) => setTimeout(r, 1000));
      await window.__pwStation!.scan(code);
    }, order);
    await waitForState(page, 'idle');
    await expect.poll(async () => (await apiCall<{ total: number }>(served.url, 'clips.search', { q: order })).total, { timeout: 20_000 }).toBe(1);
    const [clip] = (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', { q: order })).clips;
    const read = await readFrameCounters(clipPath(path.join(t.dir, 'clips'), clip!));
    const recorded = await expectEveryGapRecorded(served.url, clip!, read, served);
    expect(recorded.pageIncidents).toBeGreaterThan(0);
    const db = new Database(path.join(t.dir, 'index.sqlite'), { readonly: true });
    try {
      const row = db.prepare(`SELECT body FROM chain WHERE clip_id=? AND kind='continuity'`).get(clip!.id) as { body: string };
      const page = (JSON.parse(row.body) as { page: { kind: string; from: number; to: number }[] }).page;
      const hidden = page.filter((i) => i.kind === 'hidden');
      expect(hidden).toHaveLength(1);
      // About 1.5 s of frames, inside this clip's counters.
      expect(hidden[0]!.from).toBeGreaterThanOrEqual(read.first!);
      expect(hidden[0]!.to).toBeLessThanOrEqual(read.last!);
      expect(hidden[0]!.to - hidden[0]!.from).toBeGreaterThan(15);
    } finally {
      db.close();
    }
  });
});

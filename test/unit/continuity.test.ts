// Continuity evidence: the station reads the burned-in frame counters back from every sealed clip
// and seals each gap (frames stamped but not in the file) and each pause with its cause, as a
// signed chain entry; verify and the lookup explain them, and a gap nobody recorded is UNEXPLAINED.
// Real clips carrying the counter (test/helpers/counterClip.ts), the real engine, real ffmpeg.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { explain } from '../../electron/engine/continuity.ts';
import { findGaps } from '../../electron/engine/frameCounters.ts';
import { verifyFile } from '../../electron/engine/verify.ts';
import { checkEntryAlone } from '../../electron/engine/evidence/chain.ts';
import { stationCustodyOf } from '../../electron/engine/evidence/handlers.ts';
import { clipTime, gapSentence } from '../../shared/continuityText.ts';
import type { PageIncident } from '../../shared/contract/continuity.ts';
import { makeCounterWebm } from '../helpers/counterClip.ts';
import { readEvidence } from '../../electron/engine/export/evidenceInfo.ts';
import { sheetLines, type SheetData } from '../../electron/engine/export/sheet.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { clipPath } from '../helpers/clipPath.ts';

const ctx = { door: 'http' as const };
const sheetBase = {
  order: 'SF-GAP-1',
  station: 'S',
  operator: null,
  startedAt: new Date(0).toISOString(),
  endedAt: new Date(3000).toISOString(),
  durationMs: 3000,
  clipId: 'x',
  part: null,
  presetName: 'Original',
  edits: [],
  originalSha256: 'a',
  exportSha256: null,
  exportFile: null,
} as unknown as SheetData;

describe('reading gaps from the counters', () => {
  it('finds missing frames, pauses, and the counter wrapping at 2^20', () => {
    const t = (n: number) => Array.from({ length: n }, (_, i) => i * 33);
    expect(findGaps([5, 6, 9, 10], t(4)).gaps).toEqual([{ after: 6, missing: 2, atMs: 66 }]);
    expect(findGaps([2 ** 20 - 2, 2 ** 20 - 1, 0, 1], t(4)).gaps).toEqual([]); // the wrap is no gap
    expect(findGaps([2 ** 20 - 1, 2], t(2)).gaps).toEqual([{ after: 2 ** 20 - 1, missing: 2, atMs: 33 }]);
    expect(findGaps([7, 7, 6, 8], t(4)).gaps).toEqual([]); // repeated or reordered frames are not gaps
    expect(findGaps([1, null, 3], t(3)).gaps).toEqual([]); // an unreadable frame is not a missing one
    expect(findGaps([1, 2, 3], [0, 33, 1533]).stalls).toEqual([{ after: 2, ms: 1500, atMs: 1533 }]);
    expect(findGaps([1, 2, 3], [0, 33, 1533], false).stalls).toEqual([]); // estimated times claim no pause
  });

  it('gives each gap and pause its cause from what the page saw, matched by counter', () => {
    const inc = (kind: PageIncident['kind'], from: number, to: number): PageIncident => ({ kind, from, to, at: 0, ms: 0 });
    const report = { gaps: [{ after: 100, missing: 1, atMs: 3370 }], stalls: [{ after: 200, ms: 1500, atMs: 8000 }] };
    const cause = (incidents: PageIncident[]) => explain(report, incidents);
    expect(cause([]).gaps[0]!.cause).toBe('encoder');
    expect(cause([]).stalls[0]!.cause).toBe('no-frames');
    expect(cause([inc('late', 90, 95)]).gaps[0]!.cause).toBe('encoder-under-load');
    expect(cause([inc('backpressure', 101, 101)]).gaps[0]!.cause).toBe('encoder-under-load');
    expect(cause([inc('late', 10, 20)]).gaps[0]!.cause).toBe('encoder'); // far away: not this gap
    expect(cause([inc('hidden', 50, 150), inc('late', 99, 99)]).gaps[0]!.cause).toBe('page-hidden');
    expect(cause([inc('camera-stall', 199, 200)]).stalls[0]!.cause).toBe('camera-stalled');
    expect(cause([inc('hidden', 150, 250)]).stalls[0]!.cause).toBe('page-hidden');
  });

  it('says it the way a reviewer reads it', () => {
    expect(clipTime(1030)).toBe('00:01.03');
    expect(clipTime(61_500)).toBe('01:01.50');
    expect(gapSentence({ after: 30, missing: 1, atMs: 1030, cause: 'encoder-under-load' }, null)).toBe(
      '1 frame dropped by the encoder under load at 00:01.03 (after frame 30); recorded by the station at the time.',
    );
  });
});

describe('the station seals what it reads back', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let dataDir: string;
  beforeEach(async () => {
    t = tmpDir();
    dataDir = path.join(t.dir, 'data');
    engine = await Engine.open({ dataDir });
  });
  afterEach(async () => {
    await engine.close().catch(() => {});
    t.cleanup();
  });

  async function record(order: string, webm: string, incidents: PageIncident[]) {
    const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1' }, ctx);
    const data = fs.readFileSync(webm);
    let seq = 0;
    for (let off = 0; off < data.length; off += 64 * 1024)
      await engine.call('recording.chunk', { recordingId, seq: seq++, data: data.subarray(off, off + 64 * 1024) }, ctx);
    if (incidents.length) await engine.call('recording.events', { recordingId, incidents }, ctx);
    const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: seq }, ctx);
    return clip!;
  }

  it('records every gap and pause with its cause as a signed chain entry, and verify explains them', async () => {
    const webm = path.join(t.dir, 'gap.mkv');
    makeCounterWebm(webm, { frames: 90, skip: [40, 41], pause: { afterWritten: 60, ms: 1500 } });
    const now = Date.now();
    const clip = await record('SF-GAP-1', webm, [
      { kind: 'late', from: 38, to: 39, at: now, ms: 120 },
      { kind: 'camera-stall', from: 61, to: 62, at: now, ms: 1500 },
    ]);
    await engine.continuity.idle();
    const seen = await engine.call('clips.get', { id: clip.id }, ctx);
    const c = seen.evidence!.continuity!;
    expect(c.frames).toBe(88);
    expect(c.gaps).toEqual([{ after: 39, missing: 2, atMs: 1333, cause: 'encoder-under-load' }]);
    expect(c.stalls).toEqual([expect.objectContaining({ after: 61, cause: 'camera-stalled' })]);
    expect(c.stalls[0]!.ms).toBeGreaterThanOrEqual(1500);

    // A chain entry like any other: hashed, linked, signed by the station key, naming the clip's SHA-256.
    const custody = stationCustodyOf(engine);
    const entry = (await custody.chain.continuityEntry(clip.id))!;
    expect(entry.seq).toBe(c.seq);
    expect(JSON.parse(entry.body)).toMatchObject({ kind: 'continuity', sha256: clip.sha256, method: 'read-back' });
    expect(checkEntryAlone(entry, custody.key.publicKey)).toEqual({ hashOk: true, seqOk: true, signatureOk: true });
    expect((await engine.call('evidence.verifyAll', {}, ctx)).ok).toBe(true);

    const v = await verifyFile(engine, clipPath(engine, clip));
    expect(v.ok).toBe(true);
    const line = v.lines.find((l) => l.includes('continuity'))!;
    expect(line).toMatch(/\[ok {2}\] continuity/);
    expect(line).toContain('2 frames dropped by the encoder under load at 00:01.33 (after frame 39); recorded by the station on');
    expect(line).toMatch(/The picture stands still for 1\.\d s at 00:03\.50 \(after frame 61, no frame missing\): the camera gave no picture/);
    expect(line).toContain('every gap in the file is one the station recorded');

    // The record travels with the file (signed sidecars) and reaches the evidence sheet.
    const base = clipPath(engine, clip).replace(/\.mp4$/, '');
    expect(fs.readFileSync(`${base}.continuity.json`, 'utf8')).toBe(entry.body);
    const ev = await readEvidence(engine.store, path.relative(engine.store.root, clipPath(engine, clip)), dataDir);
    expect(ev.continuityText).toBe('2 frames dropped in 1 gap from 00:01.33; each recorded by the station');
    expect(sheetLines({ ...sheetBase, evidence: ev })).toContain('Frames: 2 frames dropped in 1 gap from 00:01.33; each recorded by the station');
    fs.writeFileSync(`${base}.continuity.json`, entry.body.replace('"missing":2', '"missing":1'));
    expect((await readEvidence(engine.store, path.relative(engine.store.root, clipPath(engine, clip)), dataDir)).continuityText).toMatch(
      /^UNVERIFIED \(signature does not hold\)/,
    );
  });

  it('a gap the page saw nothing for is still the station’s finding; a clip it never read back is UNEXPLAINED until it does', async () => {
    const webm = path.join(t.dir, 'gap2.mkv');
    makeCounterWebm(webm, { frames: 60, skip: [30] });
    // This station process does not read back (as if it stopped before the read-back ran).
    Object.defineProperty(engine.custody, 'continuityChecked', { value: undefined });
    const clip = await record('SF-GAP-2', webm, []);
    await engine.continuity.idle();
    let v = await verifyFile(engine, clipPath(engine, clip));
    let line = v.lines.find((l) => l.includes('continuity'))!;
    expect(line).toContain('UNEXPLAINED: 1 frame missing at 00:01.00 (after frame 29); the station recorded no such gap.');
    expect(v.ok).toBe(true); // the file is still the sealed one; the gap is called out, not hidden

    // At its next start the station reads back the clips it had not checked.
    await engine.close();
    engine = await Engine.open({ dataDir });
    engine.startMaintenance();
    await expect
      .poll(async () => engine.continuity.pending === 0 && (await stationCustodyOf(engine).chain.continuityEntry(clip.id)) !== undefined, { timeout: 30_000 })
      .toBe(true);
    v = await verifyFile(engine, clipPath(engine, clip));
    line = v.lines.find((l) => l.includes('continuity'))!;
    expect(line).not.toContain('UNEXPLAINED');
    expect(line).toContain("1 frame dropped by the encoder at 00:01.00 (after frame 29) (found by the station's read-back of the file)");
  });

  it('what the page reported is kept as it arrives: a read-back after a restart still gives the gap its cause', async () => {
    const webm = path.join(t.dir, 'gap3.mkv');
    makeCounterWebm(webm, { frames: 60, skip: [30] });
    // This station process stops before its read-back runs (killed, crashed, restarted).
    Object.defineProperty(engine.custody, 'continuityChecked', { value: undefined });
    const clip = await record('SF-GAP-3', webm, [{ kind: 'hidden', from: 28, to: 31, at: Date.now(), ms: 200 }]);
    await engine.continuity.idle();
    await engine.close();
    engine = await Engine.open({ dataDir });
    engine.startMaintenance();
    await expect
      .poll(async () => engine.continuity.pending === 0 && (await stationCustodyOf(engine).chain.continuityEntry(clip.id)) !== undefined, { timeout: 30_000 })
      .toBe(true);
    const c = (await engine.call('clips.get', { id: clip.id }, ctx)).evidence!.continuity!;
    expect(c.gaps).toEqual([{ after: 29, missing: 1, atMs: 1000, cause: 'page-hidden' }]);
    expect(c.pageIncidents).toBe(1);
    const line = (await verifyFile(engine, clipPath(engine, clip))).lines.find((l) => l.includes('continuity'))!;
    expect(line).not.toContain('UNEXPLAINED');
    expect(line).not.toContain("found by the station's read-back");
  });

  it('a continuous clip is said to be continuous', async () => {
    const webm = path.join(t.dir, 'whole.mkv');
    makeCounterWebm(webm, { frames: 45 });
    const clip = await record('SF-WHOLE', webm, []);
    await engine.continuity.idle();
    const c = (await engine.call('clips.get', { id: clip.id }, ctx)).evidence!.continuity!;
    expect(c).toMatchObject({ frames: 45, first: 0, last: 44, gaps: [], stalls: [], unreadable: 0 });
    const line = (await verifyFile(engine, clipPath(engine, clip))).lines.find((l) => l.includes('continuity'))!;
    expect(line).toContain('The frame counter runs without a gap through all 45 frames (0 to 44)');
  });
});

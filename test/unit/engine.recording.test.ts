import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffprobeJson, makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const ctx = { door: 'http' as const };

async function recordFromFile(engine: Engine, order: string, webm: string, chunkSize = 64 * 1024) {
  const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1' }, ctx);
  const data = fs.readFileSync(webm);
  let seq = 0;
  for (let off = 0; off < data.length; off += chunkSize) {
    await engine.call('recording.chunk', { recordingId, seq: seq++, data: data.subarray(off, off + chunkSize) }, ctx);
  }
  return { recordingId, chunkCount: seq };
}

describe('engine: record, seal, index, find', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let webm: string;
  beforeEach(async () => {
    t = tmpDir();
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 3);
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
  });
  afterEach(async () => {
    await engine.close().catch(() => {});
    t.cleanup();
  });

  it('turns uploaded WebM chunks into an indexed, hashed, faststart MP4', async () => {
    const { recordingId, chunkCount } = await recordFromFile(engine, 'SF1234567890123', webm);
    const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount }, ctx);
    expect(clip).not.toBeNull();
    expect(clip!.order).toBe('SF1234567890123');
    expect(clip!.status).toBe('ok');
    expect(clipPath(engine, clip!).startsWith(engine.paths.clipsDir)).toBe(true);
    expect(path.basename(clipPath(engine, clip!))).toMatch(/^SF1234567890123_\d{6}_.+\.mp4$/);
    expect(clip!.durationMs).toBeGreaterThan(2800);
    expect(clip!.durationMs).toBeLessThan(3200);
    expect(clip!.sha256).toBe(await sha256File(clipPath(engine, clip!)));
    const probe = ffprobeJson(clipPath(engine, clip!));
    expect(probe.streams[0]!.codec_name).toBe('h264');
    expect(probe.format.format_name).toContain('mp4');
    // faststart: the moov atom comes before mdat
    const head = fs
      .readFileSync(clipPath(engine, clip!))
      .subarray(0, 64 * 1024)
      .toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(-1);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'));
    // the partial WebM is gone once the MP4 is sealed
    expect(fs.readdirSync(engine.paths.partialDir)).toEqual([]);
  });

  it('still writes the index first when the file is far longer than the recording clock says', async () => {
    // Chunks of a 60 s video uploaded in a fraction of a second: the index space is reserved from
    // the recording clock, which says almost nothing here; whichever way it is placed, it is first.
    const long = path.join(t.dir, 'long.webm');
    makeWebmH264(long, 60, '320x180');
    const { recordingId, chunkCount } = await recordFromFile(engine, 'LONG-1', long, 1 << 20);
    const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount }, ctx);
    expect(clip!.durationMs).toBeGreaterThan(59_000);
    const head = fs
      .readFileSync(clipPath(engine, clip!))
      .subarray(0, 1 << 20)
      .toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(-1);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat'));
  });

  it('finds clips by full code, by part of the code and by date range', async () => {
    for (const order of ['YT7712345678901', 'JDVA00998877', 'YT7712340000000']) {
      const r = await recordFromFile(engine, order, webm);
      await engine.call('recording.finish', { recordingId: r.recordingId, reason: 'next-scan', chunkCount: r.chunkCount }, ctx);
    }
    const exact = await engine.call('clips.search', { q: 'JDVA00998877' }, ctx);
    expect(exact.clips.map((c) => c.order)).toEqual(['JDVA00998877']);
    const part = await engine.call('clips.search', { q: '771234' }, ctx);
    expect(part.clips.map((c) => c.order).sort()).toEqual(['YT7712340000000', 'YT7712345678901']);
    const lower = await engine.call('clips.search', { q: 'jdva' }, ctx);
    expect(lower.total).toBe(1);
    const short = await engine.call('clips.search', { q: 'T7' }, ctx);
    expect(short.total).toBe(2);
    const none = await engine.call('clips.search', { q: '%' }, ctx);
    expect(none.total).toBe(0);
    const future = await engine.call('clips.search', { from: Date.now() + 60_000 }, ctx);
    expect(future.total).toBe(0);
    const today = await engine.call('clips.search', { from: Date.now() - 3600_000, to: Date.now() + 1000 }, ctx);
    expect(today.total).toBe(3);
  });

  it("counts a day's packs and returns with their mean duration, without listing them", async () => {
    for (const [order, mode] of [
      ['YT7712345678901', 'shipping'],
      ['JDVA00998877', 'shipping'],
      ['RET-0001', 'returns'],
    ] as const) {
      const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1', mode }, ctx);
      const data = fs.readFileSync(webm);
      await engine.call('recording.chunk', { recordingId, seq: 0, data }, ctx);
      await engine.call('recording.finish', { recordingId, reason: 'next-scan', chunkCount: 1 }, ctx);
    }
    const clips = (await engine.call('clips.search', {}, ctx)).clips;
    const mean = (list: typeof clips) => Math.round(list.reduce((a, c) => a + c.durationMs, 0) / list.length);
    const stats = await engine.call('clips.stats', { from: Date.now() - 3600_000 }, ctx);
    expect(stats).toEqual({
      shipping: { count: 2, avgDurationMs: mean(clips.filter((c) => c.mode === 'shipping')) },
      returns: { count: 1, avgDurationMs: mean(clips.filter((c) => c.mode === 'returns')) },
    });
    expect(stats.shipping.avgDurationMs).toBeGreaterThan(0);
    expect(await engine.call('clips.stats', { from: Date.now() + 60_000 }, ctx)).toEqual({
      shipping: { count: 0, avgDurationMs: null },
      returns: { count: 0, avgDurationMs: null },
    });
    const today = await engine.call('clips.today', {}, ctx);
    expect(today.count).toBe(3);
    expect(today.clips).toHaveLength(3);
  });

  it('a repeated order code gets a new clip and says when it was recorded before', async () => {
    const a = await recordFromFile(engine, 'ZT001', webm);
    const first = await engine.call('recording.finish', { recordingId: a.recordingId, reason: 'same-code', chunkCount: a.chunkCount }, ctx);
    const again = await engine.call('recording.start', { order: 'ZT001', mimeType: 'video/webm' }, ctx);
    expect(again.previous).toHaveLength(1);
    expect(again.previous[0]!.id).toBe(first.clip!.id);
    await engine.call('recording.discard', { recordingId: again.recordingId, reason: 'test' }, ctx);
    expect(fs.existsSync(clipPath(engine, first.clip!))).toBe(true);
  });

  it.each([
    ['dot-dot path', '../../etc/passwd', "'.'"],
    ['slash', 'a/b', "'/'"],
    ['backslash', 'a\\b', "'\\'"],
    ['control character', 'ab\u0007c', 'control character U+0007'],
    ['emoji', '📦123', "'📦'"],
    ['5,000 characters', 'x'.repeat(5000), 'too long (5000 characters'],
    ['empty', '', 'empty'],
    ['blank', '   ', 'empty'],
  ])('refuses a hostile order code (%s) with a clear reason', async (_label, order, reason) => {
    await expect(engine.call('recording.start', { order, mimeType: 'video/webm' }, ctx)).rejects.toThrow(reason);
    expect(fs.readdirSync(engine.paths.partialDir)).toEqual([]);
  });

  it('keeps real label characters as scanned', async () => {
    for (const order of ['JD_0012-A', '顺丰SF1234', 'ÄÖÜ-123']) {
      const r = await engine.call('recording.start', { order, mimeType: 'video/webm' }, ctx);
      expect(r.order).toBe(order);
      await engine.call('recording.discard', { recordingId: r.recordingId, reason: 'test' }, ctx);
    }
  });

  it('recovers a recording left half-written by a killed process', async () => {
    const dataDir = engine.paths.dataDir;
    const { recordingId } = await recordFromFile(engine, 'CRASH-1', webm);
    // Simulate kill -9: drop the engine without finishing; the partial file and row stay behind.
    engine.db.close();
    const reopened = await Engine.open({ dataDir });
    const found = await reopened.call('clips.search', { q: 'CRASH-1' }, ctx);
    expect(found.total).toBe(1);
    expect(found.clips[0]!.id).toBe(recordingId);
    expect(found.clips[0]!.status).toBe('recovered');
    expect(found.clips[0]!.durationMs).toBeGreaterThan(2500);
    const info = await reopened.call('station.info', {}, ctx);
    expect(info.problems.join(' ')).toContain('CRASH-1');
    engine = reopened;
  });

  it('rejects malformed calls with the field that is wrong', async () => {
    await expect(engine.call('clips.search', { limit: 'lots' }, ctx)).rejects.toThrow(/limit/);
    await expect(engine.call('clips.get', { id: '../x' }, ctx)).rejects.toThrow(/id/);
    await expect(engine.call('clips.get', { id: 'nope' }, ctx)).rejects.toThrow(/No clip/);
  });
});

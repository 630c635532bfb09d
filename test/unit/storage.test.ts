import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { defaultReserveBytes, MARKER_FILE } from '../../electron/engine/storage.ts';
import { ctx, recordClip, startAndUpload } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffprobeJson, makeWebmH264 } from '../helpers/video.ts';
import { errorMessage } from '../../shared/errorMessage.ts';
import { clipPath } from '../helpers/clipPath.ts';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe('automatic free-space reserve', () => {
  it.each([
    ['64 MB test volume', 64 * MB, 16 * MB],
    ['4 GB SD card', 4 * GB, 1 * GB],
    ['32 GB', 32 * GB, 2 * GB],
    ['256 GB SSD', 256 * GB, 12.8 * GB],
    ['4 TB archive disk', 4096 * GB, 20 * GB],
  ])('%s', (_label, total, reserve) => {
    expect(defaultReserveBytes(total)).toBeCloseTo(reserve, -3);
  });
});

describe('storage guard', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: string;
  let engine: Engine | undefined;
  beforeAll(() => {
    t = tmpDir('pw-storage-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 3);
  });
  afterAll(() => t.cleanup());
  beforeEach(() => {
    engine = undefined;
  });
  afterEach(async () => {
    await engine?.close().catch(() => {});
  });

  const fresh = (name: string) => ({ dataDir: path.join(t.dir, name, 'data'), clipsDir: path.join(t.dir, name, 'usb', 'clips') });

  it('creates the clips folder with its marker on the first run only', async () => {
    const o = fresh('first');
    engine = await Engine.open(o);
    expect(fs.existsSync(path.join(o.clipsDir, MARKER_FILE))).toBe(true);
    await recordClip(engine, 'FIRST-1', webm);
    await engine.close();
    // The USB disk is unplugged: the folder is gone.
    fs.rmSync(path.join(t.dir, 'first', 'usb'), { recursive: true });
    await expect(Engine.open(o)).rejects.toThrow(/clips folder .* is missing: is its disk unplugged/);
    expect(fs.existsSync(o.clipsDir)).toBe(false); // never silently recreated
    engine = undefined;
  });

  it('refuses an empty mount point that is not the folder it set up', async () => {
    const o = fresh('mountpoint');
    engine = await Engine.open(o);
    await engine.close();
    engine = undefined;
    fs.rmSync(o.clipsDir, { recursive: true });
    fs.mkdirSync(o.clipsDir); // what an unmounted disk's mount point looks like
    await expect(Engine.open(o)).rejects.toThrow(/not the one this station recorded into/);
    expect(fs.readdirSync(o.clipsDir)).toEqual([]);
  });

  it('refuses to start a recording when the folder vanishes while the station runs', async () => {
    const o = fresh('vanish');
    engine = await Engine.open(o);
    fs.rmSync(path.join(t.dir, 'vanish', 'usb'), { recursive: true });
    await expect(engine.call('recording.start', { order: 'GONE-1', mimeType: 'video/webm' }, ctx)).rejects.toThrow(
      /missing .* unplugged\? Nothing was recorded/,
    );
    expect(fs.existsSync(o.clipsDir)).toBe(false);
    expect(await engine.clips.unfinished()).toEqual([]);
  });

  it('refuses a new recording below the reserve, before any file or row exists', async () => {
    const o = fresh('reserve');
    engine = await Engine.open(o);
    await engine.call('settings.update', { reserveMb: 10_000_000, deleteOldestForSpace: false }, ctx);
    const err = await engine.call('recording.start', { order: 'FULL-1', mimeType: 'video/webm' }, ctx).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { code: string }).code).toBe('refused');
    expect(errorMessage(err)).toMatch(/Recording refused: Only .* free .* below its reserve of 9765\.6 GB.*Nothing was recorded/);
    expect(fs.readdirSync(engine.paths.partialDir)).toEqual([]);
    expect(engine.db.prepare('SELECT count(*) AS n FROM clips').get()).toEqual({ n: 0 });
  });

  it('finishes a recording that runs into the reserve with what arrived, marked interrupted', async () => {
    const o = fresh('midway');
    engine = await Engine.open(o);
    await engine.call('settings.update', { reserveMb: 0 }, ctx);
    const half = Math.floor(fs.statSync(webm).size / 2);
    const { recordingId, chunkCount } = await startAndUpload(engine, 'MIDWAY-1', webm, 32 * 1024, half);
    await engine.call('settings.update', { reserveMb: 10_000_000, deleteOldestForSpace: false }, ctx);
    const refused = await engine
      .call('recording.chunk', { recordingId, seq: chunkCount, data: new Uint8Array(1000) }, ctx)
      .catch((e: Error & { code: string }) => e);
    expect((refused as Error & { code: string }).code).toBe('ended');
    expect(errorMessage(refused)).toMatch(/Recording of MIDWAY-1 stopped: .*reserve.*kept as an interrupted clip/);
    // The page finishes as usual and hears what happened; a late chunk gets the same answer.
    const done = await engine.call('recording.finish', { recordingId, reason: 'next-scan', chunkCount: chunkCount + 1 }, ctx);
    expect(done.clip).not.toBeNull();
    expect(done.clip!.status).toBe('interrupted');
    expect(done.clip!.stopReason).toBe('disk-full');
    expect(done.clip!.note).toMatch(/reserve/);
    expect(done.message).toMatch(/stopped/);
    expect(ffprobeJson(clipPath(engine, done.clip!)).streams[0]!.codec_name).toBe('h264');
    expect(done.clip!.durationMs).toBeGreaterThan(500);
    await expect(engine.call('recording.chunk', { recordingId, seq: chunkCount + 1, data: new Uint8Array(10) }, ctx)).rejects.toThrow(/stopped/);
    const info = await engine.call('station.info', {}, ctx);
    expect(info.problems.join(' ')).toContain('MIDWAY-1');
  });

  it('finishes a recording whose page vanished, keeps what arrived and tells the packer', async () => {
    const o = fresh('vanished-page');
    engine = await Engine.open(o);
    const { recordingId, chunkCount } = await startAndUpload(engine, 'GONE-PAGE-1', webm);
    engine.reapStalled(); // a page that just sent a chunk is not stalled
    expect(engine.activeRecordings()).toEqual([recordingId]);
    engine.stallMs = 0; // as if a minute passed without a chunk
    engine.reapStalled();
    expect(engine.activeRecordings()).toEqual([]);
    // The page comes back late: its chunk and its finish get the same answer.
    await expect(engine.call('recording.chunk', { recordingId, seq: chunkCount, data: new Uint8Array(10) }, ctx)).rejects.toThrow(/no video arrived for 0 s/);
    await expect(engine.call('recording.chunk', { recordingId, seq: chunkCount, data: new Uint8Array(10) }, ctx)).rejects.toMatchObject({
      code: 'ended',
      words: { code: 'record-ended-stalled', params: { order: 'GONE-PAGE-1', seconds: 0 } },
    });
    const done = await engine.call('recording.finish', { recordingId, reason: 'next-scan', chunkCount }, ctx);
    expect(done.clip!.status).toBe('interrupted');
    expect(done.clip!.stopReason).toBe('page-closed');
    expect(done.clip!.durationMs).toBeGreaterThan(2500);
    expect((await engine.call('station.info', {}, ctx)).problems.join(' ')).toMatch(/GONE-PAGE-1 was finished by the station/);
  });

  it('a second process on the same data folder never recovers recordings the running station is making', async () => {
    const o = fresh('owner');
    const first = await Engine.open(o);
    const { recordingId } = await startAndUpload(first, 'LIVE-1', webm);
    first.db.close(); // keep its session open, as the running station would
    // The running station is another live process (here: a sleeping child standing in for it).
    const other = spawn('sleep', ['30']);
    const bootNow = Math.round((Date.now() - os.uptime() * 1000) / 60_000) * 60_000;
    try {
      fs.writeFileSync(path.join(o.dataDir, 'station.pid'), `${other.pid} ${bootNow}\n`);
      const second = await Engine.open(o);
      expect(second.ownsData).toBe(false);
      expect((await second.clips.get(recordingId))!.status).toBe('recording'); // left alone
      await expect(second.call('retention.run', {}, ctx)).rejects.toThrow(/Another PackWitness process owns this data folder/);
      await second.close();
      // The same pid file written before the last boot (a power cut) is stale: the new start recovers.
      fs.writeFileSync(path.join(o.dataDir, 'station.pid'), `${other.pid} ${bootNow - 86_400_000}\n`);
      engine = await Engine.open(o);
      expect(engine.ownsData).toBe(true);
      expect((await engine.clips.get(recordingId))!.status).toBe('recovered');
    } finally {
      other.kill();
    }
  });

  it('keeps a clip shorter than the minimum, marks it and says so', async () => {
    const o = fresh('short');
    engine = await Engine.open(o);
    await engine.call('settings.update', { minClipMs: 60_000 }, ctx);
    const out = await recordClip(engine, 'SHORT-1', webm);
    expect(out.clip!.status).toBe('ok');
    expect(out.clip!.note).toMatch(/Shorter than the minimum of 60\.0 s .*kept and marked/);
    expect(out.message).toMatch(/The clip of SHORT-1 is only .* s long \(the minimum is 60\.0 s\): it was kept/);
    expect(fs.existsSync(clipPath(engine, out.clip!))).toBe(true);
  });
});

// Fault injection on real volumes: a small tmpfs filled to the reserve, a disk turned read-only
// under a running station, and a disk unplugged (unmounted). Needs permission to mount (root in
// CI); otherwise each test is skipped and says why.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { openDb } from '../../electron/engine/db.ts';
import { startHeadroomBytes } from '../../electron/engine/storage.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { call, fillTo, freeBytes, isMounted, mountTmpfs, recordOverHttp, remount, umount } from '../helpers/faults.ts';
import { backdate, ctx, recordClip } from '../helpers/record.ts';
import { startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffprobeJson, makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const MB = 1024 * 1024;

describe('faults: full, read-only and unplugged storage', () => {
  let t: ReturnType<typeof tmpDir>;
  let webmFile: string;
  let webm: Buffer;
  let longWebm: string;
  const mounts: string[] = [];
  const running: Served[] = [];
  let cannot: string | null = null;

  beforeAll(() => {
    t = tmpDir('pw-faults-disk-');
    webmFile = path.join(t.dir, 'src.webm');
    makeWebmH264(webmFile, 8, '1280x720');
    webm = fs.readFileSync(webmFile);
    longWebm = path.join(t.dir, 'long.webm');
    makeWebmH264(longWebm, 16, '1280x720');
    const probe = path.join(t.dir, 'probe-mount');
    cannot = mountTmpfs(probe, 'size=1m');
    if (!cannot) umount(probe);
    else console.log(`faults.storage skipped: ${cannot}`);
  });
  afterAll(async () => {
    for (const s of running) await s.stop('SIGKILL');
    for (const m of mounts.reverse()) umount(m);
    t.cleanup();
  });

  const volume = (name: string, options = 'size=64m'): string => {
    const dir = path.join(t.dir, name);
    const err = mountTmpfs(dir, options);
    if (err) throw new Error(err);
    mounts.push(dir);
    return dir;
  };
  const serve = async (args: string[]) => {
    const s = await startServe(args);
    running.push(s);
    return s;
  };
  const finish = (url: string, r: { id: string; chunkCount: number }) =>
    call(url, 'recording.finish', { recordingId: r.id, reason: 'next-scan', chunkCount: r.chunkCount });

  it('a full disk: refusal before anything is written, and a recording that runs into the reserve is kept', async (c) => {
    if (cannot) return c.skip();
    expect(webm.length).toBeGreaterThan(3 * MB);
    const vol = volume('full');
    const clips = path.join(vol, 'clips');
    const s = await serve(['--data', path.join(t.dir, 'full-data'), '--clips', clips, '--reserve-mb', '16', '--no-delete-for-space']);
    const first = await recordOverHttp(s.url, 'FULL-FIRST', webm.subarray(0, Math.floor(webm.length / 3)));
    const kept = (await finish(s.url, first)).result.clip as { id: string; startedAt: string; fileName: string; sha256: string };

    // Someone copies a film onto the disk: free space drops below the 16 MB reserve.
    const filler = path.join(vol, 'film.mkv');
    fillTo(vol, filler, 12 * MB);
    const refused = await call(s.url, 'recording.start', { order: 'FULL-REFUSED', mimeType: 'video/webm' });
    expect(refused.status).toBe(409);
    expect(refused.error!.code).toBe('refused');
    expect(refused.error!.message).toMatch(/^Recording refused: Only 1[12] MB free on the storage of .*below its reserve of 16 MB.*Nothing was recorded\.$/);
    expect(fs.readdirSync(path.join(clips, '.recording'))).toEqual([]); // nothing half-written
    expect((await call(s.url, 'clips.search', { q: 'FULL-REFUSED' })).result.total).toBe(0);
    const health = await call(s.url, 'station.health');
    expect(health.result.ok).toBe(false);
    expect(health.result.checks.find((x: { id: string }) => x.id === 'space').level).toBe('problem');

    // A little room above the reserve (more than the 10 s a start needs), then a long recording:
    // it stops at the reserve and is kept.
    fillTo(vol, filler, 16 * MB + 4 * MB);
    const rec = await recordOverHttp(s.url, 'FULL-MIDWAY', webm, 64 * 1024);
    expect(rec.refused).not.toBeNull();
    expect(rec.refused!.status).toBe(410); // 'ended': the engine ended this recording
    expect(rec.refused!.error!.message).toMatch(/Recording of FULL-MIDWAY stopped: .*reserve.*kept as an interrupted clip/);
    const out = await call(s.url, 'recording.finish', { recordingId: rec.id, reason: 'next-scan', chunkCount: Math.ceil(webm.length / 65536) });
    expect(out.ok).toBe(true);
    const clip = out.result.clip;
    expect(clip.status).toBe('interrupted');
    expect(clip.stopReason).toBe('disk-full');
    expect(out.result.message).toMatch(/stopped/);
    expect(ffprobeJson(clipPath(clips, clip)).streams[0]!.codec_name).toBe('h264');
    expect(clip.durationMs).toBeGreaterThan(500);
    expect(freeBytes(vol)).toBeGreaterThan(8 * MB); // the reserve held: the disk never filled up
    expect(fs.readdirSync(path.join(clips, '.recording'))).toEqual([]);
    expect(await sha256File(clipPath(clips, kept))).toBe(kept.sha256);
    const info = await call(s.url, 'station.info');
    expect(info.result.problems.join(' ')).toContain('FULL-MIDWAY');
    await s.stop();
  });

  it('space retention deletes the oldest clip (never one on hold) to keep recording', async (c) => {
    if (cannot) return c.skip();
    const vol = volume('rotate');
    const engine = await Engine.open({ dataDir: path.join(t.dir, 'rotate-data'), clipsDir: path.join(vol, 'clips') });
    try {
      await engine.call('settings.update', { reserveMb: 16 }, ctx);
      const small = path.join(t.dir, 'small.webm');
      makeWebmH264(small, 3, '1280x720');
      const oldest = (await recordClip(engine, 'ROT-OLDEST', small)).clip!;
      const held = (await recordClip(engine, 'ROT-HELD', small)).clip!;
      const newer = (await recordClip(engine, 'ROT-NEWER', small)).clip!;
      // All three are older than the protect window (120 days), so space retention may take them.
      backdate(engine, held.id, 140);
      backdate(engine, oldest.id, 130);
      backdate(engine, newer.id, 125);
      await engine.call('clips.setHold', { id: held.id, hold: true, reason: 'dispute 99' }, ctx);
      // Just short of what a start needs: the reserve plus 10 s of video.
      fillTo(vol, path.join(vol, 'film.mkv'), 16 * MB + startHeadroomBytes(2_500_000) - 64 * 1024);
      const r = await engine.call('recording.start', { order: 'ROT-NOW', mimeType: 'video/webm' }, ctx);
      await engine.call('recording.discard', { recordingId: r.recordingId, reason: 'test' }, ctx);
      const log = (await engine.call('retention.deletions', {}, ctx)).deletions;
      expect(log.map((d) => d.order)).toEqual(['ROT-OLDEST']);
      expect(log[0]!.reason).toMatch(/free space .* was below the reserve of 16 MB/);
      expect(log[0]!.who).toBe('retention');
      expect(fs.existsSync(clipPath(engine, oldest))).toBe(false);
      expect(fs.existsSync(clipPath(engine, held))).toBe(true);
      expect(fs.existsSync(clipPath(engine, newer))).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('a forgotten recording runs the disk into its reserve: older clips go first, none inside the protect window, then recording is refused with the reason', async (c) => {
    if (cannot) return c.skip();
    const vol = volume('protect');
    const clips = path.join(vol, 'clips');
    const data = path.join(t.dir, 'protect-data');
    // The installed defaults: space retention on, protect window 120 days; only the reserve is set.
    const s = await serve(['--data', data, '--clips', clips, '--reserve-mb', '16']);
    const info = await call(s.url, 'settings.get');
    expect(info.result).toMatchObject({ deleteOldestForSpace: true, protectDays: 120, idleStopMs: 180_000, maxClipMs: 1_800_000 });
    const third = webm.subarray(0, Math.floor(webm.length / 3));
    const made: Record<string, { id: string; startedAt: string; fileName: string; sha256: string }> = {};
    for (const order of ['PROT-OLD-150', 'PROT-OLD-130', 'PROT-IN-100', 'PROT-IN-3']) {
      const r = await recordOverHttp(s.url, order, third);
      made[order] = (await finish(s.url, r)).result.clip;
    }
    // Back in time, as if recorded that many days ago (the station's own index, written beside it).
    const db = openDb(path.join(data, 'index.sqlite'));
    const back = db.prepare('UPDATE clips SET started_at = started_at - ? WHERE id=?');
    for (const [order, days] of [
      ['PROT-OLD-150', 150],
      ['PROT-OLD-130', 130],
      ['PROT-IN-100', 100],
      ['PROT-IN-3', 3],
    ] as const)
      back.run(days * 86_400_000, made[order]!.id);
    db.close();

    // A little room above the reserve; then a recording nobody stops (a still table, all night).
    fillTo(vol, path.join(vol, 'film.mkv'), 16 * MB + 4 * MB);
    const long = fs.readFileSync(longWebm);
    const rec = await recordOverHttp(s.url, 'PROT-FORGOTTEN', long, 64 * 1024);
    expect(rec.refused).not.toBeNull();
    expect(rec.refused!.error!.message).toMatch(/Recording of PROT-FORGOTTEN stopped: .*reserve/);
    const out = await call(s.url, 'recording.finish', { recordingId: rec.id, reason: 'next-scan', chunkCount: rec.chunkCount });
    expect(out.result.clip.stopReason).toBe('disk-full');
    // It ran past the headroom because the two clips older than the window went, oldest first.
    const deletions = (await call(s.url, 'retention.deletions')).result.deletions as { order: string; reason: string }[];
    expect(deletions.map((d) => d.order).reverse()).toEqual(['PROT-OLD-150', 'PROT-OLD-130']);
    expect(fs.existsSync(clipPath(clips, made['PROT-OLD-150']!))).toBe(false);
    expect(fs.existsSync(clipPath(clips, made['PROT-OLD-130']!))).toBe(false);
    for (const order of ['PROT-IN-100', 'PROT-IN-3']) {
      expect(fs.existsSync(clipPath(clips, made[order]!))).toBe(true);
      expect(await sha256File(clipPath(clips, made[order]!))).toBe(made[order]!.sha256);
    }
    expect(freeBytes(vol)).toBeGreaterThan(8 * MB); // the reserve held

    // The next scan is refused, saying why, and nothing inside the window was touched.
    const refused = await call(s.url, 'recording.start', { order: 'PROT-NEXT', mimeType: 'video/webm' });
    expect(refused.status).toBe(409);
    expect(refused.error!.message).toMatch(
      /^Recording refused: Free space on .* (below|too close to) the reserve of 16 MB, and no more clips may be deleted for space: the 3 clip\(s\) left .* are younger than the protect window of 120 days\. .*shorten the protect window in Settings\. Nothing was recorded\.$/,
    );
    expect((await call(s.url, 'clips.search', { q: 'PROT-NEXT' })).result.total).toBe(0);
    expect((await call(s.url, 'retention.deletions')).result.deletions).toHaveLength(2);
    // The alarm stays where the Status view and every page read it.
    expect((await call(s.url, 'station.info')).result.problems.join(' ')).toMatch(/protect window of 120 days/);
    const outlook = await call(s.url, 'storage.outlook');
    expect(outlook.result).toMatchObject({ level: 'problem', refuseInDays: 0, protectDays: 120 });
    await s.stop();
  });

  it('a disk turned read-only: refused with a clear message, clips still served, start fails closed', async (c) => {
    if (cannot) return c.skip();
    const vol = volume('ro');
    const data = path.join(t.dir, 'ro-data');
    const args = ['--data', data, '--clips', path.join(vol, 'clips'), '--reserve-mb', '1'];
    const s = await serve(args);
    const r = await recordOverHttp(s.url, 'RO-BEFORE', webm.subarray(0, Math.floor(webm.length / 3)));
    const kept = (await finish(s.url, r)).result.clip as { id: string; startedAt: string; fileName: string; sha256: string };
    remount(vol, 'ro');
    const refused = await call(s.url, 'recording.start', { order: 'RO-AFTER', mimeType: 'video/webm' });
    expect(refused.status).toBe(409);
    expect(refused.error!.message).toMatch(/is on a read-only disk; nothing can be recorded until it is writable again\. Nothing was recorded\./);
    const media = await fetch(new URL(`/media/clips/${kept.id}`, s.url));
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer()).length).toBe(fs.statSync(clipPath(path.join(vol, 'clips'), kept)).size);
    const health = await call(s.url, 'station.health');
    expect(health.result.checks.find((x: { id: string }) => x.id === 'storage').text).toMatch(/read-only/);
    await s.stop();
    await expect(startServe(args)).rejects.toThrow(/read-only disk/);
    remount(vol, 'rw');
    const back = await serve(args);
    const again = await recordOverHttp(back.url, 'RO-AGAIN', webm.subarray(0, Math.floor(webm.length / 3)));
    expect((await finish(back.url, again)).result.clip.status).toBe('ok');
    expect(await sha256File(clipPath(path.join(vol, 'clips'), kept))).toBe(kept.sha256);
    await back.stop();
  });

  it('a disk unplugged: nothing is written to the empty mount point, and start fails closed', async (c) => {
    if (cannot) return c.skip();
    const vol = volume('usb');
    const data = path.join(t.dir, 'usb-data');
    const args = ['--data', data, '--clips', path.join(vol, 'clips'), '--reserve-mb', '1'];
    const s = await serve(args);
    const r = await recordOverHttp(s.url, 'USB-BEFORE', webm.subarray(0, Math.floor(webm.length / 3)));
    await finish(s.url, r);
    umount(vol); // the station keeps running; the mount point is now an empty folder of the system disk
    expect(isMounted(vol)).toBe(false);
    const refused = await call(s.url, 'recording.start', { order: 'USB-AFTER', mimeType: 'video/webm' });
    expect(refused.status).toBe(409);
    expect(refused.error!.message).toMatch(/missing or is not the station's folder any more: is its disk unplugged\? Nothing was recorded\./);
    expect(fs.readdirSync(vol)).toEqual([]);
    await s.stop();
    await expect(startServe(args)).rejects.toThrow(/clips folder .* is missing: is its disk unplugged or not mounted\?/);
    expect(fs.readdirSync(vol)).toEqual([]); // never recreated on the system disk
  });
});

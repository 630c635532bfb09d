// Fault injection with real processes: `packwitness serve` is killed with SIGKILL (what a power cut
// or the task manager does) mid-recording, and stopped with SIGTERM (quitting) mid-recording.
// What was uploaded must survive, be marked, and the packer must be told.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../electron/engine/hash.ts';
import { call, recordOverHttp } from '../helpers/faults.ts';
import { NODE22, ROOT, startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffprobeBin, ffprobeJson, makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

/** End of the last complete video packet in a (possibly truncated) file: what a recovery can get back. */
function playableMs(file: string): number {
  const out = execFileSync(ffprobeBin(), [
    '-v',
    'quiet',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,duration_time',
    '-of',
    'csv=p=0',
    file,
  ]).toString();
  let end = 0;
  for (const line of out.trim().split('\n')) {
    const [pts, dur] = line.split(',').map(Number);
    if (Number.isFinite(pts)) end = Math.max(end, (pts! + (Number.isFinite(dur) ? dur! : 0)) * 1000);
  }
  return end;
}

describe('faults: the station process dies or quits mid-recording', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: Buffer;
  const running: Served[] = [];
  beforeAll(() => {
    t = tmpDir('pw-faults-crash-');
    const file = path.join(t.dir, 'src.webm');
    makeWebmH264(file, 6);
    webm = fs.readFileSync(file);
  });
  afterAll(async () => {
    for (const s of running) await s.stop('SIGKILL');
    t.cleanup();
  });
  const serve = async (args: string[]) => {
    const s = await startServe(args);
    running.push(s);
    return s;
  };

  it('kill -9 mid-recording: the clip is recovered at the next start, marked, and the packer is told', async () => {
    const data = path.join(t.dir, 'killed');
    const first = await serve(['--data', data]);
    // A complete earlier clip that must come through untouched.
    const done = await recordOverHttp(first.url, 'BEFORE-1', webm);
    const fin = await call(first.url, 'recording.finish', { recordingId: done.id, reason: 'next-scan', chunkCount: done.chunkCount });
    const before = fin.result.clip as { id: string; startedAt: string; fileName: string; sha256: string };
    // Two recordings in flight: one fully uploaded, one cut 60 % through a chunk boundary.
    const whole = await recordOverHttp(first.url, 'KILL-WHOLE', webm);
    const cut = Math.floor(webm.length * 0.6);
    const part = await recordOverHttp(first.url, 'KILL-PART', webm.subarray(0, cut), 48 * 1024);
    expect(whole.refused).toBeNull();
    expect(part.refused).toBeNull();
    // Every chunk was answered "ok", so every byte is on disk: now pull the plug.
    expect(await first.stop('SIGKILL')).toBeNull();
    const prefix = path.join(t.dir, 'uploaded-part.webm');
    fs.writeFileSync(prefix, webm.subarray(0, cut));
    const expectPart = playableMs(prefix);
    expect(expectPart).toBeGreaterThan(2500);

    // Between the crash and the restart, doctor sees the open recordings and says so (exit 1).
    const dr = spawnSync(NODE22, [path.join(ROOT, 'bin', 'packwitness.mjs'), 'doctor', '--data', data], { encoding: 'utf8' });
    expect(dr.status).toBe(1);
    expect(dr.stdout).toMatch(/2 recording\(s\) were not finished/);

    const second = await serve(['--data', data]);
    const info = await call(second.url, 'station.info');
    expect(info.result.problems.join(' ')).toMatch(/Recovered 2 clip\(s\) after an unexpected stop: .*KILL-WHOLE/);
    expect(info.result.problems.join(' ')).toContain('KILL-PART');
    for (const [order, expected] of [
      ['KILL-WHOLE', 6000],
      ['KILL-PART', expectPart],
    ] as const) {
      const found = await call(second.url, 'clips.search', { q: order });
      expect(found.result.total).toBe(1);
      const clip = found.result.clips[0];
      expect(clip.status).toBe('recovered');
      expect(clip.stopReason).toBe('crash');
      expect(clip.note).toMatch(/Recovered after the station stopped unexpectedly/);
      // At most about one second lost.
      expect(Math.abs(clip.durationMs - expected), `${order}: ${clip.durationMs} ms vs ${expected} ms uploaded`).toBeLessThanOrEqual(1000);
      expect(ffprobeJson(clipPath(path.join(data, 'clips'), clip)).streams[0]!.codec_name).toBe('h264');
      expect(await sha256File(clipPath(path.join(data, 'clips'), clip))).toBe(clip.sha256);
      if (clip.evidence) expect(clip.evidence.recovered).toBe(true); // and in the chain
    }
    expect(fs.readdirSync(path.join(data, 'clips', '.recording'))).toEqual([]);
    expect(await sha256File(clipPath(path.join(data, 'clips'), before))).toBe(before.sha256);
    const health = await call(second.url, 'station.health');
    expect(health.result.checks.find((c: { id: string }) => c.id === 'unfinished').level).toBe('ok');
    await second.stop();
  });

  it('quitting (SIGTERM) mid-recording finishes the clip first', async () => {
    const data = path.join(t.dir, 'quit');
    const first = await serve(['--data', data]);
    const rec = await recordOverHttp(first.url, 'QUIT-1', webm.subarray(0, Math.floor(webm.length / 2)));
    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await serve(['--data', data]);
    const found = await call(second.url, 'clips.search', { q: 'QUIT-1' });
    const clip = found.result.clips[0];
    expect(clip.id).toBe(rec.id);
    expect(clip.status).toBe('ok');
    expect(clip.stopReason).toBe('shutdown');
    expect(clip.note).toMatch(/Finished because the station was shut down/);
    expect(clip.durationMs).toBeGreaterThan(1500);
    const info = await call(second.url, 'station.info');
    expect(info.result.problems).toEqual([]); // nothing to recover: the quit was clean
    await second.stop();
  });
});

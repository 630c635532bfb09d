// The restart case of continuity evidence with real processes: a clip whose page reported why a
// frame may be missing (the page was hidden), `packwitness serve` killed with SIGKILL before the
// clip's read-back ran, and started again. The read-back then runs at the start, and the sealed
// continuity entry still gives the gap the cause the page reported: what the page said was kept
// in the index as it arrived, not in the killed process's memory.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clip } from '../../shared/contract.ts';
import type { PageIncident } from '../../shared/contract/continuity.ts';
import { stationContinuity } from '../helpers/continuity.ts';
import { makeCounterWebm } from '../helpers/counterClip.ts';
import { call, putChunk } from '../helpers/faults.ts';
import { startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** Starts a recording and uploads `file` as one chunk, as the page does; returns its id. */
async function upload(url: string, order: string, file: string): Promise<string> {
  const start = await call<{ recordingId: string }>(url, 'recording.start', { order, mimeType: 'video/x-matroska;codecs=avc1' });
  expect(start.ok, start.error?.message).toBe(true);
  const id = start.result.recordingId;
  const put = await putChunk(url, id, 0, fs.readFileSync(file));
  expect(put.ok, put.error?.message).toBe(true);
  return id;
}

async function clipOf(url: string, order: string): Promise<Clip> {
  const found = await call<{ clips: Clip[] }>(url, 'clips.search', { q: order });
  expect(found.result.clips.length, `clips of ${order}`).toBe(1);
  return found.result.clips[0]!;
}

describe('continuity: the station is killed before it read a clip back', () => {
  let t: ReturnType<typeof tmpDir>;
  const running: Served[] = [];
  let gapClip: string;
  let longClip: string;
  beforeAll(() => {
    t = tmpDir('pw-continuity-kill-');
    gapClip = path.join(t.dir, 'gap.mkv');
    makeCounterWebm(gapClip, { frames: 60, skip: [30] }); // counter 30 stamped, never in the file
    // A minute of frames: its read-back keeps the station's one read-back busy for a while.
    longClip = path.join(t.dir, 'long.mkv');
    makeCounterWebm(longClip, { frames: 1800 });
  }, 120_000);
  afterAll(async () => {
    for (const s of running) await s.stop('SIGKILL');
    t.cleanup();
  });
  const serve = async (data: string) => {
    const s = await startServe(['--data', data]);
    running.push(s);
    return s;
  };
  // What the page reports when it stops a clip: it was hidden around counter 30.
  const hidden = (): PageIncident[] => [{ kind: 'hidden', from: 28, to: 31, at: Date.now(), ms: 200 }];

  it('killed after the page reported, before the clip was finished: the recovered clip is read back with its cause', async () => {
    const data = path.join(t.dir, 'unfinished');
    const first = await serve(data);
    const id = await upload(first.url, 'SF-KILL-OPEN', gapClip);
    const events = await call(first.url, 'recording.events', { recordingId: id, incidents: hidden() });
    expect(events.ok, events.error?.message).toBe(true);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = await serve(data);
    const clip = await clipOf(second.url, 'SF-KILL-OPEN');
    expect(clip.status).toBe('recovered');
    const c = await stationContinuity(second.url, clip.id);
    expect(c.gaps).toEqual([{ after: 29, missing: 1, atMs: 1000, cause: 'page-hidden' }]);
    expect(c.pageIncidents).toBe(1);
    await second.stop();
  }, 420_000);

  it('killed after the clip was sealed, before its read-back: the read-back at the next start gives the gap its cause', async () => {
    const data = path.join(t.dir, 'sealed');
    const first = await serve(data);
    // A long clip sealed first: the read-back takes clips one at a time, so the gap clip waits behind it.
    const longId = await upload(first.url, 'SF-KILL-LONG', longClip);
    expect((await call(first.url, 'recording.finish', { recordingId: longId, reason: 'next-scan', chunkCount: 1 })).ok).toBe(true);
    const id = await upload(first.url, 'SF-KILL-SEALED', gapClip);
    expect((await call(first.url, 'recording.events', { recordingId: id, incidents: hidden() })).ok).toBe(true);
    const fin = await call<{ clip: Clip }>(first.url, 'recording.finish', { recordingId: id, reason: 'same-code', chunkCount: 1 });
    expect(fin.ok, fin.error?.message).toBe(true);
    expect(fin.result.clip.evidence, 'the clip is sealed before the kill').toBeTruthy();
    expect(await first.stop('SIGKILL')).toBeNull();
    const killedAt = Date.now();

    const second = await serve(data);
    const clip = await clipOf(second.url, 'SF-KILL-SEALED');
    expect(clip.status).toBe('ok');
    expect(clip.sha256).toBe(fin.result.clip.sha256);
    const c = await stationContinuity(second.url, clip.id);
    // Read back by the restarted station, not by the killed one.
    expect(c.checkedAt, 'the read-back ran after the restart').toBeGreaterThan(killedAt);
    expect(c.gaps).toEqual([{ after: 29, missing: 1, atMs: 1000, cause: 'page-hidden' }]);
    expect(c.pageIncidents).toBe(1);
    // The long clip is read back too, continuous.
    const long = await stationContinuity(second.url, (await clipOf(second.url, 'SF-KILL-LONG')).id);
    expect(long).toMatchObject({ frames: 1800, gaps: [] });
    await second.stop();
  }, 420_000);
});

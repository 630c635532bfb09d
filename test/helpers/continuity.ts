// The continuity claim of the e2e tests: every gap in a clip's frame counter is one the station
// recorded (its signed 'continuity' entry, read back from the sealed file), with a cause. A gap the
// station did not record fails, so a frame that vanishes unrecorded is still caught, while frames
// a loaded machine's encoder dropped (and the station recorded) do not fail the test.
import { expect } from 'vitest';
import type { Clip } from '../../shared/contract.ts';
import type { Continuity } from '../../shared/contract/continuity.ts';
import type { CounterReport } from '../../electron/engine/frameCounters.ts';
import { apiCall, type Served } from './station.ts';

/**
 * A test's time limit when it waits for the station's read-back: stationContinuity's own 5 minutes
 * plus the recording and reading around it (vitest's default 2 minutes is shorter than the wait).
 */
export const READ_BACK_TEST_TIMEOUT_MS = 420_000;

/**
 * The station's record of the clip's frames, once its background read-back has run (tests and the bench).
 * The read-back's ffmpeg runs nice'd so it never slows a recording: on a busy machine it waits minutes.
 */
export async function stationContinuity(url: string, clipId: string, timeoutMs = 300_000, served?: Served): Promise<Continuity> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const clip = await apiCall<Clip>(url, 'clips.get', { id: clipId });
    const c = clip.evidence?.continuity;
    if (c) return c;
    if (Date.now() > deadline) {
      // Why not: a clip never sealed is never read back; a read-back that failed says so in the station's log.
      const sealed = clip.evidence ? `sealed (chain entry ${clip.evidence.seq})` : 'not sealed (no chain entry)';
      const log = served ? `\nserve (last lines):\n${served.output().split('\n').slice(-20).join('\n')}` : '';
      throw new Error(`the station did not read back the frames of clip ${clipId} within ${timeoutMs / 1000} s; the clip is ${sealed}${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Asserts every gap the test reads in the file is recorded by the station; returns what it recorded. */
export async function expectEveryGapRecorded(url: string, clip: Clip, read: CounterReport, served?: Served): Promise<Continuity> {
  const recorded = await stationContinuity(url, clip.id, undefined, served);
  const key = (g: { after: number; missing: number }) => `${g.after}+${g.missing}`;
  const known = new Set(recorded.gaps.map(key));
  const unrecorded = read.gaps.filter((g) => !known.has(key(g)));
  expect(unrecorded, `gaps in ${clip.fileName} that the station did not record`).toEqual([]);
  expect(recorded.frames).toBe(read.counters.length);
  if (recorded.gaps.length)
    console.log(
      `${clip.order}: ${recorded.gaps.map((g) => `${g.missing} frame(s) after ${g.after} at ${g.atMs} ms, ${g.cause}`).join('; ')} (recorded by the station)`,
    );
  return recorded;
}

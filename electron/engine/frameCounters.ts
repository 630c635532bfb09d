// Reads the frame counter the station burns into every frame. Consecutive numbers prove a clip is
// one continuous recording (no cut inside it), and the last number of one clip followed by the
// first of the next proves that switching orders lost no frame. The engine reads every finished
// clip back this way (continuity.ts) and seals what it finds; tests and the bench use it too.
import { COUNTER_BITS, overlayGeometry, readCounter } from '../../shared/overlayGeometry.ts';
import { grayStrip, probe, probeFrames } from './ffmpeg.ts';

const WRAP = 2 ** COUNTER_BITS;

export interface CounterGap {
  /** The last counter before the gap. */
  after: number;
  /** How many stamped frames are not in the file. */
  missing: number;
  /** Where in the clip the gap is: the time of the frame after it, ms from the clip's first frame. */
  atMs: number;
}

export interface CounterStall {
  /** The counter of the frame before the pause (the next frame carries after + 1: nothing is missing). */
  after: number;
  /** How long the picture stood still in the file, ms. */
  ms: number;
  atMs: number;
}

export interface CounterReport {
  counters: (number | null)[];
  first: number | null;
  last: number | null;
  /** Places where the counter skips forward: frames missing inside the clip. */
  gaps: CounterGap[];
  /** Pauses of at least STALL_MS between consecutive counters: the camera gave no picture meanwhile. */
  stalls: CounterStall[];
  /** Frames where no counter could be read (no overlay, or damaged picture). */
  unreadable: number;
}

/** A pause this long between two consecutive frames is a stalled camera, not a slow frame. */
export const STALL_MS = 1000;

/**
 * Gaps and stalls from the counters read frame by frame and each frame's time (ms from the first;
 * empty when unknown). The counter wraps at 2^20 (about 9.7 hours at 30 fps), so a step is taken
 * modulo that; a step backwards (a frame repeated or out of order) is not a gap.
 */
export function findGaps(counters: (number | null)[], timesMs: number[], exactTimes = true): { gaps: CounterGap[]; stalls: CounterStall[] } {
  const gaps: CounterGap[] = [];
  const stalls: CounterStall[] = [];
  let prev: { n: number; i: number } | null = null;
  for (let i = 0; i < counters.length; i++) {
    const n = counters[i];
    if (n === null || n === undefined) continue;
    if (prev) {
      const step = (n - prev.n + WRAP) % WRAP;
      const atMs = Math.round(timesMs[i] ?? 0);
      if (step === 0 || step >= WRAP / 2) continue; // a frame repeated or out of order: the highest stays
      // Frames in between whose counter could not be read are in the file: not missing.
      const missing = step - 1 - (i - prev.i - 1);
      if (missing > 0) gaps.push({ after: prev.n, missing, atMs });
      else if (step === 1 && i === prev.i + 1 && exactTimes) {
        const ms = Math.round((timesMs[i] ?? 0) - (timesMs[prev.i] ?? 0));
        if (ms >= STALL_MS) stalls.push({ after: prev.n, ms, atMs });
      }
    }
    prev = { n, i };
  }
  return { gaps, stalls };
}

export async function readFrameCounters(file: string, opts: { background?: boolean; signal?: AbortSignal } = {}): Promise<CounterReport> {
  const info = await probe(file);
  if (!info.width || !info.height) throw new Error(`${file} has no video stream`);
  const g = overlayGeometry(info.width, info.height);
  // Geometry of the strip alone: same columns, rows shifted to the band's top.
  const strip = { ...g, bitTop: g.bitTop - g.bandTop };
  const counters: (number | null)[] = [];
  if (opts.signal?.aborted) throw new Error(`reading frames of ${file} was stopped`);
  await grayStrip(file, g.width, g.bandTop, g.bandHeight, (luma) => counters.push(readCounter(luma, strip)), opts);
  // Packet times, sorted: the decoded frames in presentation order (MediaRecorder's H.264 has no
  // B-frames, and -vsync passthrough neither adds nor drops one). After the decode, so a stopped
  // read leaves no process holding the file.
  const frames = await probeFrames(file).catch(() => null);
  // Should the decoder have skipped a damaged frame the lists differ: times are then estimated
  // from the frame rate (close enough to find the moment) and no stall is claimed from them.
  const exact = frames !== null && frames.ptsMs.length === counters.length;
  const fps = frames?.fps ?? 30;
  const times = exact ? frames.ptsMs : counters.map((_, i) => (i * 1000) / fps);
  const read = counters.filter((c): c is number => c !== null);
  return {
    counters,
    first: read[0] ?? null,
    last: read.at(-1) ?? null,
    ...findGaps(counters, times, exact),
    unreadable: counters.length - read.length,
  };
}

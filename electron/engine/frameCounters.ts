// Reads the frame counter the station burns into every frame. Consecutive numbers prove a clip is
// one continuous recording (no cut inside it), and the last number of one clip followed by the
// first of the next proves that switching orders lost no frame.
import { overlayGeometry, readCounter } from '../../shared/overlayGeometry.ts';
import { grayStrip, probe } from './ffmpeg.ts';

export interface CounterReport {
  counters: (number | null)[];
  first: number | null;
  last: number | null;
  /** Places where the counter skips forward: frames missing inside the clip. */
  gaps: { after: number; missing: number }[];
  /** Frames where no counter could be read (no overlay, or damaged picture). */
  unreadable: number;
}

export async function readFrameCounters(file: string): Promise<CounterReport> {
  const info = await probe(file);
  if (!info.width || !info.height) throw new Error(`${file} has no video stream`);
  const g = overlayGeometry(info.width, info.height);
  // Geometry of the strip alone: same columns, rows shifted to the band's top.
  const strip = { ...g, bitTop: g.bitTop - g.bandTop };
  const counters: (number | null)[] = [];
  await grayStrip(file, g.width, g.bandTop, g.bandHeight, (luma) => counters.push(readCounter(luma, strip)));
  const read = counters.filter((c): c is number => c !== null);
  const gaps: CounterReport['gaps'] = [];
  for (let i = 1; i < read.length; i++) {
    const step = read[i]! - read[i - 1]!;
    if (step > 1) gaps.push({ after: read[i - 1]!, missing: step - 1 });
  }
  return {
    counters,
    first: read[0] ?? null,
    last: read.at(-1) ?? null,
    gaps,
    unreadable: counters.length - read.length,
  };
}

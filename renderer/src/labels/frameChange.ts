// Whether a frame differs enough from the last decoded one to be worth decoding (labelWorker.ts).
// A sparse grid of luma samples costs microseconds against a decode's milliseconds.
//
// The test is local, not a mean over the frame: a label is a small part of the picture (a QR code
// at arm's length covers ~2% of a 720p frame), so a label appearing, leaving or moving changes a
// handful of samples by a lot while the frame-wide mean barely moves. Sensor noise changes many
// samples by a little, which the per-sample threshold ignores. The comparison is with the last
// decoded frame, not the last checked one, so a slow drift adds up until it counts.

/** Samples per row and per column of the region. */
export const CHANGE_GRID = 64;
/** A sample changed when its luma moved by more than this (noise of a still picture stays far below). */
export const SAMPLE_DELTA = 20;
/** This many changed samples make a changed frame (one alone may be a noise spike). */
export const CHANGED_SAMPLES = 3;
/** Or the whole picture brightened or darkened by this much on average (the light changed). */
export const MEAN_DELTA = 1.5;
/** A decode at least this often even in a still picture: whatever the check misses is missed for at most this long. */
export const MAX_SKIP_MS = 1000;

/** The region's grid of samples (CHANGE_GRID² bytes) from its w×h luma. */
export function sampleGrid(y: Uint8Array, w: number, h: number): Uint8Array {
  const sample = new Uint8Array(CHANGE_GRID * CHANGE_GRID);
  for (let gy = 0; gy < CHANGE_GRID; gy++) {
    const row = Math.floor(((gy + 0.5) * h) / CHANGE_GRID) * w;
    for (let gx = 0; gx < CHANGE_GRID; gx++) sample[gy * CHANGE_GRID + gx] = y[row + Math.floor(((gx + 0.5) * w) / CHANGE_GRID)]!;
  }
  return sample;
}

/** True when `next` shows something `decoded` (the samples of the last decoded frame) did not. */
export function changedSince(decoded: Uint8Array | null, next: Uint8Array): boolean {
  if (!decoded || decoded.length !== next.length) return true;
  let sum = 0;
  let changed = 0;
  for (let i = 0; i < next.length; i++) {
    const d = Math.abs(next[i]! - decoded[i]!);
    sum += d;
    if (d > SAMPLE_DELTA && ++changed >= CHANGED_SAMPLES) return true;
  }
  return sum / next.length >= MEAN_DELTA;
}

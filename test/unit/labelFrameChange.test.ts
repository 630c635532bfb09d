// The label worker's change check: a frame is decoded when a label appears, leaves or moves, even
// a small one in a large still picture; a still picture with sensor noise is skipped.
import { describe, expect, it } from 'vitest';
import { CHANGE_GRID, changedSince, sampleGrid } from '../../renderer/src/labels/frameChange.ts';

const W = 1280;
const H = 720;

/** A grey table with a gradient, plus one level of noise per pixel from `seed`. */
function table(seed = 0, shade = 0): Uint8Array {
  const y = new Uint8Array(W * H);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < y.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    y[i] = 100 + shade + Math.round((20 * (i % W)) / W) + (seed ? (s >>> 16) % 3 : 0) - (seed ? 1 : 0);
  }
  return y;
}

/** A QR-like checkerboard of `module`-pixel squares, `size` pixels wide, its corner at (x, y). */
function drawSymbol(img: Uint8Array, x: number, y: number, size: number, module = 5): void {
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) img[(y + r) * W + x + c] = (Math.floor(r / module) + Math.floor(c / module)) % 2 ? 25 : 235;
}

describe('label frame change check', () => {
  it('samples a grid of CHANGE_GRID² points', () => {
    expect(sampleGrid(table(), W, H).length).toBe(CHANGE_GRID * CHANGE_GRID);
  });

  it('skips a still picture whose only change is sensor noise', () => {
    expect(changedSince(sampleGrid(table(1), W, H), sampleGrid(table(2), W, H))).toBe(false);
  });

  it('decodes the first frame', () => {
    expect(changedSince(null, sampleGrid(table(), W, H))).toBe(true);
  });

  it('decodes when a small label appears in a still picture (far below a frame-wide mean change)', () => {
    const before = table(1);
    const after = table(2);
    drawSymbol(after, 600, 300, 125);
    expect(changedSince(sampleGrid(before, W, H), sampleGrid(after, W, H))).toBe(true);
  });

  it('decodes when a small label moves by two pixels', () => {
    const a = table(1);
    drawSymbol(a, 600, 300, 125);
    const b = table(2);
    drawSymbol(b, 602, 300, 125);
    expect(changedSince(sampleGrid(a, W, H), sampleGrid(b, W, H))).toBe(true);
  });

  it('decodes when the light changes over the whole picture', () => {
    expect(changedSince(sampleGrid(table(1), W, H), sampleGrid(table(2, 3), W, H))).toBe(true);
  });

  it('compares with the last decoded frame, so a slow drift adds up', () => {
    const decoded = sampleGrid(table(0, 0), W, H);
    // Each step alone is below the mean threshold; against the decoded frame the sum is not.
    expect(changedSince(sampleGrid(table(0, 1), W, H), sampleGrid(table(0, 2), W, H))).toBe(false);
    expect(changedSince(decoded, sampleGrid(table(0, 2), W, H))).toBe(true);
  });
});

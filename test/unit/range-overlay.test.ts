import { describe, expect, it } from 'vitest';
import { parseRange } from '../../electron/doors/range.ts';
import { COUNTER_BITS, SYNC_BITS, overlayGeometry, readCounter } from '../../shared/overlayGeometry.ts';

describe('HTTP Range parsing', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=50-10', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-9', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
  ] as const)('%s', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe('burned-in frame counter', () => {
  it('reads back what was drawn, at 720p and 1080p', () => {
    for (const [w, h] of [
      [1280, 720],
      [1920, 1080],
      [640, 360],
    ] as const) {
      const g = overlayGeometry(w, h);
      const luma = new Uint8Array(w * h).fill(16);
      const value = 0b1010_1100_0011_0101_1001;
      const bits = [...SYNC_BITS, ...Array.from({ length: COUNTER_BITS }, (_, i) => (value >>> (COUNTER_BITS - 1 - i)) & 1)];
      bits.forEach((b, i) => {
        for (let y = g.bitTop; y < g.bitTop + g.bitHeight; y++)
          luma.fill(b ? 235 : 16, y * w + g.bitsLeft + i * g.bitWidth, y * w + g.bitsLeft + (i + 1) * g.bitWidth);
      });
      expect(readCounter(luma, g)).toBe(value);
    }
  });
  it('says "no counter" for a picture without the overlay', () => {
    const g = overlayGeometry(1280, 720);
    expect(readCounter(new Uint8Array(1280 * 720).fill(200), g)).toBeNull();
  });
  it('keeps the band inside the frame and the text clear of the counter', () => {
    const g = overlayGeometry(1280, 720);
    expect(g.bandTop + g.bandHeight).toBe(720);
    expect(g.textLeft + g.textWidth).toBeLessThan(g.bitsLeft);
    expect(g.fontPx).toBeGreaterThanOrEqual(30);
  });
});

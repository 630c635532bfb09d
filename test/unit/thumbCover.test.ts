// The thumbnail canvas covers its box as `object-fit: cover` did: scaled to fill, centred, cropped.
import { describe, expect, it } from 'vitest';
import { coverRect } from '../../renderer/src/components/coverRect.ts';

describe('coverRect', () => {
  it.each([
    // box w, h; picture w, h; expected x, y, w, h
    { box: [96, 54], pic: [320, 180], want: { x: 0, y: 0, w: 96, h: 54 } }, // same 16:9 shape: scaled down
    { box: [192, 108], pic: [320, 180], want: { x: 0, y: 0, w: 192, h: 108 } }, // a 2x screen
    { box: [96, 54], pic: [320, 240], want: { x: 0, y: -9, w: 96, h: 72 } }, // a 4:3 camera: top and bottom cut
    { box: [96, 54], pic: [180, 320], want: { x: 0, y: -58.33, w: 96, h: 170.67 } }, // a portrait picture
    { box: [160, 90], pic: [80, 90], want: { x: 0, y: -45, w: 160, h: 180 } }, // smaller than the box: scaled up
    { box: [160, 90], pic: [640, 90], want: { x: -240, y: 0, w: 640, h: 90 } }, // wider: sides cut
  ])('box $box, picture $pic', ({ box, pic, want }) => {
    const r = coverRect(box[0]!, box[1]!, pic[0]!, pic[1]!);
    for (const k of ['x', 'y', 'w', 'h'] as const) expect(r[k]).toBeCloseTo(want[k], 1);
  });
});

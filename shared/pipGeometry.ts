// Where the second camera's picture goes in the recorded frame. Pure, shared by the overlay worker,
// the settings preview and the tests. Bottom corners sit above the burned-in band, so the inset
// never covers the order code, the time or the frame counter.
import type { PipCorner } from './contract/station.ts';
import { overlayGeometry } from './overlayGeometry.ts';

export type { PipCorner };

export interface PipRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

export function pipRect(frameW: number, frameH: number, insetAspect: number, corner: PipCorner, scalePercent: number): PipRect {
  const g = overlayGeometry(frameW, frameH);
  const margin = even(frameW * 0.015);
  const bottomLimit = g.bandTop - margin; // above the overlay band
  let width = even((frameW * scalePercent) / 100);
  let height = even(width / (insetAspect > 0 ? insetAspect : 16 / 9));
  const maxH = bottomLimit - margin;
  if (height > maxH) {
    height = even(maxH);
    width = even(height * insetAspect);
  }
  const x = corner.endsWith('left') ? margin : even(frameW - margin - width);
  const y = corner.startsWith('top') ? margin : even(bottomLimit - height);
  return { x, y, width, height };
}

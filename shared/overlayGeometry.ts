// Where the burned-in overlay sits in a frame. Shared by the page's overlay worker (which draws it)
// and the Node side (tests, benchmarks, the verifier) which reads the frame counter back out of
// decoded video to prove that no frame is missing between clips.
export const COUNTER_BITS = 20;
/** A white then a black block before the counter: tells "counter present" from random picture. */
export const SYNC_BITS = [1, 0] as const;

export interface OverlayGeometry {
  width: number;
  height: number;
  bandTop: number;
  bandHeight: number;
  margin: number;
  fontPx: number;
  textLeft: number;
  textWidth: number;
  bitsLeft: number;
  bitWidth: number;
  bitTop: number;
  bitHeight: number;
}

const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);

export function overlayGeometry(width: number, height: number): OverlayGeometry {
  const bandHeight = even(height * 0.075); // 54 px at 720p: text ~34 px, legible when the clip is scaled down
  const margin = even(bandHeight * 0.16);
  const bitWidth = even((width / 1280) * 12);
  const totalBits = COUNTER_BITS + SYNC_BITS.length;
  const bitsLeft = even(width - margin - totalBits * bitWidth);
  return {
    width,
    height,
    bandTop: even(height - bandHeight),
    bandHeight,
    margin,
    fontPx: Math.round(bandHeight * 0.62),
    textLeft: margin,
    textWidth: Math.max(0, bitsLeft - 2 * margin),
    bitsLeft,
    bitWidth,
    bitTop: even(height - bandHeight) + margin,
    bitHeight: bandHeight - 2 * margin,
  };
}

/** Reads the frame counter from a grey (luma) frame; null when the sync blocks are not there. */
export function readCounter(luma: Uint8Array, g: OverlayGeometry): number | null {
  const blocks = [...SYNC_BITS.map(() => 0), ...Array<number>(COUNTER_BITS).fill(0)];
  const bits = blocks.map((_, i) => {
    const x0 = g.bitsLeft + i * g.bitWidth + Math.floor(g.bitWidth / 4);
    const x1 = g.bitsLeft + (i + 1) * g.bitWidth - Math.floor(g.bitWidth / 4);
    const y0 = g.bitTop + Math.floor(g.bitHeight / 4);
    const y1 = g.bitTop + g.bitHeight - Math.floor(g.bitHeight / 4);
    let sum = 0;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        sum += luma[y * g.width + x] ?? 0;
        n++;
      }
    }
    return sum / Math.max(1, n) > 128 ? 1 : 0;
  });
  if (bits[0] !== SYNC_BITS[0] || bits[1] !== SYNC_BITS[1]) return null;
  let value = 0;
  for (const b of bits.slice(SYNC_BITS.length)) value = value * 2 + b;
  return value;
}

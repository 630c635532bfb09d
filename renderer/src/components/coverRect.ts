// Pure geometry of the thumbnail canvas (Thumb.tsx), apart so unit tests run it without React.

/** Where to draw a picture so it covers the box, centred (what `object-fit: cover` did). */
export function coverRect(boxW: number, boxH: number, picW: number, picH: number): { x: number; y: number; w: number; h: number } {
  const scale = Math.max(boxW / picW, boxH / picH);
  const w = picW * scale;
  const h = picH * scale;
  return { x: (boxW - w) / 2, y: (boxH - h) / 2, w, h };
}

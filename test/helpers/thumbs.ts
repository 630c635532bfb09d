// What a user sees of a clip's thumbnail: renderer/src/components/Thumb.tsx draws it into a canvas.
import type { Locator } from 'playwright-core';

/**
 * How many different colours a sample of the thumbnail's pixels holds once it is drawn: an empty
 * box has one, a picture of the camera's view many. 0 while it is not drawn (yet).
 */
export function thumbColours(thumb: Locator): Promise<number> {
  return thumb.evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    if (canvas.dataset.state !== 'shown') return 0;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
    return colours.size;
  });
}

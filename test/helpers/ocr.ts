// Reads the burned-in overlay text of a frame with tesseract, as a reviewer's eyes would.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ffmpegBin } from './video.ts';

export function tesseractAvailable(): boolean {
  return fs.existsSync('/usr/bin/tesseract');
}

/** OCR of the overlay band of the frame at `atSeconds` (band = bottom 7.5 % of the picture). */
export function ocrOverlay(videoFile: string, atSeconds: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-ocr-'));
  try {
    const png = path.join(dir, 'band.png');
    execFileSync(ffmpegBin(), [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-ss',
      String(atSeconds),
      '-i',
      videoFile,
      '-frames:v',
      '1',
      // crop the band, make it dark-on-light and larger: what tesseract reads best
      '-vf',
      'crop=iw:ih*0.075:0:ih*0.925,negate,scale=iw*2:-1:flags=bicubic',
      png,
    ]);
    return execFileSync('tesseract', [png, 'stdout', '--psm', '7'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Real indexed clips with an order code burned into the picture, like the station's overlay:
// made with the system ffmpeg's drawtext, then recorded through the engine (start, chunks, finish).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Clip } from '../../shared/contract.ts';
import type { Engine } from '../../electron/engine/engine.ts';
import { ffmpegBin } from './video.ts';

const FONT = ['/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'].find((f) => fs.existsSync(f));

/** H.264 in Matroska (as Chromium's MediaRecorder writes), order code and running time drawn in. */
export function makeOrderWebm(file: string, order: string, seconds: number, size = '320x180', fps = 30): void {
  const [w, h] = size.split('x').map(Number) as [number, number];
  const fs1 = Math.round(h / 7);
  const font = FONT ? `fontfile=${FONT}:` : '';
  const text = order.replace(/[\\:']/g, (c) => `\\${c}`);
  execFileSync(ffmpegBin(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${fps}`,
    '-t',
    String(seconds),
    '-vf',
    [
      `drawbox=x=0:y=0:w=${w}:h=${Math.round(fs1 * 2.6)}:color=white:t=fill`,
      `drawtext=${font}text='${text}':fontcolor=black:fontsize=${fs1}:x=8:y=6`,
      `drawtext=${font}text='%{pts\\:hms}':fontcolor=black:fontsize=${fs1}:x=8:y=${Math.round(fs1 * 1.35)}`,
    ].join(','),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(fps * 2),
    '-pix_fmt',
    'yuv420p',
    '-f',
    'matroska',
    file,
  ]);
}

export async function recordClip(
  engine: Engine,
  order: string,
  webm: string,
  chunkSize = 256 * 1024,
  mode: 'shipping' | 'returns' = 'shipping',
): Promise<Clip> {
  const ctx = { door: 'http' as const };
  const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1', mode }, ctx);
  const data = fs.readFileSync(webm);
  let seq = 0;
  for (let off = 0; off < data.length; off += chunkSize) {
    await engine.call('recording.chunk', { recordingId, seq: seq++, data: data.subarray(off, off + chunkSize) }, ctx);
  }
  const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: seq }, ctx);
  if (!clip) throw new Error(`recording ${order} produced no clip`);
  return clip;
}

export function orderClipPath(dir: string, name: string): string {
  return path.join(dir, name);
}

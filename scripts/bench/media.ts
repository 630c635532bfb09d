// Test media for the benchmarks, made once with the system ffmpeg and kept in the temp folder
// between runs (making a 5-minute 720p file takes about a minute on two cores).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MEDIA_DIR = path.join(os.tmpdir(), 'pw-bench-media');
export const FFMPEG = fs.existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : 'ffmpeg';

/**
 * H.264 in Matroska, 1280x720 at 30 fps, ~2.5 Mbit/s, a keyframe every second: what the station's
 * MediaRecorder writes.
 */
export function stationLikeWebm(seconds: number): string {
  fs.mkdirSync(MEDIA_DIR, { recursive: true });
  const file = path.join(MEDIA_DIR, `station-720p30-${seconds}s.webm`);
  if (fs.existsSync(file)) return file;
  const longest = path.join(MEDIA_DIR, 'station-720p30-300s.webm');
  if (seconds < 300 && fs.existsSync(longest)) {
    // Cut at a keyframe from the long one: no re-encode.
    execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', longest, '-t', String(seconds), '-c', 'copy', '-f', 'matroska', `${file}.tmp`]);
  } else {
    execFileSync(FFMPEG, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1280x720:rate=30',
      '-t',
      String(seconds),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '2500k',
      '-maxrate',
      '2500k',
      '-bufsize',
      '2500k',
      '-g',
      '30',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'matroska',
      `${file}.tmp`,
    ]);
  }
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

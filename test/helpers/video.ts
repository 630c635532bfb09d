// Real videos for tests, made with real ffmpeg (the system one when present, else the app's).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { binaries } from '../../electron/engine/ffmpeg.ts';

export function ffmpegBin(): string {
  return fs.existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : binaries().ffmpeg;
}
export function ffprobeBin(): string {
  return fs.existsSync('/usr/bin/ffprobe') ? '/usr/bin/ffprobe' : binaries().ffprobe;
}

/** A WebM with H.264 inside, like Chromium's MediaRecorder writes: test pattern, 1 s keyframes. */
export function makeWebmH264(file: string, seconds: number, size = '640x360', fps = 30): void {
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
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(fps),
    '-pix_fmt',
    'yuv420p',
    '-f',
    'matroska',
    file, // Chromium writes H.264 in a WebM-flavoured Matroska; ffmpeg's webm muxer refuses H.264
  ]);
}

export interface ProbeJson {
  format: { duration?: string; format_name?: string; size?: string };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; nb_frames?: string; nb_read_frames?: string }[];
}

export function ffprobeJson(file: string, countFrames = false): ProbeJson {
  const out = execFileSync(ffprobeBin(), [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    ...(countFrames ? ['-count_frames'] : []),
    file,
  ]);
  return JSON.parse(out.toString()) as ProbeJson;
}

// Every ffmpeg and ffprobe call of PackWitness lives in this module: fluent-ffmpeg is archived
// upstream, so keeping it behind one small surface means it can be replaced in one place.
// Arguments are arrays (never a shell string) and each flag says why it is there.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import ffmpeg from 'fluent-ffmpeg';

const require = createRequire(import.meta.url);

function unpacked(p: string): string {
  // Inside a packaged Electron app the binaries are unpacked next to app.asar (electron-builder.yml
  // lists them in asarUnpack); a path inside the archive cannot be executed.
  return p.replace(`app.asar${process.platform === 'win32' ? '\\' : '/'}`, `app.asar.unpacked${process.platform === 'win32' ? '\\' : '/'}`);
}

function resolveBinary(envVar: string, pkg: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  // The npm packages ship a static binary per platform, so the app needs no ffmpeg on the PATH.
  const p = unpacked((require(pkg) as { path: string }).path);
  try {
    fs.accessSync(p, fs.constants.X_OK);
  } catch {
    // npm may skip the package's chmod postinstall; the binary is ours, so make it executable.
    fs.chmodSync(p, 0o755);
  }
  return p;
}

let paths: { ffmpeg: string; ffprobe: string } | undefined;
export function binaries(): { ffmpeg: string; ffprobe: string } {
  paths ??= {
    ffmpeg: resolveBinary('PACKWITNESS_FFMPEG', '@ffmpeg-installer/ffmpeg'),
    ffprobe: resolveBinary('PACKWITNESS_FFPROBE', '@ffprobe-installer/ffprobe'),
  };
  return paths;
}

function command(): ffmpeg.FfmpegCommand {
  const b = binaries();
  return ffmpeg().setFfmpegPath(b.ffmpeg).setFfprobePath(b.ffprobe);
}

function run(cmd: ffmpeg.FfmpegCommand, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let tail = '';
    cmd
      .on('stderr', (line: string) => {
        tail = (tail + '\n' + line).slice(-2000);
      })
      .on('error', (err: Error) => reject(new Error(`${what} failed: ${err.message}${tail ? `\n${tail.trim()}` : ''}`)))
      .on('end', () => resolve())
      .run();
  });
}

/**
 * Turns a MediaRecorder WebM (H.264 inside, no duration, no cues) into an MP4 that plays
 * everywhere, without re-encoding: the picture, overlay included, stays bit-identical.
 * A truncated WebM (a crash mid-recording) remuxes up to its last complete frame.
 */
export async function remuxToMp4(input: string, output: string): Promise<void> {
  const cmd = command()
    .input(input)
    .inputOptions([
      // MediaRecorder's WebM has no cues; regenerate missing timestamps rather than fail on them.
      '-fflags', '+genpts',
    ])
    .outputOptions([
      '-map', '0:v:0', // the camera picture is the evidence; always present
      '-map', '0:a:0?', // the microphone, only when the station records one
      '-c:v', 'copy', // no re-encode: fast, and the frames are exactly what was captured
      '-c:a', 'aac', // Opus-in-MP4 is not playable everywhere; AAC is
      '-movflags', '+faststart', // moov before mdat: players and browsers start at once and can seek
      '-avoid_negative_ts', 'make_zero', // the first frame at 0 s, so durations read the same everywhere
      '-f', 'mp4',
    ])
    .output(output);
  await run(cmd, 'remux to MP4');
}

export interface ProbeResult {
  durationMs: number;
  videoCodec: string | null;
  width: number | null;
  height: number | null;
  formatName: string;
}

export function probe(file: string): Promise<ProbeResult> {
  // fluent-ffmpeg's static ffprobe() reads the globally set path.
  ffmpeg.setFfprobePath(binaries().ffprobe);
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(file, (err: Error | null, data: ffmpeg.FfprobeData) => {
      if (err) return reject(new Error(`cannot read ${file} as video: ${err.message.split('\n')[0]}`));
      const v = data.streams.find((s) => s.codec_type === 'video');
      const duration = Number(data.format.duration ?? v?.duration ?? 0);
      resolve({
        durationMs: Number.isFinite(duration) ? Math.round(duration * 1000) : 0,
        videoCodec: v?.codec_name ?? null,
        width: v?.width ?? null,
        height: v?.height ?? null,
        formatName: data.format.format_name ?? '',
      });
    });
  });
}

/** A small JPEG for result lists; taken 1 s in, where the order code overlay is already drawn. */
export async function thumbnail(input: string, output: string, atMs: number): Promise<void> {
  const cmd = command()
    .input(input)
    .inputOptions(['-ss', (atMs / 1000).toFixed(3)]) // seek before decoding: only one frame is decoded
    .outputOptions([
      '-frames:v', '1',
      '-vf', 'scale=320:-2', // list size; -2 keeps the height even for the JPEG encoder
      '-q:v', '5', // good enough for a thumbnail, ~15 kB
      '-f', 'image2',
    ])
    .output(output);
  await run(cmd, 'thumbnail');
}

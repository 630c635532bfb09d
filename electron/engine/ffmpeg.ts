// Every ffmpeg and ffprobe run of PackWitness goes through this module: fluent-ffmpeg is archived
// upstream, so keeping it behind one small surface means it can be replaced in one place. The
// argument lists are built by the pure functions of ffmpegArgs.ts (arrays, never a shell string,
// each flag with its reason); here they are run: ffmpeg through one runner, ffprobe through one.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Writable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import {
  encodeJob,
  framesJob,
  grayStripJob,
  imageToJpegJob,
  packetArgs,
  parsePackets,
  parseProbe,
  probeArgs,
  remuxJob,
  reservedMoovBytes,
  sheetImageJob,
  stillJob,
  thumbnailJob,
  type EncodeSpec,
  type FfmpegJob,
  type ProbeInfo,
  type SheetImageSpec,
  type StillSpec,
} from './ffmpegArgs.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

export { filterValue, reservedMoovBytes, type EncodeSpec, type SheetImageSpec, type StillSpec } from './ffmpegArgs.ts';

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

// ---------------------------------------------------------------------------------------------
// The runner. fluent-ffmpeg runs every ffmpeg process: it finds the binary, spawns it with the
// argument array, applies niceness and reports stderr line by line.

/** One reading of `-progress pipe:2`: where the output is, and whether ffmpeg has finished. */
export interface ProgressSample {
  outTimeMs: number | null;
  frame: number | null;
  speed: number | null;
  done: boolean;
}

export interface ProgressState {
  pending: Partial<Record<string, string>>;
}

/**
 * Feeds one stderr line of `-progress pipe:2` output. ffmpeg writes key=value lines and closes each
 * block with progress=continue|end; a sample is returned only then. Other stderr lines (warnings)
 * pass through without effect. Pure, so it has table tests.
 */
export function parseProgressLine(state: ProgressState, line: string): ProgressSample | null {
  const m = /^\s*([a-z_]+)=\s*(.*?)\s*$/.exec(line);
  if (!m) return null;
  const [, key, value] = m as unknown as [string, string, string];
  if (key !== 'progress') {
    state.pending[key] = value;
    return null;
  }
  const p = state.pending;
  state.pending = {};
  const num = (v: string | undefined): number | null => {
    if (v === undefined || v === 'N/A' || v === '') return null;
    const n = Number.parseFloat(v);
    return Number.isFinite(n) ? n : null;
  };
  // out_time_us is right; ffmpeg 4.x also prints out_time_ms, which (a known bug) is in µs too.
  const us = num(p.out_time_us) ?? num(p.out_time_ms);
  const speed = p.speed?.endsWith('x') ? num(p.speed.slice(0, -1)) : num(p.speed);
  return {
    outTimeMs: us === null || us < 0 ? null : Math.round(us / 1000),
    frame: num(p.frame),
    speed,
    done: value === 'end',
  };
}

export interface RunControl {
  onSample?: (s: ProgressSample) => void;
  signal?: AbortSignal;
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
}

let niceFound: boolean | undefined;

/**
 * Whether `nice` can be run. fluent-ffmpeg starts `nice -n 10 ffmpeg …` on POSIX systems, and when
 * `nice` is missing its spawn-error path throws where nothing can catch it, ending the station's
 * process; a trimmed PATH (a packed desktop app, a service) must give a plain ffmpeg instead.
 */
function canNice(): boolean {
  if (niceFound === undefined) {
    niceFound =
      process.platform === 'win32' || (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, 'nice')));
  }
  return niceFound;
}

function command(job: FfmpegJob): ffmpeg.FfmpegCommand {
  const b = binaries();
  // niceness: fluent-ffmpeg runs `nice -n 10 ffmpeg ...` (ignored on Windows).
  const cmd = ffmpeg(job.background && canNice() ? { niceness: 10 } : {})
    .setFfmpegPath(b.ffmpeg)
    .setFfprobePath(b.ffprobe);
  for (const input of job.inputs) cmd.input(input.file).inputOptions(input.options);
  if (job.complexFilter) cmd.complexFilter(job.complexFilter);
  for (const output of job.outputs) if (output.file !== null) cmd.output(output.file).outputOptions(output.options);
  return cmd;
}

/**
 * Runs one ffmpeg job. Progress lines feed ctl.onSample; the signal kills the process, and the
 * promise settles only once ffmpeg has exited and closed its files. A failure carries the tail of
 * ffmpeg's stderr. A job whose output file is null streams its stdout to onData.
 */
function run(job: FfmpegJob, what: string, ctl: RunControl & { cancelled?: () => Error } = {}, onData?: (chunk: Buffer) => void): Promise<void> {
  const cancelled = ctl.cancelled ?? (() => new ExportCancelled());
  return new Promise((resolve, reject) => {
    if (ctl.signal?.aborted) return reject(cancelled());
    const cmd = command(job);
    let tail = '';
    const state: ProgressState = { pending: {} };
    const abort = (): void => {
      cmd.kill('SIGKILL');
    };
    ctl.signal?.addEventListener('abort', abort, { once: true });
    const piped = job.outputs.find((o) => o.file === null);
    // Piped: done once ffmpeg has exited AND every byte of its stdout was handed to onData.
    let waiting = piped ? 2 : 1;
    const settle = (err?: Error): void => {
      if (!err && --waiting > 0) return;
      ctl.signal?.removeEventListener('abort', abort);
      if (!err) resolve();
      else if (ctl.signal?.aborted) reject(cancelled());
      else reject(new Error(`${what} failed: ${err.message}${tail ? `\n${tail.trim()}` : ''}`));
    };
    cmd
      .on('stderr', (line: string) => {
        const sample = parseProgressLine(state, line);
        if (sample) ctl.onSample?.(sample);
        else if (!/^[a-z_]+=/.test(line)) tail = (tail + '\n' + line).slice(-2000);
      })
      .on('error', (err: Error) => settle(err))
      .on('end', () => settle());
    if (piped) {
      cmd.outputOptions(piped.options);
      // A sink that never emits 'close': fluent-ffmpeg takes its output stream's 'close' as the
      // end of the job and, when ffmpeg's exit comes more than 20 ms later (any loaded machine),
      // fails the job with "Output stream closed" and kills ffmpeg, though every byte came. Without
      // it, ffmpeg's exit code decides, as for a job that writes a file.
      const sink = new Writable({
        emitClose: false,
        write(chunk: Buffer, _enc, done) {
          try {
            onData?.(chunk);
            done();
          } catch (err) {
            done(err as Error);
          }
        },
      });
      sink.on('finish', () => settle());
      sink.on('error', (err: Error) => settle(err));
      cmd.pipe(sink, { end: true });
    } else {
      cmd.run();
    }
  });
}

/**
 * Turns a MediaRecorder WebM (H.264 inside, no duration, no cues) into an MP4 that plays
 * everywhere, without re-encoding: the picture, overlay included, stays bit-identical.
 * A truncated WebM (a crash mid-recording) remuxes up to its last complete frame.
 *
 * `expectedMs` (how long the recording ran) lets the moov index be written into space reserved
 * at the front of the file in one pass. Plain +faststart writes the file and then rewrites all of
 * it to move the index forward: measured on a 5-minute 720p clip, 0.14–0.37 s against 0.09–0.14 s.
 */
export async function remuxToMp4(input: string, output: string, expectedMs?: number): Promise<void> {
  if (expectedMs !== undefined && expectedMs > 0) {
    try {
      await run(remuxJob(input, output, { reserveBytes: reservedMoovBytes(expectedMs) }), 'remux to MP4');
      return;
    } catch {
      // The reservation was too small (a much longer file than the clock said): do it in two passes.
    }
  }
  await run(remuxJob(input, output, 'faststart'), 'remux to MP4');
}

/** A small JPEG for result lists; taken 1 s in, where the order code overlay is already drawn. */
export async function thumbnail(input: string, output: string, atMs: number): Promise<void> {
  await run(thumbnailJob(input, output, atMs), 'thumbnail');
}

/** The same thumbnail at low priority (nice 10): the hub makes them beside ingest, one at a time. */
export async function backgroundThumbnail(input: string, output: string, atMs: number): Promise<void> {
  await run({ ...thumbnailJob(input, output, atMs), background: true }, 'thumbnail');
}

/**
 * Streams the luma of a horizontal strip of every frame (for reading the burned-in frame
 * counter). Only the strip is converted and piped, so a 5-minute 720p clip reads in seconds.
 * background: the station's own read-back of a finished clip runs beside live recording, so it
 * yields the CPU. A station shutting down does not wait for a long clip's read-back (it is done
 * again at start), nor does retention deleting the clip: the signal stops it.
 */
export async function grayStrip(
  file: string,
  width: number,
  top: number,
  height: number,
  onFrame: (strip: Uint8Array) => void,
  opts: { background?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const frameBytes = width * height;
  let pending: Buffer = Buffer.alloc(0);
  const failed = (message: string): Error => new Error(`reading frames of ${file} failed: ${message}`);
  await run(
    grayStripJob(file, width, top, height, opts.background ?? false),
    `reading frames of ${file}`,
    { signal: opts.signal, cancelled: () => failed('stopped') },
    (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        onFrame(new Uint8Array(pending.buffer, pending.byteOffset, frameBytes));
        pending = pending.subarray(frameBytes);
      }
    },
  );
}

/** Re-encodes (or, streamCopy, splits) a range of a clip for an export: see encodeJob. */
export async function encodeExport(spec: EncodeSpec, ctl: RunControl = {}): Promise<void> {
  await run(encodeJob(spec), spec.streamCopy ? 'export split' : 'export encode', ctl);
}

/** One frame of the clip as JPEG: the clip's own pixels, so the burned-in code and time are in it. */
export async function extractStill(spec: StillSpec, ctl: RunControl = {}): Promise<void> {
  await run(stillJob(spec), 'still', ctl);
}

/** Composes the evidence sheet as one PNG: text from files, the QR code and key frames as images. */
export async function renderSheetImage(spec: SheetImageSpec): Promise<void> {
  await run(sheetImageJob(spec), 'evidence sheet');
}

/** The sheet as a compact JPEG for the PDF (a PNG of photos would make the PDF several MB). */
export async function imageToJpeg(input: string, output: string, quality: number): Promise<void> {
  await run(imageToJpegJob(input, output, quality), 'sheet JPEG');
}

/** Several frames of one clip as JPEGs in one process (the sheet's key frames): one seek per frame. */
export async function extractFrames(input: string, atMs: number[], outputs: string[], height: number, ctl: RunControl = {}): Promise<void> {
  await run(framesJob(input, atMs, outputs, height), 'key frames', ctl);
}

// ---------------------------------------------------------------------------------------------
// ffprobe. fluent-ffmpeg's ffprobe() has no packet listing and parses its own text format, so
// ffprobe runs here directly: the same binary, arguments as an array, JSON read by parseProbe.

function runProbe(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binaries().ffprobe, args, { maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err)
        reject(
          new Error(
            String(stderr || err.message)
              .trim()
              .split('\n')[0],
          ),
        );
      else resolve(stdout);
    });
  });
}

async function probeInfo(file: string): Promise<ProbeInfo> {
  try {
    return parseProbe(await runProbe(probeArgs(file)));
  } catch (err) {
    throw new Error(`cannot read ${file} as video: ${errorMessage(err)}`);
  }
}

export interface ProbeResult {
  durationMs: number;
  videoCodec: string | null;
  width: number | null;
  height: number | null;
  formatName: string;
}

export async function probe(file: string): Promise<ProbeResult> {
  const info = await probeInfo(file);
  return { durationMs: info.durationMs, videoCodec: info.videoCodec, width: info.width, height: info.height, formatName: info.formatName };
}

export interface FrameList {
  /** Presentation time of every video frame, ms from the first frame, ascending. */
  ptsMs: number[];
  /** Per frame (same order): a keyframe where a stream copy may start a part. */
  keyframes: boolean[];
  /** Per frame (same order): compressed size in bytes. */
  sizes: number[];
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
  durationMs: number;
}

/**
 * Every video frame's time, read from packets (no decoding: a 3-minute clip takes a fraction of a
 * second). Parts are cut on these frames so none is lost or repeated.
 */
export async function probeFrames(file: string): Promise<FrameList> {
  const [packets, info] = await Promise.all([
    runProbe(packetArgs(file)).catch((err: Error) => Promise.reject(new Error(`cannot read ${file} as video: ${err.message}`))),
    probeInfo(file),
  ]);
  const rows = parsePackets(packets);
  if (!info.hasVideo || rows.length === 0) throw new Error(`${file} has no video frames`);
  const t0 = rows[0]!.t;
  return {
    ...streamsOf(info),
    ptsMs: rows.map((r) => Math.round((r.t - t0) * 1e6) / 1000),
    // With B-frames a keyframe may not start a clean part (open GOP): then nothing is cut by copy.
    // MediaRecorder's H.264 has none, so its own keyframes are safe cut points.
    keyframes: rows.map((r, i) => r.key && (i === 0 || !info.bFrames)),
    sizes: rows.map((r) => r.size),
  };
}

/**
 * probeFrames without the per-frame lists (empty): for exports that never cut the clip ("Original"),
 * where listing every packet would only cost time.
 */
export async function probeStreams(file: string): Promise<FrameList> {
  const info = await probeInfo(file);
  if (!info.hasVideo) throw new Error(`${file} has no video stream`);
  return streamsOf(info);
}

function streamsOf(info: ProbeInfo): FrameList {
  return {
    ptsMs: [],
    keyframes: [],
    sizes: [],
    width: info.width ?? 0,
    height: info.height ?? 0,
    fps: info.fps,
    hasAudio: info.hasAudio,
    durationMs: info.durationMs,
  };
}

// Every ffmpeg and ffprobe call of PackWitness lives in this module: fluent-ffmpeg is archived
// upstream, so keeping it behind one small surface means it can be replaced in one place.
// Arguments are arrays (never a shell string) and each flag says why it is there.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
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
 *
 * `expectedMs` (how long the recording ran) lets the moov index be written into space reserved
 * at the front of the file in one pass. Plain +faststart writes the file and then rewrites all of
 * it to move the index forward: measured on a 5-minute 720p clip, 0.14–0.37 s against 0.09–0.14 s.
 */
export async function remuxToMp4(input: string, output: string, expectedMs?: number): Promise<void> {
  const common = [
    '-map', '0:v:0', // the camera picture is the evidence; always present
    '-map', '0:a:0?', // the microphone, only when the station records one
    '-c:v', 'copy', // no re-encode: fast, and the frames are exactly what was captured
    '-c:a', 'aac', // Opus-in-MP4 is not playable everywhere; AAC is
    '-avoid_negative_ts', 'make_zero', // the first frame at 0 s, so durations read the same everywhere
    '-f', 'mp4',
  ];
  const remux = (placement: string[]) =>
    run(
      command()
        .input(input)
        .inputOptions([
          // MediaRecorder's WebM has no cues; regenerate missing timestamps rather than fail on them.
          '-fflags', '+genpts',
        ])
        .outputOptions([...common, ...placement])
        .output(output),
      'remux to MP4',
    );
  if (expectedMs !== undefined && expectedMs > 0) {
    try {
      await remux([
        '-moov_size', String(reservedMoovBytes(expectedMs)),
        // ffmpeg writes the index over the first media bytes BEFORE finding the room too small, and
        // still exits 0 ("Error writing trailer"); -xerror makes that exit 1 so the fallback runs.
        '-xerror',
      ]);
      return;
    } catch {
      // The reservation was too small (a much longer file than the clock said): do it in two passes.
    }
  }
  // moov before mdat: players and browsers start at once and can seek.
  await remux(['-movflags', '+faststart']);
}

/** Room for the MP4 index: ~24 bytes per video frame at up to 60 fps plus audio packets, with margin. */
export function reservedMoovBytes(expectedMs: number): number {
  const seconds = Math.ceil(expectedMs / 1000) + 5;
  return 16_384 + seconds * (60 + 50) * 24;
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

/**
 * Streams the luma of a horizontal strip of every frame (for reading the burned-in frame
 * counter). Only the strip is converted and piped, so a 5-minute 720p clip reads in seconds.
 */
export function grayStrip(
  file: string,
  width: number,
  top: number,
  height: number,
  onFrame: (strip: Uint8Array) => void,
  opts: { background?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const frameBytes = width * height;
    let pending: Buffer = Buffer.alloc(0);
    // background: the station's own read-back of a finished clip runs beside live recording, so it
    // yields the CPU (niceness 10) and decodes on one thread.
    const cmd = (opts.background ? niceCommand() : command())
      .input(file)
      .inputOptions(opts.background ? ['-threads', '1'] : [])
      .outputOptions([
        '-vf', `crop=${width}:${height}:0:${top}`, // just the overlay band
        '-vsync', 'passthrough', // one output frame per decoded frame: no duplicates, no drops
        '-f', 'rawvideo',
        '-pix_fmt', 'gray', // luma only: the counter is black/white blocks
      ])
      .on('error', (err: Error) => reject(new Error(`reading frames of ${file} failed: ${err.message}`)));
    const out = cmd.pipe();
    // A station shutting down does not wait for a long clip's read-back (it is done again at
    // start), nor does retention deleting the clip. The promise rejects through the 'error' event,
    // once ffmpeg has exited and closed the file.
    const abort = (): void => {
      cmd.kill('SIGKILL');
    };
    cmd.on('start', () => {
      if (opts.signal?.aborted) abort(); // stopped before the process existed
    });
    opts.signal?.addEventListener('abort', abort, { once: true });
    out.on('close', () => opts.signal?.removeEventListener('abort', abort));
    out.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        onFrame(new Uint8Array(pending.buffer, pending.byteOffset, frameBytes));
        pending = pending.subarray(frameBytes);
      }
    });
    out.on('end', () => resolve());
    out.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Exports (electron/engine/export/). Exports run beside live recording on 2-core stations, so
// every export process is started with niceness 10 (the recorder always wins the CPU) and with
// a bounded thread count.

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

let niceFound: boolean | undefined;

/**
 * Whether `nice` can be run. fluent-ffmpeg starts `nice -n 10 ffmpeg …` on POSIX systems, and when
 * `nice` is missing its spawn-error path throws where nothing can catch it, ending the station's
 * process; a trimmed PATH (a packed desktop app, a service) must give a plain ffmpeg instead.
 */
function canNice(): boolean {
  if (niceFound === undefined) {
    niceFound =
      process.platform === 'win32' ||
      (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && fs.existsSync(path.join(dir, 'nice')));
  }
  return niceFound;
}

function niceCommand(): ffmpeg.FfmpegCommand {
  const b = binaries();
  // niceness: fluent-ffmpeg runs `nice -n 10 ffmpeg ...` (ignored on Windows).
  return ffmpeg(canNice() ? { niceness: 10 } : {}).setFfmpegPath(b.ffmpeg).setFfprobePath(b.ffprobe);
}

/** Runs an export command with progress, cancellable through the signal (the process is killed). */
function runControlled(cmd: ffmpeg.FfmpegCommand, what: string, ctl: RunControl): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ctl.signal?.aborted) return reject(new ExportCancelled());
    let tail = '';
    const state: ProgressState = { pending: {} };
    const abort = (): void => {
      cmd.kill('SIGKILL');
    };
    ctl.signal?.addEventListener('abort', abort, { once: true });
    cmd
      .on('stderr', (line: string) => {
        const sample = parseProgressLine(state, line);
        if (sample) ctl.onSample?.(sample);
        else if (!/^[a-z_]+=/.test(line)) tail = (tail + '\n' + line).slice(-2000);
      })
      .on('error', (err: Error) => {
        ctl.signal?.removeEventListener('abort', abort);
        if (ctl.signal?.aborted) reject(new ExportCancelled());
        else reject(new Error(`${what} failed: ${err.message}${tail ? `\n${tail.trim()}` : ''}`));
      })
      .on('end', () => {
        ctl.signal?.removeEventListener('abort', abort);
        resolve();
      })
      .run();
  });
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
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

function execProbe(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    // ffprobe's packet listing has no fluent-ffmpeg equivalent; same binary, arguments as an array.
    execFile(binaries().ffprobe, args, { maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`cannot read video: ${String(stderr || err.message).split('\n')[0]}`));
      else resolve(stdout);
    });
  });
}

/**
 * Every video frame's time, read from packets (no decoding: a 3-minute clip takes a fraction of a
 * second). Parts are cut on these frames so none is lost or repeated.
 */
export async function probeFrames(file: string): Promise<FrameList> {
  const [packets, streams] = await Promise.all([
    // ffprobe prints the fields in its own order: pts_time, size, flags.
    execProbe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size,flags', '-of', 'csv=p=0', file]),
    probeStreamsJson(file),
  ]);
  const rows = packets
    .split('\n')
    .map((l) => l.split(','))
    .map(([t, size, flags]) => ({ t: Number.parseFloat(t ?? ''), size: Number(size) || 0, key: (flags ?? '').startsWith('K') }))
    .filter((r) => Number.isFinite(r.t))
    .sort((a, b) => a.t - b.t);
  const pts = rows.map((r) => r.t);
  const info = JSON.parse(streams) as {
    streams: { codec_type: string; width?: number; height?: number; avg_frame_rate?: string; has_b_frames?: number }[];
    format: { duration?: string };
  };
  const v = info.streams.find((s) => s.codec_type === 'video');
  if (!v || pts.length === 0) throw new Error(`${file} has no video frames`);
  const [num, den] = (v.avg_frame_rate ?? '30/1').split('/').map(Number);
  const fps = num && den ? num / den : 30;
  const t0 = pts[0]!;
  return {
    ptsMs: pts.map((t) => Math.round((t - t0) * 1e6) / 1000),
    // With B-frames a keyframe may not start a clean part (open GOP): then nothing is cut by copy.
    // MediaRecorder's H.264 has none, so its own keyframes are safe cut points.
    keyframes: rows.map((r, i) => r.key && (i === 0 || !v.has_b_frames)),
    sizes: rows.map((r) => r.size),
    width: v.width ?? 0,
    height: v.height ?? 0,
    fps: Number.isFinite(fps) && fps > 0 ? fps : 30,
    hasAudio: info.streams.some((s) => s.codec_type === 'audio'),
    durationMs: Math.round(Number(info.format.duration ?? 0) * 1000),
  };
}

function probeStreamsJson(file: string): Promise<string> {
  return execProbe(['-v', 'error', '-show_entries', 'stream=codec_type,width,height,avg_frame_rate,has_b_frames:format=duration', '-of', 'json', file]);
}

/**
 * probeFrames without the per-frame lists (empty): for exports that never cut the clip ("Original"),
 * where listing every packet would only cost time.
 */
export async function probeStreams(file: string): Promise<FrameList> {
  const info = JSON.parse(await probeStreamsJson(file)) as {
    streams: { codec_type: string; width?: number; height?: number; avg_frame_rate?: string }[];
    format: { duration?: string };
  };
  const v = info.streams.find((s) => s.codec_type === 'video');
  if (!v) throw new Error(`${file} has no video stream`);
  const [num, den] = (v.avg_frame_rate ?? '30/1').split('/').map(Number);
  const fps = num && den ? num / den : 30;
  return {
    ptsMs: [],
    keyframes: [],
    sizes: [],
    width: v.width ?? 0,
    height: v.height ?? 0,
    fps: Number.isFinite(fps) && fps > 0 ? fps : 30,
    hasAudio: info.streams.some((s) => s.codec_type === 'audio'),
    durationMs: Math.round(Number(info.format.duration ?? 0) * 1000),
  };
}

export interface EncodeSpec {
  input: string;
  /** Source frames [firstFrame, endFrame) go into the export; both in source frame numbers. */
  firstFrame: number;
  endFrame: number;
  /** Source times of those frames, for the audio trim. */
  startMs: number;
  endMs: number;
  /** Split points in frames counted from firstFrame; empty = one file. */
  splitAt: number[];
  /** With splitAt: a pattern with %d (1-based); without: the file. */
  output: string;
  speed: number;
  videoBps: number;
  maxrateBps: number;
  bufsizeBits: number;
  audioBps: number;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
  fps: number;
  threads: number;
  /** Parts cut from the original's packets at its keyframes: nothing re-encoded. */
  streamCopy?: boolean;
}

/** Splits the whole clip at keyframes without re-encoding: every frame is the original's, bit for bit. */
async function splitCopy(spec: EncodeSpec, ctl: RunControl): Promise<void> {
  const cmd = niceCommand()
    .input(spec.input)
    .outputOptions([
      '-map', '0:v:0', // the camera picture, as recorded
      '-map', '0:a:0?', // the station's microphone when it has one
      '-c', 'copy', // no re-encode: the packets are the signed original's
      '-f', 'segment',
      '-segment_frames', spec.splitAt.join(','), // these frame numbers are keyframes: exact cuts
      '-segment_start_number', '1', // part1, part2, ... as a person counts
      '-reset_timestamps', '1', // each part starts at 0 s
      '-segment_format', 'mp4',
      '-segment_format_options', 'movflags=+faststart', // faststart inside every part
      '-progress', 'pipe:2', '-nostats', // progress for the bar
    ])
    .output(spec.output);
  await runControlled(cmd, 'export split', ctl);
}

/**
 * Re-encodes a range of a clip to H.264 MP4 (faststart), optionally as consecutive parts cut at
 * exact frames. The burned-in overlay is in the pixels and stays.
 */
export async function encodeExport(spec: EncodeSpec, ctl: RunControl = {}): Promise<void> {
  if (spec.streamCopy) return splitCopy(spec, ctl);
  const filters: string[] = [];
  const trimmed = spec.firstFrame > 0;
  // trim by frame number is exact whatever the frame timing; setpts makes the export start at 0.
  filters.push(`trim=start_frame=${spec.firstFrame}:end_frame=${spec.endFrame}`, 'setpts=PTS-STARTPTS');
  if (spec.speed !== 1) filters.push(`setpts=PTS/${spec.speed}`); // marked as an edit by the caller
  if (spec.width !== spec.sourceWidth || spec.height !== spec.sourceHeight) filters.push(`scale=${spec.width}:${spec.height}`);
  filters.push('format=yuv420p'); // the only pixel format every phone and browser decodes
  const audio = spec.audioBps > 0;
  const out: string[] = [
    '-map', '0:v:0', // the camera picture, burned-in overlay included
    ...(audio ? ['-map', '0:a:0?'] : ['-an']), // the station's microphone when it has one; none when sped up
    '-vf', filters.join(','),
    ...(spec.speed === 1
      ? ['-vsync', 'passthrough'] // every source frame once, with its own time: no frame dropped or doubled
      : ['-r', String(Math.round(spec.fps)), '-vsync', 'cfr']), // sped up: keep a normal frame rate, drop the surplus
    '-c:v', 'libx264',
    '-preset', 'superfast', // ~10x realtime at 720p on 2 idle cores; at the fitted bitrates the label stays legible
    '-profile:v', 'high',
    '-b:v', String(spec.videoBps), // average that fits the channel's size limit
    '-maxrate', String(spec.maxrateBps), // VBV cap: bounds the size whatever the content
    '-bufsize', String(spec.bufsizeBits),
    '-threads', String(spec.threads), // leave headroom for the recorder on small stations
    '-movflags', '+faststart', // moov before mdat: platforms' players start at once
  ];
  if (audio) {
    out.push('-c:a', 'aac', '-b:a', String(spec.audioBps)); // AAC plays everywhere
    if (trimmed || spec.endMs > 0) {
      out.push('-af', `atrim=start=${(spec.startMs / 1000).toFixed(6)}:end=${(spec.endMs / 1000).toFixed(6)},asetpts=PTS-STARTPTS`);
    }
  }
  if (spec.splitAt.length) {
    out.push(
      // A forced IDR frame at each split: every part decodes on its own, from its first frame.
      '-force_key_frames', `expr:${spec.splitAt.map((n) => `eq(n,${n})`).join('+')}`,
      '-forced-idr', '1',
      '-f', 'segment',
      '-segment_frames', spec.splitAt.join(','), // split exactly at these frame numbers
      '-segment_start_number', '1', // part1, part2, ... as a person counts
      '-reset_timestamps', '1', // each part starts at 0 s
      '-segment_format', 'mp4',
      '-segment_format_options', 'movflags=+faststart', // faststart inside every part
    );
  } else {
    out.push('-f', 'mp4');
  }
  out.push('-progress', 'pipe:2', '-nostats'); // machine-readable progress for the progress bar
  const cmd = niceCommand().input(spec.input).outputOptions(out).output(spec.output);
  await runControlled(cmd, 'export encode', ctl);
}

/** Escapes a value for an ffmpeg filter option (file paths of fonts and caption text files). */
export function filterValue(v: string): string {
  return v.replace(/\\/g, '/').replace(/[:'\\,;[\]]/g, (c) => `\\${c}`);
}

export interface StillSpec {
  input: string;
  atMs: number;
  output: string;
  /** Caption drawn in a white band under the picture (from a text file: no escaping of the text). */
  captionFile: string | null;
  fontFile: string | null;
  /** JPEG quality, 2 (best) .. 31. */
  quality: number;
  /** Output height; null = the clip's own. */
  height: number | null;
  /** The clip's own height, to size the caption band. */
  sourceHeight: number;
  /** Band height and font size worked out from the caption's text (export/caption.ts); the file holds its lines. */
  caption?: { band: number; fontSize: number };
  /** Only this part of the frame ([x, y, w, h] fractions, the frame's proportions), scaled up to the output height. */
  crop?: readonly [number, number, number, number] | null;
  /** The clip's own width: a zoomed still is scaled to exactly the size the whole frame's still would have. */
  sourceWidth?: number;
}

/** One frame of the clip as JPEG: the clip's own pixels, so the burned-in code and time are in it. */
export async function extractStill(spec: StillSpec, ctl: RunControl = {}): Promise<void> {
  const filters: string[] = [];
  if (spec.crop) {
    const [x, y, w, h] = spec.crop.map((v) => v.toFixed(4));
    // Even sizes for yuv420; the zoomed part is scaled back to the still's height so its caption fits as on the others.
    filters.push(`crop=trunc(iw*${w}/2)*2:trunc(ih*${h}/2)*2:trunc(iw*${x}/2)*2:trunc(ih*${y}/2)*2`, spec.sourceWidth ? `scale=${Math.round((spec.sourceWidth * (spec.height ?? spec.sourceHeight)) / spec.sourceHeight / 2) * 2}:${spec.height ?? spec.sourceHeight}:flags=lanczos` : `scale=-2:${spec.height ?? spec.sourceHeight}:flags=lanczos`);
  } else if (spec.height) filters.push(`scale=-2:${spec.height}`);
  if (spec.captionFile) {
    const font = spec.fontFile ? `fontfile=${filterValue(spec.fontFile)}:` : '';
    // Legible on small clips too: the band is at least 40 px, the text half of it.
    const band = spec.caption?.band ?? Math.max(40, Math.round((spec.height ?? spec.sourceHeight) / 9));
    const size = spec.caption?.fontSize ?? Math.round(band * 0.5);
    const top = spec.caption ? 5 : Math.round((band - size) / 2);
    filters.push(
      `pad=iw:ih+${band}:0:0:color=white`, // a band below the picture: the label never hides evidence
      `drawtext=${font}textfile=${filterValue(spec.captionFile)}:expansion=none:fontcolor=black:fontsize=${size}:x=10:y=h-${band}+${top}`,
    );
  }
  const cmd = niceCommand()
    .input(spec.input)
    .inputOptions(['-ss', (spec.atMs / 1000).toFixed(3)]) // input seek: frame-accurate when decoding, fast
    .outputOptions([
      '-frames:v', '1',
      ...(filters.length ? ['-vf', filters.join(',')] : []),
      '-q:v', String(spec.quality), // JPEG quality; the caller lowers it until the file fits the channel
      '-pix_fmt', 'yuvj420p', // baseline JPEG every uploader accepts
      '-f', 'image2',
    ])
    .output(spec.output);
  await runControlled(cmd, 'still', ctl);
}

export interface SheetImageSpec {
  width: number;
  height: number;
  /** Background, QR and frames are drawn in this order. */
  qr: { file: string; x: number; y: number; size: number };
  frames: { file: string; x: number; y: number; w: number; h: number }[];
  texts: { file: string; x: number; y: number; size: number; bold?: boolean }[];
  fontFile: string | null;
  output: string;
  /** Also the same page as a JPEG (for the PDF), from the same render instead of decoding the PNG again. */
  jpeg?: { output: string; quality: number };
}

/** Composes the evidence sheet as one PNG: text from files, the QR code and key frames as images. */
export async function renderSheetImage(spec: SheetImageSpec): Promise<void> {
  const cmd = niceCommand().input(`color=c=white:s=${spec.width}x${spec.height}:d=1`).inputFormat('lavfi'); // blank page
  cmd.input(spec.qr.file);
  for (const f of spec.frames) cmd.input(f.file);
  const graph: string[] = [];
  // neighbor scaling keeps the QR modules sharp for any reader.
  graph.push(`[1:v]scale=${spec.qr.size}:${spec.qr.size}:flags=neighbor[qr]`, `[0:v][qr]overlay=${spec.qr.x}:${spec.qr.y}[s0]`);
  let last = 's0';
  spec.frames.forEach((f, i) => {
    graph.push(
      // Fit inside the cell keeping the aspect ratio, centred (overlay's w/h are the frame's size).
      `[${i + 2}:v]scale=${f.w}:${f.h}:force_original_aspect_ratio=decrease[f${i}]`,
      `[${last}][f${i}]overlay=x=${f.x}+(${f.w}-w)/2:y=${f.y}+(${f.h}-h)/2[s${i + 1}]`,
    );
    last = `s${i + 1}`;
  });
  const font = spec.fontFile ? `fontfile=${filterValue(spec.fontFile)}:` : '';
  const texts = spec.texts.map(
    (t) => `drawtext=${font}textfile=${filterValue(t.file)}:expansion=none:fontcolor=black:fontsize=${t.size}:line_spacing=${Math.round(t.size * 0.45)}:x=${t.x}:y=${t.y}${t.bold ? ':borderw=1:bordercolor=black' : ''}`,
  );
  graph.push(`[${last}]${texts.length ? texts.join(',') : 'null'}${spec.jpeg ? ',split=2[out][outj]' : '[out]'}`);
  cmd.complexFilter(graph.join(';')).output(spec.output).outputOptions([
    '-map', '[out]', // the composed page
    '-frames:v', '1', // one page
    '-f', 'image2',
  ]);
  if (spec.jpeg) {
    cmd.output(spec.jpeg.output).outputOptions([
      '-map', '[outj]', // the same page
      '-frames:v', '1',
      '-q:v', String(spec.jpeg.quality), // first try; imageToJpeg lowers it when the PDF must be smaller
      '-pix_fmt', 'yuvj420p', // as imageToJpeg: full-range chroma, as a photo viewer expects
      '-f', 'image2',
    ]);
  }
  await runControlled(cmd, 'evidence sheet', {});
}

/** The sheet as a compact JPEG for the PDF (a PNG of photos would make the PDF several MB). */
export async function imageToJpeg(input: string, output: string, quality: number): Promise<void> {
  const cmd = niceCommand().input(input).outputOptions([
    '-frames:v', '1',
    '-q:v', String(quality), // lowered by the caller until the PDF fits the channel
    '-pix_fmt', 'yuvj420p', // keeps chroma at full range, as a photo viewer expects
    '-f', 'image2',
  ]).output(output);
  await runControlled(cmd, 'sheet JPEG', {});
}

/** Several frames of one clip as JPEGs in one process (the sheet's key frames): one seek per frame. */
export async function extractFrames(input: string, atMs: number[], outputs: string[], height: number, ctl: RunControl = {}): Promise<void> {
  const cmd = niceCommand();
  for (const t of atMs) {
    cmd.input(input).inputOptions([
      '-ss', (t / 1000).toFixed(3), // input seek: accurate and fast
      '-threads', '1', // a few frames per decoder: one thread each halves the CPU time of 9 decoders
    ]);
  }
  outputs.forEach((out, i) => {
    cmd.output(out).outputOptions([
      '-map', `${i}:v:0`, // the frame of the i-th seek
      '-frames:v', '1',
      '-vf', `scale=-2:${height}`, // sheet cell size; the burned-in text stays readable
      '-q:v', '3', // near-lossless JPEG: the sheet is evidence
      '-f', 'image2',
    ]);
  });
  await runControlled(cmd, 'key frames', ctl);
}

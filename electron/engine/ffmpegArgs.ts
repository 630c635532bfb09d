// The argument lists of every ffmpeg and ffprobe call, built by pure functions so each one has a
// table test (test/unit/ffmpegArgs.test.ts). Every flag says why it is there. ffmpeg.ts runs them.
// The option lists are prettier-ignore: a flag and its value stay on one line with their reason.

/** One input of an ffmpeg run: its options go before its `-i`. */
export interface FfmpegInput {
  file: string;
  options: string[];
}

/** One output of an ffmpeg run; file null streams raw bytes to stdout (grayStrip). */
export interface FfmpegOutput {
  file: string | null;
  options: string[];
}

export interface FfmpegJob {
  inputs: FfmpegInput[];
  outputs: FfmpegOutput[];
  complexFilter?: string;
  /**
   * Runs at niceness 10: exports and the station's own read-back run beside live recording on
   * 2-core stations, and the recorder must always win the CPU.
   */
  background: boolean;
}

/** The part of the remux after the common options: how the MP4 index gets to the front. */
export type MoovPlacement = { reserveBytes: number } | 'faststart';

/**
 * MediaRecorder WebM (H.264 inside, no duration, no cues) to an MP4 that plays everywhere, without
 * re-encoding: the picture, overlay included, stays bit-identical.
 */
export function remuxJob(input: string, output: string, placement: MoovPlacement): FfmpegJob {
  return {
    background: false,
    inputs: [
      {
        file: input,
        // MediaRecorder's WebM has no cues; regenerate missing timestamps rather than fail on them.
        options: ['-fflags', '+genpts'],
      },
    ],
    outputs: [
      {
        file: output,
        // prettier-ignore
        options: [
          '-map', '0:v:0', // the camera picture is the evidence; always present
          '-map', '0:a:0?', // the microphone, only when the station records one
          '-c:v', 'copy', // no re-encode: fast, and the frames are exactly what was captured
          '-c:a', 'aac', // Opus-in-MP4 is not playable everywhere; AAC is
          '-avoid_negative_ts', 'make_zero', // the first frame at 0 s, so durations read the same everywhere
          '-f', 'mp4',
          ...(placement === 'faststart'
            ? ['-movflags', '+faststart'] // moov before mdat: players and browsers start at once and can seek
            : [
                '-moov_size', String(placement.reserveBytes), // the index written into room reserved at the front: one pass
                // ffmpeg writes the index over the first media bytes BEFORE finding the room too small, and
                // still exits 0 ("Error writing trailer"); -xerror makes that exit 1 so the fallback runs.
                '-xerror',
              ]),
        ],
      },
    ],
  };
}

/** Room for the MP4 index: ~24 bytes per video frame at up to 60 fps plus audio packets, with margin. */
export function reservedMoovBytes(expectedMs: number): number {
  const seconds = Math.ceil(expectedMs / 1000) + 5;
  return 16_384 + seconds * (60 + 50) * 24;
}

/** A small JPEG for result lists. */
export function thumbnailJob(input: string, output: string, atMs: number): FfmpegJob {
  return {
    background: false,
    inputs: [{ file: input, options: ['-ss', seconds(atMs)] }], // seek before decoding: only one frame is decoded
    outputs: [
      {
        file: output,
        // prettier-ignore
        options: [
          '-frames:v', '1',
          '-vf', 'scale=320:-2', // list size; -2 keeps the height even for the JPEG encoder
          '-q:v', '5', // good enough for a thumbnail, ~15 kB
          '-f', 'image2',
        ],
      },
    ],
  };
}

/** The luma of a horizontal strip of every frame, as raw bytes on stdout (the burned-in frame counter). */
export function grayStripJob(file: string, width: number, top: number, height: number, background: boolean): FfmpegJob {
  return {
    background,
    // In the background (beside live recording) it decodes on one thread.
    inputs: [{ file, options: background ? ['-threads', '1'] : [] }],
    outputs: [
      {
        file: null,
        // prettier-ignore
        options: [
          '-vf', `crop=${width}:${height}:0:${top}`, // just the overlay band
          '-vsync', 'passthrough', // one output frame per decoded frame: no duplicates, no drops
          '-f', 'rawvideo',
          '-pix_fmt', 'gray', // luma only: the counter is black/white blocks
        ],
      },
    ],
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

// prettier-ignore
const PROGRESS = ['-progress', 'pipe:2', '-nostats']; // machine-readable progress for the progress bar

/** Splits the whole clip at keyframes without re-encoding: every frame is the original's, bit for bit. */
export function splitCopyJob(spec: EncodeSpec): FfmpegJob {
  return {
    background: true,
    inputs: [{ file: spec.input, options: [] }],
    outputs: [
      {
        file: spec.output,
        // prettier-ignore
        options: [
          '-map', '0:v:0', // the camera picture, as recorded
          '-map', '0:a:0?', // the station's microphone when it has one
          '-c', 'copy', // no re-encode: the packets are the signed original's
          '-f', 'segment',
          '-segment_frames', spec.splitAt.join(','), // these frame numbers are keyframes: exact cuts
          ...SEGMENTS,
          ...PROGRESS,
        ],
      },
    ],
  };
}

// prettier-ignore
const SEGMENTS = [
  '-segment_start_number', '1', // part1, part2, ... as a person counts
  '-reset_timestamps', '1', // each part starts at 0 s
  '-segment_format', 'mp4',
  '-segment_format_options', 'movflags=+faststart', // faststart inside every part
];

/**
 * Re-encodes a range of a clip to H.264 MP4 (faststart), optionally as consecutive parts cut at
 * exact frames. The burned-in overlay is in the pixels and stays. streamCopy: splitCopyJob.
 */
export function encodeJob(spec: EncodeSpec): FfmpegJob {
  if (spec.streamCopy) return splitCopyJob(spec);
  const filters: string[] = [];
  const trimmed = spec.firstFrame > 0;
  // trim by frame number is exact whatever the frame timing; setpts makes the export start at 0.
  filters.push(`trim=start_frame=${spec.firstFrame}:end_frame=${spec.endFrame}`, 'setpts=PTS-STARTPTS');
  if (spec.speed !== 1) filters.push(`setpts=PTS/${spec.speed}`); // marked as an edit by the caller
  if (spec.width !== spec.sourceWidth || spec.height !== spec.sourceHeight) filters.push(`scale=${spec.width}:${spec.height}`);
  filters.push('format=yuv420p'); // the only pixel format every phone and browser decodes
  const audio = spec.audioBps > 0;
  // prettier-ignore
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
    // prettier-ignore
    out.push(
      // A forced IDR frame at each split: every part decodes on its own, from its first frame.
      '-force_key_frames', `expr:${spec.splitAt.map((n) => `eq(n,${n})`).join('+')}`,
      '-forced-idr', '1',
      '-f', 'segment',
      '-segment_frames', spec.splitAt.join(','), // split exactly at these frame numbers
      ...SEGMENTS,
    );
  } else {
    out.push('-f', 'mp4');
  }
  out.push(...PROGRESS);
  return { background: true, inputs: [{ file: spec.input, options: [] }], outputs: [{ file: spec.output, options: out }] };
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
}

/** One frame of the clip as JPEG: the clip's own pixels, so the burned-in code and time are in it. */
export function stillJob(spec: StillSpec): FfmpegJob {
  const filters: string[] = [];
  if (spec.height) filters.push(`scale=-2:${spec.height}`);
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
  return {
    background: true,
    inputs: [{ file: spec.input, options: ['-ss', seconds(spec.atMs)] }], // input seek: frame-accurate when decoding, fast
    outputs: [
      {
        file: spec.output,
        // prettier-ignore
        options: [
          '-frames:v', '1',
          ...(filters.length ? ['-vf', filters.join(',')] : []),
          '-q:v', String(spec.quality), // JPEG quality; the caller lowers it until the file fits the channel
          '-pix_fmt', 'yuvj420p', // baseline JPEG every uploader accepts
          '-f', 'image2',
        ],
      },
    ],
  };
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
export function sheetImageJob(spec: SheetImageSpec): FfmpegJob {
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
    (t) =>
      `drawtext=${font}textfile=${filterValue(t.file)}:expansion=none:fontcolor=black:fontsize=${t.size}:line_spacing=${Math.round(t.size * 0.45)}:x=${t.x}:y=${t.y}${t.bold ? ':borderw=1:bordercolor=black' : ''}`,
  );
  graph.push(`[${last}]${texts.length ? texts.join(',') : 'null'}${spec.jpeg ? ',split=2[out][outj]' : '[out]'}`);
  const outputs: FfmpegOutput[] = [
    {
      file: spec.output,
      // prettier-ignore
      options: [
        '-map', '[out]', // the composed page
        '-frames:v', '1', // one page
        '-f', 'image2',
      ],
    },
  ];
  if (spec.jpeg) {
    outputs.push({
      file: spec.jpeg.output,
      // prettier-ignore
      options: [
        '-map', '[outj]', // the same page
        '-frames:v', '1',
        '-q:v', String(spec.jpeg.quality), // first try; imageToJpeg lowers it when the PDF must be smaller
        '-pix_fmt', 'yuvj420p', // as imageToJpeg: full-range chroma, as a photo viewer expects
        '-f', 'image2',
      ],
    });
  }
  return {
    background: true,
    inputs: [
      { file: `color=c=white:s=${spec.width}x${spec.height}:d=1`, options: ['-f', 'lavfi'] }, // blank page
      { file: spec.qr.file, options: [] },
      ...spec.frames.map((f) => ({ file: f.file, options: [] })),
    ],
    complexFilter: graph.join(';'),
    outputs,
  };
}

/** The sheet as a compact JPEG for the PDF (a PNG of photos would make the PDF several MB). */
export function imageToJpegJob(input: string, output: string, quality: number): FfmpegJob {
  return {
    background: true,
    inputs: [{ file: input, options: [] }],
    outputs: [
      {
        file: output,
        // prettier-ignore
        options: [
          '-frames:v', '1',
          '-q:v', String(quality), // lowered by the caller until the PDF fits the channel
          '-pix_fmt', 'yuvj420p', // keeps chroma at full range, as a photo viewer expects
          '-f', 'image2',
        ],
      },
    ],
  };
}

/** Several frames of one clip as JPEGs in one process (the sheet's key frames): one seek per frame. */
export function framesJob(input: string, atMs: number[], outputs: string[], height: number): FfmpegJob {
  return {
    background: true,
    inputs: atMs.map((t) => ({
      file: input,
      // prettier-ignore
      options: [
        '-ss', seconds(t), // input seek: accurate and fast
        '-threads', '1', // a few frames per decoder: one thread each halves the CPU time of 9 decoders
      ],
    })),
    outputs: outputs.map((out, i) => ({
      file: out,
      // prettier-ignore
      options: [
        '-map', `${i}:v:0`, // the frame of the i-th seek
        '-frames:v', '1',
        '-vf', `scale=-2:${height}`, // sheet cell size; the burned-in text stays readable
        '-q:v', '3', // near-lossless JPEG: the sheet is evidence
        '-f', 'image2',
      ],
    })),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// ---------------------------------------------------------------------------------------------
// ffprobe: one reading of streams and format serves probe(), probeStreams() and probeFrames().

/** Streams and format as JSON: everything any caller reads, in one small reading. */
export function probeArgs(file: string): string[] {
  // prettier-ignore
  return [
    '-v', 'error', // only a real failure on stderr: it becomes the error message
    '-show_entries', 'stream=codec_type,codec_name,width,height,avg_frame_rate,has_b_frames,duration:format=duration,format_name',
    '-of', 'json',
    file,
  ];
}

/** Every video packet's time, size and flags, without decoding (fast even on long clips). */
export function packetArgs(file: string): string[] {
  // prettier-ignore
  return [
    '-v', 'error',
    '-select_streams', 'v:0', // the camera picture; audio packets do not cut parts
    '-show_entries', 'packet=pts_time,size,flags', // ffprobe prints them in its own order: pts_time, size, flags
    '-of', 'csv=p=0',
    file,
  ];
}

export interface ProbeInfo {
  durationMs: number;
  videoCodec: string | null;
  width: number | null;
  height: number | null;
  fps: number;
  hasAudio: boolean;
  hasVideo: boolean;
  /** With B-frames a keyframe may not start a clean part (open GOP). */
  bFrames: boolean;
  formatName: string;
}

/** Reads probeArgs' JSON. Pure, so it has table tests. */
export function parseProbe(json: string): ProbeInfo {
  const info = JSON.parse(json) as {
    streams?: {
      codec_type?: string;
      codec_name?: string;
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      has_b_frames?: number;
      duration?: string;
    }[];
    format?: { duration?: string; format_name?: string };
  };
  const streams = info.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const duration = Number(info.format?.duration ?? v?.duration ?? 0);
  const [num, den] = (v?.avg_frame_rate ?? '30/1').split('/').map(Number);
  const fps = num && den ? num / den : 30;
  return {
    durationMs: Number.isFinite(duration) ? Math.round(duration * 1000) : 0,
    videoCodec: v?.codec_name ?? null,
    width: v?.width ?? null,
    height: v?.height ?? null,
    fps: Number.isFinite(fps) && fps > 0 ? fps : 30,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    hasVideo: v !== undefined,
    bFrames: Boolean(v?.has_b_frames),
    formatName: info.format?.format_name ?? '',
  };
}

export interface Packet {
  t: number;
  size: number;
  key: boolean;
}

/** Reads packetArgs' CSV, in presentation order. Pure, so it has table tests. */
export function parsePackets(csv: string): Packet[] {
  return csv
    .split('\n')
    .map((l) => l.split(','))
    .map(([t, size, flags]) => ({ t: Number.parseFloat(t ?? ''), size: Number(size) || 0, key: (flags ?? '').startsWith('K') }))
    .filter((r) => Number.isFinite(r.t))
    .sort((a, b) => a.t - b.t);
}

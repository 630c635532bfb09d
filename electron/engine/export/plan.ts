// Pure planning of an export: which frames go in which part, what bitrate and picture size fit the
// channel's limits, and what size to expect. No I/O here, so every rule has a table test.
//
// Fit without re-encoding first. A clip that already fits is exported as the signed original
// itself (same SHA-256). A clip that fits only in length-limited pieces is cut at its own keyframes
// with a stream copy when every piece stays under the size limit: every frame is the original's,
// bit for bit. Only when that is impossible is anything re-encoded.
//
// Exactness. Re-encoded parts are cut on frame boundaries chosen from the clip's real frame list
// (ffprobe packets), the encoder is told to start a keyframe at each boundary frame, and the
// segment muxer splits at exactly those frame numbers with timestamps passed through: the parts'
// frames laid end to end are the original's frames, none missing or repeated. "Original" never
// splits or trims: a stream copy can only cut at keyframes (MediaRecorder makes few), which would
// either lose or repeat frames; Original is the signed file byte for byte, or nothing.
import type { ChannelPreset, ExportForm } from './presets.ts';
import type { FitMode } from '../../../shared/contract/export.ts';
import type { LabelStill } from '../labels.ts';
import { clipTimeLabel } from '../../../shared/labelRules.ts';

export type { FitMode };

export interface SourceInfo {
  durationMs: number;
  sizeBytes: number;
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
  /** Presentation times of every video frame in ms, ascending. Without it, frames are assumed even. */
  framePtsMs?: number[];
  /** Per frame: may a stream copy start a part here (an IDR keyframe)? */
  keyframes?: boolean[];
  /** Per frame: compressed bytes. */
  frameBytes?: number[];
}

export interface RangeMs {
  startMs: number;
  endMs: number;
}

export interface PlanOptions {
  form?: ExportForm;
  fit?: FitMode;
  /** Trim the clip to this range first (only its start and end move; nothing inside is cut). */
  range?: RangeMs | null;
  /** Times of the stills, chosen on the timeline; automatic picks when absent. */
  stillsAtMs?: number[] | null;
  stillCount?: number;
  /** The camera's read of the label (labels.ts labelStillOf): shown zoomed as the first still. */
  labelStill?: LabelStill | null;
  /** Bytes of one of this clip's frames as a best-quality JPEG at full size (measured): what its stills weigh. */
  stillSampleBytes?: number | null;
}

export interface PartPlan {
  index: number; // 1-based
  count: number;
  /** Frames [firstFrame, endFrame) of the source, 0-based. */
  firstFrame: number;
  endFrame: number;
  startMs: number; // source time of the first frame
  endMs: number; // source time where the last frame ends
  /** Duration of the output file (after any speed change). */
  outDurationMs: number;
  expectedBytes: number;
}

export interface EncodePlan {
  form: 'encode';
  /** Try cutting the original's packets at these (keyframe) boundaries first; re-encode if a part is over. */
  streamCopy: boolean;
  parts: PartPlan[];
  speed: number; // 1 = unchanged
  videoBps: number;
  maxrateBps: number;
  bufsizeBits: number;
  audioBps: number; // 0 = no audio in the export
  width: number;
  height: number;
  fps: number;
  maxBytes: number | null;
  expectedBytes: number;
  /** What a reviewer must be told: each entry is marked in file names, sheet and custody. */
  edits: string[];
  warnings: string[];
}

export interface CopyPlan {
  form: 'copy';
  expectedBytes: number;
  edits: string[];
  warnings: string[];
}

export interface StillsPlan {
  form: 'stills';
  atMs: number[];
  /** The frame where the camera read the label, zoomed on it, before the stills at atMs; null = none. */
  label: LabelStill | null;
  maxImageBytes: number;
  maxPdfBytes: number | null;
  expectedBytes: number;
  edits: string[];
  warnings: string[];
}

export type ExportPlan = EncodePlan | CopyPlan | StillsPlan;

export class PlanError extends Error {}

/** Kept below every duration limit: players and platforms round durations differently. */
export const DURATION_MARGIN_MS = 500;
/** Kept below every size limit: ABR overshoot that the VBV cap does not absorb. */
export const SIZE_MARGIN = 0.94;
/** MP4 headers, moov index and faststart padding of a short clip. */
export const CONTAINER_OVERHEAD_BYTES = 64 * 1024;
export const AUDIO_BPS = 64_000;
/** Below this the burned-in order code stops being legible even at 360p. */
export const MIN_VIDEO_BPS = 180_000;
/** Bits per pixel per frame under which the picture is scaled down before bitrate drops further. */
const MIN_BPP = 0.045;
const HEIGHT_STEPS = [1080, 720, 540, 480, 360, 240];

export function frameTimes(src: SourceInfo): number[] {
  if (src.framePtsMs && src.framePtsMs.length) return src.framePtsMs;
  const n = Math.max(1, Math.round((src.durationMs / 1000) * src.fps));
  return Array.from({ length: n }, (_, i) => (i * 1000) / src.fps);
}

/** Duration of the last frame: the median frame interval (VFR-safe), else 1/fps. */
export function lastFrameMs(pts: number[], fps: number): number {
  if (pts.length < 2) return 1000 / (fps || 30);
  const gaps = pts
    .slice(1)
    .map((p, i) => p - pts[i]!)
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/** End time of frame i: the next frame's start, or start + typical frame length for the last. */
function frameEnd(pts: number[], i: number, last: number): number {
  return i + 1 < pts.length ? pts[i + 1]! : pts[i]! + last;
}

/** Index of the first frame whose time is >= t (pts.length if none). */
export function firstFrameAtOrAfter(pts: number[], t: number): number {
  let lo = 0;
  let hi = pts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid]! < t - 0.5)
      lo = mid + 1; // half a millisecond of rounding slack
    else hi = mid;
  }
  return lo;
}

/** Frames [a, b) covered by a range; the whole clip when no range. */
export function rangeFrames(pts: number[], range: RangeMs | null | undefined): [number, number] {
  if (!range) return [0, pts.length];
  if (!(range.endMs > range.startMs)) throw new PlanError('The chosen range is empty: its end must come after its start.');
  const a = firstFrameAtOrAfter(pts, Math.max(0, range.startMs));
  const b = firstFrameAtOrAfter(pts, range.endMs);
  if (b <= a) throw new PlanError('The chosen range holds no frame of the clip.');
  return [a, b];
}

/**
 * Splits frames [a, b) into the fewest consecutive parts of at most maxMs each, of balanced length.
 * Every frame lands in exactly one part.
 */
export function splitFrames(pts: number[], a: number, b: number, maxMs: number, last: number): Array<[number, number]> {
  if (b <= a) return [];
  const span = (i: number, j: number): number => frameEnd(pts, j - 1, last) - pts[i]!;
  const total = span(a, b);
  if (total <= maxMs) return [[a, b]];
  for (let count = Math.ceil(total / maxMs); count <= b - a; count++) {
    const bounds = [a];
    for (let k = 1; k < count; k++) bounds.push(Math.max(bounds[k - 1]! + 1, firstFrameAtOrAfter(pts, pts[a]! + (k * total) / count)));
    bounds.push(b);
    const parts: Array<[number, number]> = [];
    for (let k = 0; k < count; k++) parts.push([bounds[k]!, bounds[k + 1]!]);
    if (parts.every(([i, j]) => j > i && span(i, j) <= maxMs)) return parts;
  }
  throw new PlanError(`A single frame is longer than ${maxMs} ms; the clip cannot be split.`);
}

export interface BitrateFit {
  videoBps: number;
  maxrateBps: number;
  bufsizeBits: number;
}

/**
 * Bitrate that keeps a file of durationMs under maxBytes. The VBV cap (maxrate over a 1 s buffer)
 * bounds the size whatever the content: size <= (maxrate + audio) * D + buffer + overhead.
 */
export function fitBitrate(durationMs: number, maxBytes: number | null, audioBps: number, sourceVideoBps: number): BitrateFit {
  const seconds = Math.max(0.04, durationMs / 1000);
  // Re-encoding above the source's own bitrate adds bytes, not detail.
  const ceiling = Math.max(MIN_VIDEO_BPS, Math.round(sourceVideoBps * 1.05));
  if (maxBytes === null) return { videoBps: ceiling, maxrateBps: Math.round(ceiling * 1.5), bufsizeBits: Math.round(ceiling * 2) };
  const budgetBits = (maxBytes * SIZE_MARGIN - CONTAINER_OVERHEAD_BYTES) * 8;
  const maxrate = Math.floor(budgetBits / (seconds + 1) - audioBps); // +1: the 1 s VBV buffer
  if (maxrate < MIN_VIDEO_BPS) {
    throw new PlanError(
      `${(maxBytes / 1048576).toFixed(1)} MB is too small for ${seconds.toFixed(0)} s of legible video; split it into parts or choose a larger limit.`,
    );
  }
  const videoBps = Math.min(ceiling, Math.round(maxrate * 0.9));
  return { videoBps, maxrateBps: Math.max(videoBps, maxrate), bufsizeBits: Math.max(videoBps, maxrate) };
}

/** Largest standard height not above the source's at which the bitrate still gives a clean picture. */
export function fitResolution(width: number, height: number, fps: number, videoBps: number): { width: number; height: number } {
  const even = (n: number): number => Math.max(2, Math.round(n / 2) * 2);
  const candidates = [height, ...HEIGHT_STEPS.filter((h) => h < height)];
  for (const h of candidates) {
    const w = even((width * h) / height);
    if (videoBps / (w * h * Math.max(1, fps)) >= MIN_BPP) return { width: w, height: even(h) };
  }
  const h = candidates[candidates.length - 1]!;
  return { width: even((width * h) / height), height: even(h) };
}

/** Longest part that still gets at least the minimum legible bitrate within maxBytes. */
export function maxPartMsForSize(maxBytes: number, audioBps: number): number {
  const budgetBits = (maxBytes * SIZE_MARGIN - CONTAINER_OVERHEAD_BYTES) * 8;
  return Math.floor((budgetBits / (MIN_VIDEO_BPS / 0.9 + audioBps) - 1) * 1000);
}

/** verify.html, read-me, manifests and signatures, sidecars: what every package holds besides its pictures. */
const PACKAGE_BYTES = 80_000;

/**
 * One still: the frame as JPEG at the best quality (the writer starts there) plus its caption band,
 * which at 720p weighs as much as a plain frame of a packing table.
 * A frame's JPEG size depends on what the camera sees far more than on its size, so the caller
 * measures one of the clip's frames; without that, a packing table at 720p weighs about 120 kB.
 */
export function stillBytes(src: Pick<SourceInfo, 'width' | 'height'>, sampleBytes: number | null): number {
  const pixels = src.width * src.height;
  const frame = sampleBytes ?? 120_000 * (pixels / (1280 * 720));
  // The caption band (two lines of type on white, caption.ts) weighs about 0.2 bytes a pixel as JPEG: text is all edges.
  const band = Math.max(20, Math.round(src.height / 18)) * 1.6 * 2 + 10;
  return Math.round(frame * 1.05 + src.width * band * 0.2);
}

/**
 * The evidence sheet as PNG and PDF: a page of text and QR code (about 130 kB as PNG, 180 kB as
 * the PDF's JPEG), plus nine key frames 360 px wide, lossless in the PNG and again in the PDF.
 */
export function sheetBytes(src: Pick<SourceInfo, 'width' | 'height'>, sampleBytes: number | null): number {
  const pixels = Math.max(1, src.width * src.height);
  const frame = sampleBytes ?? 120_000 * (pixels / (1280 * 720));
  const cell = Math.min(1, (360 * 203) / pixels);
  return Math.round(310_000 + 9 * cell * frame * SHEET_FRAME_WEIGHT);
}
/** Bytes a key frame adds to the sheet (PNG and PDF together) per byte of the same pixels as best JPEG. */
const SHEET_FRAME_WEIGHT = 4;

/** Sensible moments for stills: just after the start (label), spread through packing, just before the end (sealed box). */
export function autoStillTimes(startMs: number, endMs: number, count: number): number[] {
  const n = Math.max(1, Math.round(count));
  const span = Math.max(0, endMs - startMs);
  const lo = startMs + Math.min(1000, span * 0.05);
  const hi = endMs - Math.min(500, span * 0.05);
  if (n === 1 || hi <= lo) return [Math.round((lo + hi) / 2)];
  return Array.from({ length: n }, (_, i) => Math.round(lo + (i * (hi - lo)) / (n - 1)));
}

/**
 * Consecutive parts [a, b) that start at keyframes, each within maxMs and maxBytes (video bytes
 * plus its share of the audio), fewest parts, balanced where the keyframes allow. null if impossible.
 */
export function splitAtKeyframes(
  pts: number[],
  keyframes: boolean[],
  bytes: number[],
  a: number,
  b: number,
  maxMs: number,
  maxBytes: number,
  extraBytesPerMs: number,
  last: number,
): Array<[number, number]> | null {
  if (!keyframes[a]) return null;
  const prefix = [0];
  for (let i = 0; i < pts.length; i++) prefix.push(prefix[i]! + (bytes[i] ?? 0));
  const span = (i: number, j: number): number => frameEnd(pts, j - 1, last) - pts[i]!;
  const fits = (i: number, j: number): boolean => {
    const ms = span(i, j);
    return ms <= maxMs && prefix[j]! - prefix[i]! + ms * extraBytesPerMs + CONTAINER_OVERHEAD_BYTES <= maxBytes * SIZE_MARGIN;
  };
  const keys: number[] = [];
  for (let i = a; i < b; i++) if (keyframes[i]) keys.push(i);
  // Greedy gives the fewest parts; then each boundary moves to the keyframe nearest the even split.
  const greedy: number[] = [a];
  while (greedy[greedy.length - 1]! < b) {
    const from = greedy[greedy.length - 1]!;
    if (fits(from, b)) {
      greedy.push(b);
      break;
    }
    let next = -1;
    for (const k of keys) if (k > from && fits(from, k)) next = k;
    if (next < 0) return null;
    greedy.push(next);
  }
  const count = greedy.length - 1;
  const total = span(a, b);
  const balanced = [a];
  for (let k = 1; k < count; k++) {
    const target = pts[a]! + (k * total) / count;
    let best = -1;
    for (const key of keys) if (key > balanced[k - 1]! && (best < 0 || Math.abs(pts[key]! - target) < Math.abs(pts[best]! - target))) best = key;
    balanced.push(best);
  }
  balanced.push(b);
  const pairs = (bounds: number[]): Array<[number, number]> => bounds.slice(1).map((j, k) => [bounds[k]!, j]);
  const even = pairs(balanced);
  return even.every(([i, j]) => j > i && fits(i, j)) ? even : pairs(greedy);
}

export function planExport(preset: ChannelPreset, src: SourceInfo, opts: PlanOptions = {}): ExportPlan {
  const wanted: ExportForm = opts.form ?? (preset.video ? preset.defaultForm : 'stills');
  const pts = frameTimes(src);
  const last = lastFrameMs(pts, src.fps);
  const [a, b] = rangeFrames(pts, opts.range);
  const startMs = pts[a]!;
  const endMs = frameEnd(pts, b - 1, last);
  const warnings: string[] = [];
  if (!preset.limitsKnown) warnings.push(`${preset.name}: ${preset.note}`);

  if (wanted === 'stills') {
    if (!preset.image) throw new PlanError(`${preset.name} takes no images; export a video instead.`);
    const atMs = (opts.stillsAtMs?.length ? opts.stillsAtMs : autoStillTimes(startMs, endMs, opts.stillCount ?? 8)).map((t) =>
      Math.min(Math.max(t, startMs), endMs - 1),
    );
    if (atMs.length > 40) throw new PlanError('At most 40 stills can be exported at once.');
    const ls = opts.labelStill;
    const label = ls && ls.atMs >= startMs && ls.atMs < endMs ? ls : null;
    if (label)
      warnings.push(
        `The first still is the frame where the camera read the label ${label.code} (${clipTimeLabel(label.atMs)} into the clip), zoomed on the label.`,
      );
    const perStill = Math.min(preset.image.maxBytes, stillBytes(src, opts.stillSampleBytes ?? null));
    return {
      form: 'stills',
      atMs,
      label,
      maxImageBytes: preset.image.maxBytes,
      maxPdfBytes: preset.pdf?.maxBytes ?? null,
      expectedBytes: Math.round((atMs.length + (label ? 1 : 0)) * perStill + sheetBytes(src, opts.stillSampleBytes ?? null) + PACKAGE_BYTES),
      edits: [],
      warnings,
    };
  }

  const video = preset.video;
  if (!video) throw new PlanError(`${preset.name} takes no video; export stills and the evidence sheet instead.`);
  const sourceVideoBps = Math.max(MIN_VIDEO_BPS, (src.sizeBytes * 8) / Math.max(0.04, src.durationMs / 1000) - (src.hasAudio ? 128_000 : 0));

  if (!preset.reencode) {
    if (opts.range) throw new PlanError('Original keeps the recorded file byte for byte, so it cannot be trimmed; choose a re-encoding preset to trim.');
    if (video.maxBytes !== null && src.sizeBytes > video.maxBytes)
      throw new PlanError(`The original is ${(src.sizeBytes / 1048576).toFixed(1)} MB, over the ${(video.maxBytes / 1048576).toFixed(0)} MB limit.`);
    return { form: 'copy', expectedBytes: src.sizeBytes, edits: [], warnings };
  }

  const fit = opts.fit ?? 'parts';
  const wholeFits =
    !opts.range &&
    (video.maxBytes === null || src.sizeBytes <= video.maxBytes) &&
    (video.maxDurationMs === null || src.durationMs <= video.maxDurationMs - DURATION_MARGIN_MS);
  if (wholeFits && src.sizeBytes > 0) {
    // Already within the channel's limits: the signed recording itself is the best evidence.
    return {
      form: 'copy',
      expectedBytes: src.sizeBytes,
      edits: [],
      warnings: [...warnings, 'The recording already fits this channel: it is exported unchanged (same SHA-256 as signed).'],
    };
  }
  const audioBps0 = src.hasAudio ? AUDIO_BPS : 0;
  const maxPartMs = video.maxDurationMs === null ? Infinity : video.maxDurationMs - DURATION_MARGIN_MS;
  const total = endMs - startMs;
  const edits: string[] = [];
  let speed = 1;
  let frames: Array<[number, number]>;
  let audioBps = audioBps0;
  let streamCopy = false;

  if (fit === 'speed' && total > maxPartMs) {
    speed = Math.ceil((total / maxPartMs) * 100) / 100;
    audioBps = 0; // sped-up sound is noise to a reviewer; the picture carries the evidence
    edits.push(`speed ${speed}x`);
    warnings.push(`Played ${speed}x faster to fit ${(video.maxDurationMs! / 1000).toFixed(0)} s: a speed change is an edit some reviewers reject.`);
    frames = [[a, b]];
  } else if (fit === 'trim' && total > maxPartMs) {
    const cut = firstFrameAtOrAfter(pts, startMs + maxPartMs - last);
    frames = [[a, Math.max(a + 1, Math.min(b, cut))]];
    warnings.push(`Only the first ${(maxPartMs / 1000).toFixed(0)} s of the chosen range fit; the rest is left out.`);
  } else {
    const videoBytes = src.frameBytes?.reduce((x, y) => x + y, 0) ?? 0;
    const copied =
      !opts.range && src.keyframes && src.frameBytes && video.maxBytes !== null
        ? splitAtKeyframes(
            pts,
            src.keyframes,
            src.frameBytes,
            a,
            b,
            maxPartMs,
            video.maxBytes,
            Math.max(0, src.sizeBytes - videoBytes) / Math.max(1, total),
            last,
          )
        : null;
    const sizedMaxMs = video.maxBytes !== null ? Math.min(maxPartMs, maxPartMsForSize(video.maxBytes, audioBps0)) : maxPartMs;
    const encodedParts = splitFrames(pts, a, b, sizedMaxMs, last);
    // One extra part is worth keeping every frame untouched; many small pieces are not.
    if (copied && copied.length <= encodedParts.length + 1) {
      frames = copied;
      streamCopy = true;
    } else {
      frames = encodedParts;
    }
  }

  const outMs = ([i, j]: [number, number]): number => (frameEnd(pts, j - 1, last) - pts[i]!) / speed;
  const longest = Math.max(...frames.map(outMs));
  const rate = fitBitrate(longest, video.maxBytes, audioBps, sourceVideoBps);
  const size = fitResolution(src.width, src.height, src.fps, rate.videoBps);
  if (size.height < src.height && !streamCopy) warnings.push(`Scaled to ${size.width}x${size.height} so the picture stays clean at the allowed size.`);
  const parts: PartPlan[] = frames.map(([i, j], k) => {
    const d = outMs([i, j]);
    const est = streamCopy
      ? Math.round(
          (src.frameBytes ?? []).slice(i, j).reduce((x, y) => x + y, 0) +
            (src.sizeBytes - (src.frameBytes ?? []).reduce((x, y) => x + y, 0)) * (d / total) +
            CONTAINER_OVERHEAD_BYTES / 2,
        )
      : Math.round(((rate.videoBps + audioBps) * d) / 8000 + CONTAINER_OVERHEAD_BYTES / 2);
    return {
      index: k + 1,
      count: frames.length,
      firstFrame: i,
      endFrame: j,
      startMs: pts[i]!,
      endMs: frameEnd(pts, j - 1, last),
      outDurationMs: Math.round(d),
      expectedBytes: video.maxBytes === null ? est : Math.min(est, Math.floor(video.maxBytes * SIZE_MARGIN)),
    };
  });
  if (parts.length > 1) warnings.push(`Exported as ${parts.length} consecutive parts that together hold every frame of the clip.`);
  if (streamCopy) warnings.push("Cut at the recording's own keyframes without re-encoding: every frame is the original's.");
  return {
    form: 'encode',
    streamCopy,
    parts,
    speed,
    videoBps: rate.videoBps,
    maxrateBps: rate.maxrateBps,
    bufsizeBits: rate.bufsizeBits,
    audioBps,
    width: size.width,
    height: size.height,
    fps: src.fps,
    maxBytes: video.maxBytes,
    expectedBytes: parts.reduce((s, p) => s + p.expectedBytes, 0),
    edits,
    warnings,
  };
}

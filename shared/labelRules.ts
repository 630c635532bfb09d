// Reading the shipping label with the camera: which symbologies are read, which codes may drive
// the station, when a code seen by the camera counts as a scan, and what a clip's reads prove.
// Pure and shared: the label worker, the station page, the engine and the tests use these rules.
import { classifyCode, productBarcodeKind, stripFraming, type CodeRules } from './codePatterns.ts';
import { parseControlCode } from './stationMachine.ts';
import { parseOrderCode } from './orderCode.ts';

/**
 * Symbologies the camera may read. Code 128 and Code 39 carry most carriers' tracking numbers;
 * QR, DataMatrix and PDF417 are opt-in for carriers whose labels carry them. EAN, UPC and ITF are
 * never read: they are what products and cartons carry, never a shipping label's number.
 */
export const LABEL_FORMATS = ['Code128', 'Code39', 'QRCode', 'DataMatrix', 'PDF417'] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];
export const DEFAULT_LABEL_FORMATS: readonly LabelFormat[] = ['Code128', 'Code39'];

/** off: no reading. camera: the camera is the input. beside: camera and scanner both (see cameraMayDrive). */
export type CameraReading = 'off' | 'camera' | 'beside';

/** Keeps only formats the camera may read, in a fixed order; EAN/UPC/ITF or unknown names are dropped. */
export function readableFormats(asked: readonly string[]): LabelFormat[] {
  return LABEL_FORMATS.filter((f) => asked.includes(f));
}

/** Steadiness: a code counts after two reads this close; it is taken again only after this long out of the picture. */
export const STEADY_PAIR_MS = 1500;
export const ABSENT_MS = 3000;

/**
 * Whether a code the camera read may act as a scan. Stricter than a scanner: a scanner is aimed
 * at one label on purpose, a camera sees everything on the table (product boxes, SKU stickers,
 * carton codes). So only control codes and codes that fit an enabled carrier or custom pattern
 * are taken, never a product barcode (a valid EAN-13/EAN-8/UPC-A check digit, or a 13-digit
 * code with a Chinese GS1 prefix 690-699, check digit or not).
 */
export type CameraCodeVerdict = 'control' | 'label' | 'product' | 'unknown' | 'invalid';

export function cameraCodeVerdict(raw: string, rules: CodeRules): CameraCodeVerdict {
  if (parseControlCode(raw)) return 'control';
  const parsed = parseOrderCode(raw);
  if (!parsed.ok) return 'invalid';
  const code = stripFraming(parsed.code, rules);
  if (/^69\d{11}$/.test(code)) return 'product';
  const { cls } = classifyCode(code, rules);
  if (cls.kind === 'carrier' || cls.kind === 'custom') return 'label';
  if (cls.kind === 'unchecked') return productBarcodeKind(code) ? 'product' : 'label';
  return cls.kind === 'product' ? 'product' : 'unknown';
}

/** A code the decoder found in one frame; box is [x, y, width, height] as fractions of the frame. */
export interface FrameRead {
  text: string;
  format: string;
  box: [number, number, number, number];
}

interface Track {
  firstSeen: number;
  lastSeen: number;
  /** Time of the previous read, to pair it with the next one. */
  lastRead: number;
  taken: boolean;
}

/**
 * The steadiness rules, fed one decoded frame at a time (times in ms, any monotonic clock):
 * - a code counts (is "taken") on its second read within STEADY_PAIR_MS of the one before;
 * - a taken code is not taken again until it has been out of the picture for ABSENT_MS;
 * - a frame the worker skipped because nothing changed repeats what the last decoded frame saw.
 */
export class Steadiness {
  private readonly tracks = new Map<string, Track>();
  private lastCodes: string[] = [];

  /** Returns the codes taken by this frame, in the order they were read. */
  observe(now: number, codes: readonly string[] | 'unchanged'): string[] {
    const seen = codes === 'unchanged' ? this.lastCodes : [...new Set(codes)];
    if (codes !== 'unchanged') this.lastCodes = seen;
    const taken: string[] = [];
    for (const code of seen) {
      let t = this.tracks.get(code);
      if (!t || now - t.lastSeen > ABSENT_MS) {
        t = { firstSeen: now, lastSeen: now, lastRead: now, taken: false };
        this.tracks.set(code, t);
        continue;
      }
      const pairGap = now - t.lastRead;
      t.lastSeen = now;
      t.lastRead = now;
      if (!t.taken && pairGap <= STEADY_PAIR_MS) {
        t.taken = true;
        taken.push(code);
      }
    }
    // Forget codes long gone, so a day of parcels keeps this map small.
    for (const [code, t] of this.tracks) if (now - t.lastSeen > ABSENT_MS * 4) this.tracks.delete(code);
    return taken;
  }

  /** The code was taken (it counted) and has not left the picture since. */
  isTaken(code: string): boolean {
    return this.tracks.get(code)?.taken ?? false;
  }
}

/** One code seen during a clip: times are ms from the clip's start; box as FrameRead's, where it was first read. */
export interface ClipLabelRead {
  code: string;
  format: string;
  firstMs: number;
  lastMs: number;
  reads: number;
  box: [number, number, number, number];
}

export interface LabelVerdict {
  /** ms from the clip's start when its own order code was first seen in the picture; null = never. */
  seenAtMs: number | null;
  /** Other tracking numbers seen in the picture (a label packed under another order). */
  mismatch: string[];
}

/** Collects what the camera read while one clip recorded. */
export class ClipLabelLog {
  private readonly reads = new Map<string, ClipLabelRead>();
  readonly startedAt: number;
  /** Codes that ended this clip by switching to their own: seen here only because they were shown to switch. */
  private readonly excluded = new Set<string>();

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  add(now: number, frame: readonly FrameRead[]): void {
    const at = Math.max(0, Math.round(now - this.startedAt));
    for (const r of frame) {
      const code = r.text.slice(0, 200);
      const prev = this.reads.get(code);
      if (prev) {
        prev.lastMs = at;
        prev.reads++;
      } else if (this.reads.size < 50) {
        this.reads.set(code, { code, format: r.format, firstMs: at, lastMs: at, reads: 1, box: r.box });
      }
    }
  }

  exclude(code: string): void {
    this.excluded.add(code);
  }

  list(): ClipLabelRead[] {
    return [...this.reads.values()];
  }

  verdict(order: string, rules: CodeRules): LabelVerdict {
    return labelVerdict(order, this.list(), rules, this.excluded);
  }
}

/**
 * The clip's own code seen in the picture, and other tracking numbers seen there. A mismatch needs
 * two reads (one stray read is not evidence) of a code that fits a carrier or custom pattern and is
 * neither the order nor a code that switched the station away from this clip.
 */
export function labelVerdict(order: string, reads: readonly ClipLabelRead[], rules: CodeRules, excluded: ReadonlySet<string> = new Set()): LabelVerdict {
  let seenAtMs: number | null = null;
  const mismatch: string[] = [];
  for (const r of reads) {
    const code = stripFraming(r.code, rules);
    if (code === order) {
      seenAtMs = seenAtMs === null ? r.firstMs : Math.min(seenAtMs, r.firstMs);
      continue;
    }
    if (excluded.has(r.code) || excluded.has(code) || r.reads < 2) continue;
    if (cameraCodeVerdict(r.code, rules) === 'label') mismatch.push(code);
  }
  return { seenAtMs, mismatch };
}

/**
 * Whether a code the camera took may start, switch or stop clips. With the camera as the input it
 * always may. Beside a scanner, a clip the packer started with the scanner is never switched by
 * the camera: a scan is deliberate, and a different label in the picture is a mismatch to flag.
 */
export function cameraMayDrive(reading: CameraReading, recording: boolean, clipSource: 'camera' | 'scanner' | null): boolean {
  if (reading === 'off') return false;
  if (reading === 'camera' || !recording) return true;
  return clipSource === 'camera';
}

/**
 * The read region in pixels of a fw x fh frame: even offsets and sizes (I420/NV12 chroma is
 * subsampled by two, and VideoFrame.copyTo wants aligned rectangles), at least 16 px, inside the frame.
 */
export function regionPixels(region: readonly [number, number, number, number] | null, fw: number, fh: number): { x: number; y: number; w: number; h: number } {
  if (!region) return { x: 0, y: 0, w: fw, h: fh };
  const even = (v: number) => Math.max(0, Math.floor(v / 2) * 2);
  const x = Math.min(even(region[0] * fw), even(fw - 16));
  const y = Math.min(even(region[1] * fh), even(fh - 16));
  const w = Math.max(16, Math.min(fw - x, even(region[2] * fw)));
  const h = Math.max(16, Math.min(fh - y, even(region[3] * fh)));
  return { x, y, w, h };
}

/** "00:03.2": where in a clip the label was seen. */
export function clipTimeLabel(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const s = Math.floor(tenths / 10);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${tenths % 10}`;
}

// Fake-camera videos of a packing table with printed labels, made by the tests: real
// barcodes from zxing-wasm's writer (the same library the station reads with, but its encoder),
// drawn into grey frames (white label card, bars at a chosen module size, rotated, blurred) and
// written as a .y4m Chromium plays as its camera (--use-file-for-fake-video-capture, looped).
import fs from 'node:fs';
import path from 'node:path';
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/full';
import { ROOT } from './station.ts';

let prepared = false;
function prepare(): void {
  if (prepared) return;
  const wasm = fs.readFileSync(path.join(ROOT, 'node_modules', 'zxing-wasm', 'dist', 'full', 'zxing_full.wasm'));
  prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
  prepared = true;
}

export interface LabelSpec {
  text: string;
  format: 'Code128' | 'Code39' | 'QRCode' | 'EAN13';
  /** Centre of the label in the frame, as fractions. */
  at: [number, number];
  /** Pixels per module: 2-3 is a label at arm's length at 720p, ~1.7 one half a metre further. */
  module: number;
  /** Degrees, clockwise. */
  rotate?: number;
  /** Box-blur radius in pixels (0 = sharp). */
  blur?: number;
}

export interface Scene {
  seconds: number;
  labels: LabelSpec[];
  /** Added to the table's brightness (light changing): makes a frame differ from the last everywhere. */
  shade?: number;
}

interface Drawn {
  /** Luma of the whole card (white margin + symbol), w x h. */
  luma: Uint8Array;
  w: number;
  h: number;
}

async function card(spec: LabelSpec): Promise<Drawn> {
  prepare();
  const out = await writeBarcode(spec.text, { format: spec.format, addQuietZones: false, addHRT: false });
  if (out.error || !out.symbol) throw new Error(`cannot draw ${spec.format} ${spec.text}: ${out.error}`);
  const s = out.symbol;
  const linear = spec.format !== 'QRCode';
  const m = spec.module;
  const symW = Math.round(s.width * m);
  // Bars about 0.45 of the code's width tall, as on carrier labels: a 15° tilt still leaves rows that cross every bar.
  const symH = linear ? Math.round(Math.max(40, symW * 0.45)) : Math.round(s.height * m);
  const margin = Math.round(12 * m);
  const w = symW + 2 * margin;
  const h = symH + 2 * margin + (linear ? Math.round(symH * 0.6) : 0); // room where the printed text would be
  const luma = new Uint8Array(w * h).fill(235);
  for (let y = 0; y < symH; y++) {
    const sy = linear ? 0 : Math.min(s.height - 1, Math.floor(y / m));
    for (let x = 0; x < symW; x++) {
      const sx = Math.min(s.width - 1, Math.floor(x / m));
      if (s.data[sy * s.width + sx] === 0) luma[(margin + y) * w + margin + x] = 25;
    }
  }
  // A few grey "text" lines under a linear code, like the printed number and address.
  if (linear)
    for (let y = margin + symH + 8; y < h - margin; y += 10) for (let x = margin; x < w - margin; x += 3) if ((x * 7 + y) % 11 < 6) luma[y * w + x] = 90;
  return { luma, w, h };
}

function blurBox(frame: Uint8Array, fw: number, fh: number, x0: number, y0: number, x1: number, y1: number, r: number): void {
  if (r <= 0) return;
  const src = frame.slice();
  for (let y = Math.max(r, y0); y < Math.min(fh - r, y1); y++) {
    for (let x = Math.max(r, x0); x < Math.min(fw - r, x1); x++) {
      let sum = 0;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) sum += src[(y + dy) * fw + x + dx]!;
      frame[y * fw + x] = Math.round(sum / ((2 * r + 1) * (2 * r + 1)));
    }
  }
}

async function drawScene(scene: Scene, fw: number, fh: number): Promise<Uint8Array> {
  // A table: mid grey with a soft gradient, so the picture is not a flat field.
  const frame = new Uint8Array(fw * fh);
  const shade = scene.shade ?? 0;
  for (let y = 0; y < fh; y++) for (let x = 0; x < fw; x++) frame[y * fw + x] = 100 + shade + Math.round((20 * x) / fw) + Math.round((10 * y) / fh);
  for (const spec of scene.labels) {
    const c = await card(spec);
    const a = ((spec.rotate ?? 0) * Math.PI) / 180;
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const cx = spec.at[0] * fw;
    const cy = spec.at[1] * fh;
    const half = Math.ceil(Math.hypot(c.w, c.h) / 2);
    const x0 = Math.max(0, Math.floor(cx - half));
    const x1 = Math.min(fw, Math.ceil(cx + half));
    const y0 = Math.max(0, Math.floor(cy - half));
    const y1 = Math.min(fh, Math.ceil(cy + half));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        // Inverse rotation into the card's own coordinates.
        const dx = x + 0.5 - cx;
        const dy = y + 0.5 - cy;
        const u = cos * dx + sin * dy + c.w / 2;
        const v = -sin * dx + cos * dy + c.h / 2;
        if (u < 0 || v < 0 || u >= c.w || v >= c.h) continue;
        frame[y * fw + x] = c.luma[Math.floor(v) * c.w + Math.floor(u)]!;
      }
    }
    blurBox(frame, fw, fh, x0, y0, x1, y1, spec.blur ?? 0);
  }
  return frame;
}

/** Writes the scenes one after another as a y4m (4:2:0, grey) of fw x fh at fps; returns the path. */
export async function writeLabelVideo(file: string, scenes: Scene[], fw = 800, fh = 450, fps = 5): Promise<string> {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `YUV4MPEG2 W${fw} H${fh} F${fps}:1 Ip A1:1 C420jpeg\n`);
    const chroma = Buffer.alloc((fw / 2) * (fh / 2) * 2, 128);
    for (const scene of scenes) {
      const luma = await drawScene(scene, fw, fh);
      for (let i = 0; i < Math.round(scene.seconds * fps); i++) {
        // One level of noise in a corner, different each frame, like a real sensor's: the picture is
        // "still" to the change detector but not byte-identical.
        luma[i % fw] = 100 + (i % 3);
        fs.writeSync(fd, 'FRAME\n');
        fs.writeSync(fd, luma);
        fs.writeSync(fd, chroma);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

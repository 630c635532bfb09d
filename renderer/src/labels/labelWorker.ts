// Reads shipping labels from the camera's own frames, off the main thread and beside the overlay
// worker (it gets a clone of the camera track, so the recorded picture never waits for it).
//
// Cost: a 720p decode is ~5-15 ms of wasm. It runs at most `rate` times a second, only on the
// luma plane (copied straight out of the I420/NV12 frame, no canvas), only inside the read
// region, and not at all when the picture has not changed since the last decode (frameChange.ts:
// a sparse grid of luma samples, compared first, costs microseconds).
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { regionPixels, type FrameRead } from '../../../shared/labelRules.ts';
import type { FromLabelWorker, LabelWorkerOptions, ToLabelWorker } from './labelProtocol.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { changedSince, MAX_SKIP_MS, sampleGrid } from './frameChange.ts';

let options: LabelWorkerOptions = { formats: ['Code128', 'Code39'], rate: 6, region: null };
let running = false;
let luma: Uint8Array | null = null;
let rgba: Uint32Array | null = null;
/** The change check's samples of the last decoded frame, and when it was decoded. */
let decodedSample: Uint8Array | null = null;
let decodedAt = 0;
let canvas: OffscreenCanvas | null = null;
const stats = { decoded: 0, skipped: 0, busyMs: 0, frames: 0 };

const post = (m: FromLabelWorker) => (self as unknown as Worker).postMessage(m);

interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

function regionOf(fw: number, fh: number): Region {
  return regionPixels(options.region, fw, fh);
}

/** The region's luma, w*h bytes. */
async function lumaOf(frame: VideoFrame, reg: Region): Promise<Uint8Array> {
  const n = reg.w * reg.h;
  if (!luma || luma.length !== n) luma = new Uint8Array(n);
  const fmt = frame.format ?? '';
  if (fmt.startsWith('I420') || fmt.startsWith('NV12') || fmt === 'I422' || fmt === 'I444') {
    const rect = { x: reg.x, y: reg.y, width: reg.w, height: reg.h };
    const size = frame.allocationSize({ rect });
    const buf = new Uint8Array(size);
    const layout = await frame.copyTo(buf, { rect });
    const { offset, stride } = layout[0]!;
    if (stride === reg.w) luma.set(buf.subarray(offset, offset + n));
    else for (let row = 0; row < reg.h; row++) luma.set(buf.subarray(offset + row * stride, offset + row * stride + reg.w), row * reg.w);
    return luma;
  }
  // Any other pixel format (RGBA on some platforms): through a canvas, then to luma.
  if (!canvas || canvas.width !== reg.w || canvas.height !== reg.h) canvas = new OffscreenCanvas(reg.w, reg.h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(frame, reg.x, reg.y, reg.w, reg.h, 0, 0, reg.w, reg.h);
  const px = ctx.getImageData(0, 0, reg.w, reg.h).data;
  for (let i = 0; i < n; i++) luma[i] = (px[i * 4]! * 77 + px[i * 4 + 1]! * 150 + px[i * 4 + 2]! * 29) >> 8;
  return luma;
}

async function decode(y: Uint8Array, reg: Region, fw: number, fh: number): Promise<FrameRead[]> {
  const n = reg.w * reg.h;
  // zxing-wasm takes RGBA image data and turns it back into luma; grey pixels make that exact.
  if (!rgba || rgba.length !== n) rgba = new Uint32Array(n);
  for (let i = 0; i < n; i++) rgba[i] = 0xff000000 | (y[i]! * 0x010101);
  const image = { data: new Uint8ClampedArray(rgba.buffer), width: reg.w, height: reg.h, colorSpace: 'srgb' } as ImageData;
  const opts: ReaderOptions = {
    formats: options.formats as ReaderOptions['formats'],
    tryHarder: true,
    tryRotate: true,
    tryInvert: false,
    maxNumberOfSymbols: 8,
  };
  const results = await readBarcodes(image, opts);
  const out: FrameRead[] = [];
  for (const r of results) {
    if (!r.isValid || !r.text) continue;
    const p = r.position;
    const xs = [p.topLeft.x, p.topRight.x, p.bottomLeft.x, p.bottomRight.x];
    const ys = [p.topLeft.y, p.topRight.y, p.bottomLeft.y, p.bottomRight.y];
    const x0 = Math.min(...xs) + reg.x;
    const y0 = Math.min(...ys) + reg.y;
    const clamp = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
    out.push({
      text: r.text,
      format: r.format,
      box: [clamp(x0 / fw), clamp(y0 / fh), clamp((Math.max(...xs) + reg.x - x0) / fw), clamp((Math.max(...ys) + reg.y - y0) / fh)],
    });
  }
  return out;
}

async function pump(readable: ReadableStream<VideoFrame>): Promise<void> {
  const reader = readable.getReader();
  // The next decode is due at this time; stepping it by the interval (not from the last frame)
  // keeps `rate` decodes a second whatever the camera's frame rate.
  let nextDecodeAt = 0;
  let statsAt = performance.now();
  while (running) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    stats.frames++;
    const now = performance.now();
    try {
      if (now < nextDecodeAt) continue;
      const interval = 1000 / options.rate;
      nextDecodeAt = Math.max(nextDecodeAt + interval, now - interval / 2);
      const t0 = performance.now();
      const fw = frame.codedWidth || frame.displayWidth;
      const fh = frame.codedHeight || frame.displayHeight;
      const reg = regionOf(frame.displayWidth || fw, frame.displayHeight || fh);
      const y = await lumaOf(frame, reg);
      frame.close();
      const sample = sampleGrid(y, reg.w, reg.h);
      if (!changedSince(decodedSample, sample) && t0 - decodedAt < MAX_SKIP_MS) {
        stats.skipped++;
        post({ type: 'frame', reads: 'unchanged' });
      } else {
        decodedSample = sample;
        decodedAt = t0;
        const reads = await decode(y, reg, frame.displayWidth || fw, frame.displayHeight || fh);
        stats.decoded++;
        post({ type: 'frame', reads });
      }
      stats.busyMs += performance.now() - t0;
    } catch (err) {
      post({ type: 'error', message: `Reading labels failed: ${errorMessage(err)}` });
    } finally {
      try {
        frame.close();
      } catch {
        /* already closed */
      }
    }
    if (now - statsAt >= 1000) {
      statsAt = now;
      post({ type: 'stats', ...stats });
    }
  }
  reader.releaseLock();
}

self.onmessage = (e: MessageEvent<ToLabelWorker>) => {
  const m = e.data;
  if (m.type === 'start') {
    options = m.options;
    // The wasm comes from the app's own build output, never from a CDN (the default of zxing-wasm).
    prepareZXingModule({ overrides: { locateFile: (p: string, prefix: string) => (p.endsWith('.wasm') ? m.wasmUrl : prefix + p) } });
    running = true;
    void pump(m.readable).catch((err: unknown) => post({ type: 'error', message: `Reading labels stopped: ${errorMessage(err)}` }));
  } else if (m.type === 'options') {
    options = m.options;
    decodedSample = null;
  } else if (m.type === 'stop') {
    running = false;
  }
};

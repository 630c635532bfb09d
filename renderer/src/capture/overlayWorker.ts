// Burns the overlay (order code, date and time to the second, station, operator) and a frame
// counter into every camera frame, off the main thread. It is driven by the camera's frames, not by
// requestAnimationFrame, so it keeps drawing when the window is hidden or minimized.
//
// Why not a canvas: redrawing a whole 720p frame on a 2D canvas costs ~40% of a core in software
// (measured: 52–58% with a main-thread canvas vs 16% without). Here the camera's own I420/NV12
// planes are copied once, only the band rows are overwritten (a memcpy of a pre-rendered text
// mask), and the planes go straight back into a new VideoFrame.
import { COUNTER_BITS, SYNC_BITS, overlayGeometry, type OverlayGeometry } from '../../../shared/overlayGeometry.ts';
import { pipRect, type PipCorner, type PipRect } from '../../../shared/pipGeometry.ts';
import type { FromWorker, OverlayInfo, PipStart, ToWorker } from './overlayProtocol.ts';
import type { PageIncident } from '../../../shared/contract/continuity.ts';

const Y_BLACK = 16; // video-range luma: what a decoder shows as black and white
const Y_WHITE = 235;
const FONT_STACK = '"DejaVu Sans", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Segoe UI", sans-serif';

let info: OverlayInfo | null = null;
let running = false;
let frames = 0;
let counter = 0;
let fastPath = true;

// Pre-rendered band (luma) for the current text; rebuilt when the second or the info changes.
let band: { key: string; g: OverlayGeometry; luma: Uint8Array } | null = null;
let buffer: ArrayBuffer | null = null;
let textCanvas: OffscreenCanvas | null = null;
let fullCanvas: OffscreenCanvas | null = null;

// Picture-in-picture (opt-in): the second camera's latest frame, already scaled to its inset and
// converted to planar YUV when it arrives, so compositing into a main frame is a few row copies.
// With no second camera none of this runs and the single-camera path costs what it did before.
interface PipPicture {
  rect: PipRect;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}
let pipConf: { corner: PipCorner; scalePercent: number } | null = null;
let pipPicture: PipPicture | null = null;
let pipCanvas: OffscreenCanvas | null = null;
let pipFrames = 0;
let mainSize: { w: number; h: number } | null = null;

function scalePip(frame: VideoFrame): void {
  if (!pipConf || !mainSize) return;
  const rect = pipRect(mainSize.w, mainSize.h, frame.displayWidth / frame.displayHeight, pipConf.corner, pipConf.scalePercent);
  const { width: w, height: h } = rect;
  if (!pipCanvas || pipCanvas.width !== w || pipCanvas.height !== h) pipCanvas = new OffscreenCanvas(w, h);
  const ctx = pipCanvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(frame, 0, 0, w, h); // the canvas scales with filtering; any pixel format works
  // A thin white frame tells a reviewer at once that the corner is a second camera.
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 2;
  ctx.strokeRect(1, 1, w - 2, h - 2);
  const rgba = ctx.getImageData(0, 0, w, h).data;
  const pic: PipPicture =
    pipPicture && pipPicture.rect.width === w && pipPicture.rect.height === h
      ? { ...pipPicture, rect }
      : { rect, y: new Uint8Array(w * h), u: new Uint8Array((w / 2) * (h / 2)), v: new Uint8Array((w / 2) * (h / 2)) };
  // BT.601 video range, as the camera's own planes.
  for (let i = 0, n = w * h; i < n; i++) {
    const r = rgba[i * 4]!,
      g = rgba[i * 4 + 1]!,
      b = rgba[i * 4 + 2]!;
    pic.y[i] = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
  }
  for (let cy = 0; cy < h / 2; cy++) {
    for (let cx = 0; cx < w / 2; cx++) {
      const i = (cy * 2 * w + cx * 2) * 4;
      const r = rgba[i]!,
        g = rgba[i + 1]!,
        b = rgba[i + 2]!;
      pic.u[cy * (w / 2) + cx] = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
      pic.v[cy * (w / 2) + cx] = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    }
  }
  pipPicture = pic;
  pipFrames++;
}

async function pumpPip(p: PipStart): Promise<void> {
  pipConf = { corner: p.corner, scalePercent: p.scalePercent };
  const reader = p.readable.getReader();
  while (running) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    try {
      scalePip(frame);
    } catch (err) {
      post({ type: 'error', message: `picture-in-picture failed: ${String(err)}` });
    } finally {
      frame.close();
    }
  }
  pipPicture = null; // the second camera went away: the main picture goes on alone
}

// Motion, for the idle auto stop: a packer's hands are in the parcel, not on the keyboard, so "no
// key pressed" alone would cut a long pack. A sparse grid of luma samples above the overlay band
// (every 16th pixel of every 16th row: ~3,300 at 720p, a few µs) is compared with the previous
// frame; when more than 1% of the samples changed by more than 25 levels (sensor noise stays far
// below that), something moved.
const MOTION_STEP = 16;
const MOTION_DELTA = 25;
const MOTION_SHARE = 0.01;
let motionPrev: Uint8Array | null = null;
let motionPostedAt = 0;

function detectMotion(data: Uint8Array, y: PlaneLayout, g: OverlayGeometry): void {
  const cols = Math.floor(g.width / MOTION_STEP);
  const rows = Math.floor(g.bandTop / MOTION_STEP);
  const n = cols * rows;
  if (!motionPrev || motionPrev.length !== n) {
    motionPrev = new Uint8Array(n);
    for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < cols; c++, i++) motionPrev[i] = data[y.offset + r * MOTION_STEP * y.stride + c * MOTION_STEP]!;
    return;
  }
  let changed = 0;
  for (let r = 0, i = 0; r < rows; r++) {
    const base = y.offset + r * MOTION_STEP * y.stride;
    for (let c = 0; c < cols; c++, i++) {
      const v = data[base + c * MOTION_STEP]!;
      if (Math.abs(v - motionPrev[i]!) > MOTION_DELTA) changed++;
      motionPrev[i] = v;
    }
  }
  const t = performance.now();
  if (changed > n * MOTION_SHARE && t - motionPostedAt >= 500) {
    motionPostedAt = t;
    post({ type: 'motion' });
  }
}

function compositePip(data: Uint8Array, layout: PlaneLayout[], format: 'I420' | 'NV12', g: OverlayGeometry): void {
  const pic = pipPicture;
  if (!pic || pic.rect.x + pic.rect.width > g.width || pic.rect.y + pic.rect.height > g.bandTop) return;
  const { x, y: top, width: w, height: h } = pic.rect;
  const Y = layout[0]!;
  for (let row = 0; row < h; row++) data.set(pic.y.subarray(row * w, (row + 1) * w), Y.offset + (top + row) * Y.stride + x);
  const cw = w / 2;
  if (format === 'I420') {
    const U = layout[1]!,
      V = layout[2]!;
    for (let row = 0; row < h / 2; row++) {
      data.set(pic.u.subarray(row * cw, (row + 1) * cw), U.offset + (top / 2 + row) * U.stride + x / 2);
      data.set(pic.v.subarray(row * cw, (row + 1) * cw), V.offset + (top / 2 + row) * V.stride + x / 2);
    }
  } else {
    const UV = layout[1]!;
    for (let row = 0; row < h / 2; row++) {
      const base = UV.offset + (top / 2 + row) * UV.stride + x;
      for (let c = 0; c < cw; c++) {
        data[base + 2 * c] = pic.u[row * cw + c]!;
        data[base + 2 * c + 1] = pic.v[row * cw + c]!;
      }
    }
  }
}

// Typed against the DOM library (one lib set for the whole renderer); these are the only two
// worker-scope members used.
const scope = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker): void => scope.postMessage(m);
const pad = (n: number): string => String(n).padStart(2, '0');

function overlayText(i: OverlayInfo, now: Date): string {
  const time = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())} ${i.utcOffsetLabel}`;
  const parts = [i.order ? (i.mode === 'returns' ? `RETURN ${i.order}` : i.order) : '—', time, i.station];
  if (i.operator) parts.push(i.operator);
  if (i.order && i.source === 'camera') parts.push('[CAMERA]'); // the label was read by the camera, not scanned
  return parts.join('   ');
}

function renderBand(g: OverlayGeometry, text: string): Uint8Array {
  const w = Math.max(1, g.textWidth);
  if (!textCanvas || textCanvas.width !== w || textCanvas.height !== g.bandHeight) textCanvas = new OffscreenCanvas(w, g.bandHeight);
  const ctx = textCanvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, w, g.bandHeight);
  let size = g.fontPx;
  ctx.font = `bold ${size}px ${FONT_STACK}`;
  // A long order code must stay whole: shrink the text rather than cut it.
  while (size > 10 && ctx.measureText(text).width > w) {
    size -= 1;
    ctx.font = `bold ${size}px ${FONT_STACK}`;
  }
  ctx.fillStyle = '#fff';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 0, g.bandHeight / 2 + 1);
  const rgba = ctx.getImageData(0, 0, w, g.bandHeight).data;
  const luma = new Uint8Array(g.width * g.bandHeight).fill(Y_BLACK);
  for (let y = 0; y < g.bandHeight; y++) {
    const row = y * g.width + g.textLeft;
    for (let x = 0; x < w; x++) luma[row + x] = Y_BLACK + (((rgba[(y * w + x) * 4] ?? 0) * (Y_WHITE - Y_BLACK)) >> 8);
  }
  return luma;
}

function bandFor(g: OverlayGeometry, now: Date): Uint8Array {
  const text = info ? overlayText(info, now) : '';
  const key = `${g.width}x${g.height}|${text}`;
  if (!band || band.key !== key) band = { key, g, luma: renderBand(g, text) };
  return band.luma;
}

function counterBits(n: number): number[] {
  const bits: number[] = [...SYNC_BITS];
  for (let i = COUNTER_BITS - 1; i >= 0; i--) bits.push((n >>> i) & 1);
  return bits;
}

/** Writes band + counter into the luma plane; neutral chroma under the band keeps the text grey-white. */
function stampPlanes(data: Uint8Array, g: OverlayGeometry, layout: PlaneLayout[], format: 'I420' | 'NV12', now: Date): void {
  if (pipPicture) compositePip(data, layout, format, g);
  const y = layout[0]!;
  const luma = bandFor(g, now);
  for (let row = 0; row < g.bandHeight; row++) {
    data.set(luma.subarray(row * g.width, (row + 1) * g.width), y.offset + (g.bandTop + row) * y.stride);
  }
  const bits = counterBits(counter);
  for (let i = 0; i < bits.length; i++) {
    const value = bits[i] ? Y_WHITE : Y_BLACK;
    const x0 = g.bitsLeft + i * g.bitWidth;
    for (let row = g.bitTop; row < g.bitTop + g.bitHeight; row++) {
      const start = y.offset + row * y.stride + x0;
      data.fill(value, start, start + g.bitWidth);
    }
  }
  const chromaRows = { from: g.bandTop / 2, to: g.height / 2 };
  const planes = format === 'I420' ? [layout[1]!, layout[2]!] : [layout[1]!];
  const rowBytes = format === 'I420' ? g.width / 2 : g.width;
  for (const p of planes) {
    for (let row = chromaRows.from; row < chromaRows.to; row++) data.fill(128, p.offset + row * p.stride, p.offset + row * p.stride + rowBytes);
  }
}

async function fast(frame: VideoFrame, now: Date): Promise<VideoFrame> {
  const format = frame.format;
  if (format !== 'I420' && format !== 'NV12') throw new Error(`no fast path for ${format}`);
  const rect = frame.visibleRect!;
  const g = overlayGeometry(rect.width, rect.height);
  mainSize = { w: rect.width, h: rect.height };
  const size = frame.allocationSize();
  if (!buffer || buffer.byteLength !== size) buffer = new ArrayBuffer(size);
  const layout = await frame.copyTo(buffer);
  const bytes = new Uint8Array(buffer);
  detectMotion(bytes, layout[0]!, g);
  stampPlanes(bytes, g, layout, format, now);
  // The constructor copies the bytes, so one buffer is reused for every frame.
  return new VideoFrame(buffer, {
    format,
    codedWidth: rect.width,
    codedHeight: rect.height,
    timestamp: frame.timestamp,
    ...(frame.duration !== null ? { duration: frame.duration } : {}),
    layout,
    colorSpace: frame.colorSpace.toJSON(),
  });
}

/** For pixel formats without a fast path (RGBA from some drivers): draw on a canvas instead. */
function slow(frame: VideoFrame, now: Date): VideoFrame {
  const w = frame.displayWidth;
  const h = frame.displayHeight;
  const g = overlayGeometry(w, h);
  if (!fullCanvas || fullCanvas.width !== w || fullCanvas.height !== h) fullCanvas = new OffscreenCanvas(w, h);
  const ctx = fullCanvas.getContext('2d')!;
  ctx.drawImage(frame, 0, 0, w, h);
  mainSize = { w, h };
  if (pipPicture && pipCanvas) ctx.drawImage(pipCanvas, pipPicture.rect.x, pipPicture.rect.y);
  const luma = bandFor(g, now);
  const img = ctx.createImageData(w, g.bandHeight);
  for (let i = 0; i < luma.length; i++) {
    const v = Math.round(((luma[i]! - Y_BLACK) * 255) / (Y_WHITE - Y_BLACK));
    img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = v;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, g.bandTop);
  const bits = counterBits(counter);
  for (let i = 0; i < bits.length; i++) {
    ctx.fillStyle = bits[i] ? '#fff' : '#000';
    ctx.fillRect(g.bitsLeft + i * g.bitWidth, g.bitTop, g.bitWidth, g.bitHeight);
  }
  return new VideoFrame(fullCanvas, { timestamp: frame.timestamp, ...(frame.duration !== null ? { duration: frame.duration } : {}) });
}

// What may cost frames, noted with the counters it concerns (shared/contract/continuity.ts). The
// recorder's encoder drops a stamped frame silently when the CPU is busy; the engine finds such
// gaps by reading the counters back from the file (electron/engine/continuity.ts), and gives each
// its cause from these notes. One open incident per kind grows while its condition lasts (frames
// within MERGE_FRAMES of each other) and is posted when it opens, about four times a second while it
// grows, and when it closes.
type IncidentKind = PageIncident['kind'];
const MERGE_FRAMES = 5;
/** The overlay fell behind: one frame took longer than this (a 30 fps camera gives 33 ms). */
const LATE_MS = 50;
/** The camera is late: this long between two of its frames. */
const CAMERA_LATE_MS = 500;
/**
 * The overlay is behind the camera: a frame reaches it this much later after its capture than the
 * quickest frame of the last BEHIND_WINDOW frames did. Frames then queue before the worker and
 * reach the encoder in bursts, which is when a starved encoder drops them; a slow frame of its own
 * (LATE_MS) is not the only sign of a busy CPU.
 */
const BEHIND_MS = 100;
const BEHIND_WINDOW = 300;
let hidden = false;
let incidentIds = 0;
const open = new Map<IncidentKind, { id: number; incident: PageIncident; postedAt: number }>();

function note(kind: IncidentKind, from: number, ms = 0): void {
  const t = performance.now();
  const cur = open.get(kind);
  if (cur && from - cur.incident.to <= MERGE_FRAMES && from >= cur.incident.to) {
    cur.incident.to = from;
    cur.incident.ms = Math.max(cur.incident.ms, Date.now() - cur.incident.at + ms);
    if (t - cur.postedAt >= 250) {
      cur.postedAt = t;
      post({ type: 'incident', id: cur.id, incident: { ...cur.incident } });
    }
    return;
  }
  if (cur) post({ type: 'incident', id: cur.id, incident: { ...cur.incident } });
  const next = { id: ++incidentIds, incident: { kind, from, to: from, at: Date.now() - ms, ms }, postedAt: t };
  open.set(kind, next);
  post({ type: 'incident', id: next.id, incident: { ...next.incident } });
}

/** Closes the incidents whose condition has not held for MERGE_FRAMES frames. */
function settle(stamped: number): void {
  for (const [kind, cur] of open) {
    if (stamped - cur.incident.to > MERGE_FRAMES) {
      post({ type: 'incident', id: cur.id, incident: { ...cur.incident } });
      open.delete(kind);
    }
  }
}

// The preview shows every second processed frame (15 fps from a 30 fps camera). Measured with
// `npm run bench` (headless Chromium, software compositing, 720p30): drawing the preview at the
// full rate cost ~4.7 CPU s per minute of the ~18 a recording station spends, a quarter of it;
// the recorded track keeps every frame. The packer still sees exactly the recorded pictures.
const PREVIEW_EVERY = 2;
// Under load (the overlay fell behind or the recorder's track was still full, within the last
// LOAD_HOLD_MS) the preview shows every PREVIEW_UNDER_LOAD-th frame (5 fps): the CPU its drawing
// costs goes to the encoder, which drops frames when it gets too little. The recorded track still
// gets every frame, and the packer still sees the recorded pictures, fewer of them.
const PREVIEW_UNDER_LOAD = 6;
const LOAD_HOLD_MS = 3000;
let loadSeenAt = -Infinity;

async function pump(readable: ReadableStream<VideoFrame>, writable: WritableStream<VideoFrame>, preview: WritableStream<VideoFrame> | null): Promise<void> {
  const reader = readable.getReader();
  const writer = writable.getWriter();
  const previewWriter = preview?.getWriter() ?? null;
  running = true;
  let lastStats = 0;
  let lastStatsAt = 0;
  let lastCameraTs: number | null = null;
  // Arrival minus capture time (ms, clocks with an unknown offset): its minimum is the delay of an
  // idle pipeline. Taken over the last two windows, so a drift between the clocks cannot add up.
  let quickest = Infinity;
  let quickestBefore = Infinity;
  let windowFrames = 0;
  while (running) {
    const { value: frame, done } = await reader.read();
    if (done || !frame) break;
    const started = performance.now();
    const stamped = counter; // the number this frame carries
    const cameraGap = lastCameraTs === null ? 0 : (frame.timestamp - lastCameraTs) / 1000;
    lastCameraTs = frame.timestamp;
    if (cameraGap >= CAMERA_LATE_MS && stamped > 0) note('camera-stall', stamped - 1, cameraGap);
    const delay = started - frame.timestamp / 1000;
    quickest = Math.min(quickest, delay);
    if (++windowFrames >= BEHIND_WINDOW) {
      quickestBefore = quickest;
      quickest = delay;
      windowFrames = 0;
    }
    if (delay - Math.min(quickest, quickestBefore) > BEHIND_MS && stamped > 0) {
      note('late', stamped);
      loadSeenAt = started;
    }
    if (hidden) note('hidden', stamped);
    const now = new Date();
    let out: VideoFrame;
    try {
      out = fastPath
        ? await fast(frame, now).catch((err: unknown) => {
            fastPath = false;
            post({ type: 'error', message: `overlay fast path off: ${String(err)}` });
            return slow(frame, now);
          })
        : slow(frame, now);
    } catch (err) {
      // Never stall the recording: pass the frame on and tell the page the overlay failed.
      post({ type: 'error', message: `overlay failed: ${String(err)}` });
      out = frame.clone();
    }
    frame.close();
    counter = (counter + 1) % 2 ** COUNTER_BITS;
    frames++;
    // A clone is a reference to the same picture, not a copy. A preview that falls behind (or was
    // closed) drops frames; it never holds up the recording.
    const previewEvery = started - loadSeenAt < LOAD_HOLD_MS ? PREVIEW_UNDER_LOAD : PREVIEW_EVERY;
    const forPreview = previewWriter && frames % previewEvery === 0 && (previewWriter.desiredSize ?? 0) > 0 ? out.clone() : null;
    // The recorder's track still holds earlier frames: the encoder behind it is falling behind.
    if ((writer.desiredSize ?? 1) <= 0) {
      note('backpressure', stamped);
      loadSeenAt = started;
    }
    await writer.write(out);
    if (forPreview) previewWriter!.write(forPreview).catch(() => forPreview.close());
    // The first frame at once (the station is ready only with a picture), then about twice a
    // second whatever the camera's rate: the page's watchdog reads a frozen camera from these.
    const t = performance.now();
    if (t - started > LATE_MS) {
      note('late', stamped);
      loadSeenAt = t;
    }
    settle(stamped);
    if (frames === 1 || frames - lastStats >= 30 || t - lastStatsAt >= 500) {
      lastStats = frames;
      lastStatsAt = t;
      post({ type: 'stats', frames, fastPath, format: fastPath ? 'yuv' : 'canvas', lastFrameMs: t - started, pipFrames });
    }
  }
  for (const cur of open.values()) post({ type: 'incident', id: cur.id, incident: { ...cur.incident } });
  open.clear();
  post({ type: 'ended' });
  await previewWriter?.close().catch(() => {});
  await writer.close().catch(() => {});
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') {
    info = m.info;
    pump(m.readable, m.writable, m.preview ?? null).catch((err: unknown) => post({ type: 'error', message: String(err) }));
    if (m.pip) pumpPip(m.pip).catch((err: unknown) => post({ type: 'error', message: `picture-in-picture stopped: ${String(err)}` }));
  } else if (m.type === 'info') {
    info = m.info;
  } else if (m.type === 'visibility') {
    hidden = m.hidden;
  } else if (m.type === 'stop') {
    running = false;
  }
};

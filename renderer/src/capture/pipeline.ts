// Camera → overlay worker → one processed video track, which feeds both the preview and the
// recorder, so the packer sees exactly what is being recorded.
import type { PipCorner } from '../../../shared/pipGeometry.ts';
import type { FromWorker, OverlayInfo, PipStart, ToWorker } from './overlayProtocol.ts';
import { RecorderPool } from './recorder.ts';
import type { PageIncident } from '../../../shared/contract/continuity.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export interface CaptureOptions {
  width: number;
  height: number;
  fps: number;
  deviceId: string | null;
  /** A second camera composited picture-in-picture into the recorded picture; null = one camera. */
  pip: { deviceId: string; corner: PipCorner; scalePercent: number } | null;
  /** Record sound too (Settings → microphone, off by default). The preview never carries it. */
  microphone?: boolean;
}

export class CameraError extends Error {
  readonly kind: 'missing' | 'busy' | 'denied' | 'stalled' | 'other';
  constructor(kind: CameraError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

function explain(err: unknown): CameraError {
  const name = (err as DOMException)?.name ?? '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return new CameraError('missing', 'No camera found. Plug in the camera; the station picks it up by itself.');
  if (name === 'NotReadableError' || name === 'AbortError')
    return new CameraError('busy', 'The camera is busy or failed to start (another program may be using it).');
  if (name === 'NotAllowedError' || name === 'SecurityError') return new CameraError('denied', 'Camera access was refused. Allow the camera for this page.');
  return new CameraError('other', `The camera could not start: ${errorMessage(err)}`);
}

export function utcOffsetLabel(d = new Date()): string {
  const mins = -d.getTimezoneOffset();
  const sign = mins >= 0 ? '+' : '-';
  const h = Math.floor(Math.abs(mins) / 60);
  const m = Math.abs(mins) % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

export class CapturePipeline {
  /** What is recorded: every processed frame. */
  readonly stream: MediaStream;
  /** The recorders of this stream, reused clip after clip (recorder.ts says why). */
  readonly recorders: RecorderPool;
  /** What the packer sees: the same processed frames at a lower rate (cheaper to draw). */
  previewStream: MediaStream;
  readonly cameraTrack: MediaStreamTrack;
  private readonly worker: Worker;
  private readonly raw: MediaStream;
  frames = 0;
  pipFrames = 0;
  /** performance.now() when the worker last saw something move in the picture (0 = never). */
  lastMotionAt = 0;
  /** The second camera is open and feeding the worker. */
  pipActive = false;
  /** Why the second camera could not be used (the station records with the first alone). */
  pipProblem: string | null = null;
  /** The recorded stream carries the microphone. */
  audio = false;
  /** Why the microphone could not be used (the station records the picture alone). */
  micProblem: string | null = null;
  /** performance.now() when the worker last reported a processed frame (0 = none yet). */
  lastFrameAt = 0;
  /** performance.now() when this pipeline was opened: the watchdog's clock before the first frame. */
  readonly openedAt = performance.now();
  overlayError: string | null = null;
  onProblem: (message: string) => void = () => {};
  private frameWaiters: (() => void)[] = [];
  /** What the worker saw that may cost frames (newest last, at most MAX_INCIDENTS), by incident id. */
  private readonly incidents = new Map<number, PageIncident>();
  private static readonly MAX_INCIDENTS = 2000;
  private readonly onVisibility = (): void => this.worker.postMessage({ type: 'visibility', hidden: document.visibilityState === 'hidden' } satisfies ToWorker);

  private constructor(raw: MediaStream, stream: MediaStream, worker: Worker) {
    this.raw = raw;
    this.cameraTrack = raw.getVideoTracks()[0]!;
    this.stream = stream;
    this.recorders = new RecorderPool(stream);
    this.previewStream = stream;
    this.worker = worker;
    this.recorders.incidentsBetween = (fromMs, toMs) => [...this.incidents.values()].filter((i) => i.at <= toMs && i.at + i.ms >= fromMs);
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this.onVisibility);
      this.onVisibility();
    }
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'stats') {
        this.frames = m.frames;
        this.pipFrames = m.pipFrames;
        this.lastFrameAt = performance.now();
        for (const w of this.frameWaiters.splice(0)) w();
      } else if (m.type === 'incident') {
        this.incidents.delete(m.id); // re-inserted last: the map stays in the order of last news
        this.incidents.set(m.id, m.incident);
        if (this.incidents.size > CapturePipeline.MAX_INCIDENTS) this.incidents.delete(this.incidents.keys().next().value!);
      } else if (m.type === 'motion') {
        this.lastMotionAt = performance.now();
      } else if (m.type === 'error') {
        this.overlayError = m.message;
        this.onProblem(m.message);
      }
    };
  }

  static async open(opts: CaptureOptions, info: OverlayInfo): Promise<CapturePipeline> {
    if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('other', 'This browser cannot use a camera here (it needs https or localhost).');
    if (typeof MediaStreamTrackProcessor === 'undefined' || typeof MediaStreamTrackGenerator === 'undefined') {
      throw new CameraError('other', 'This browser cannot burn the overlay into the video (it needs Chromium 94 or newer).');
    }
    let raw: MediaStream;
    try {
      raw = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: {
          width: { ideal: opts.width },
          height: { ideal: opts.height },
          frameRate: { ideal: opts.fps },
          ...(opts.deviceId ? { deviceId: { exact: opts.deviceId } } : {}),
        },
      });
    } catch (err) {
      throw explain(err);
    }
    const track = raw.getVideoTracks()[0];
    if (!track || track.readyState !== 'live') throw new CameraError('missing', 'The camera gave no picture.');
    // The second camera is optional: if it is missing or busy, record with the first alone and say so.
    let pip: PipStart | null = null;
    let pipProblem: string | null = null;
    if (opts.pip) {
      try {
        const second = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { deviceId: { exact: opts.pip.deviceId }, width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: opts.fps } },
        });
        const pipTrack = second.getVideoTracks()[0]!;
        raw.addTrack(pipTrack); // closed with the main camera
        pip = { readable: new MediaStreamTrackProcessor({ track: pipTrack }).readable, corner: opts.pip.corner, scalePercent: opts.pip.scalePercent };
      } catch (err) {
        pipProblem = explain(err).message;
      }
    }
    const processor = new MediaStreamTrackProcessor({ track });
    const generator = new MediaStreamTrackGenerator({ kind: 'video' });
    // The preview gets its own track at a lower frame rate (overlayWorker.ts says why).
    const previewGenerator = new MediaStreamTrackGenerator({ kind: 'video' });
    const worker = new Worker(new URL('./overlayWorker.ts', import.meta.url), { type: 'module', name: 'overlay' });
    const msg: ToWorker = { type: 'start', readable: processor.readable, writable: generator.writable, info, pip, preview: previewGenerator.writable };
    const transfer = [
      processor.readable as unknown as Transferable,
      generator.writable as unknown as Transferable,
      previewGenerator.writable as unknown as Transferable,
    ];
    if (pip) transfer.push(pip.readable as unknown as Transferable);
    worker.postMessage(msg, transfer);
    // The microphone is optional like the second camera: without it the picture is still recorded.
    let micTrack: MediaStreamTrack | null = null;
    let micProblem: string | null = null;
    if (opts.microphone) {
      try {
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
        micTrack = mic.getAudioTracks()[0] ?? null;
        if (micTrack) raw.addTrack(micTrack); // closed with the camera
      } catch (err) {
        micProblem = errorMessage(err);
      }
    }
    const p = new CapturePipeline(raw, new MediaStream(micTrack ? [generator, micTrack] : [generator]), worker);
    p.audio = micTrack !== null;
    p.micProblem = micProblem;
    p.previewStream = new MediaStream([previewGenerator]);
    p.pipActive = pip !== null;
    p.pipProblem = pipProblem;
    return p;
  }

  /**
   * Resolves true once a processed frame came out of the worker, false after `timeoutMs` without
   * one. A camera can open (a live track) and still give no picture: a driver that hangs, a device
   * being released by the previous pipeline. The station is ready only with a picture.
   */
  firstFrame(timeoutMs: number): Promise<boolean> {
    if (this.lastFrameAt > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.lastFrameAt > 0), timeoutMs);
      this.frameWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  setInfo(info: OverlayInfo): void {
    this.worker.postMessage({ type: 'info', info } satisfies ToWorker);
  }

  close(): void {
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    for (const t of this.raw.getTracks()) t.stop();
    for (const t of this.stream.getTracks()) t.stop();
    for (const t of this.previewStream.getTracks()) t.stop();
    this.worker.terminate();
  }
}

// The packing station's behaviour, independent of React: camera, overlay, one recorder per clip,
// and what each scan does. Scans are handled strictly one after another, but finishing a clip runs
// in the background so the next order starts recording at once.
import type { Clip, Mode, Settings, StopReason } from '../../../shared/contract.ts';
import { decideScan, type StationPhase } from '../../../shared/stationMachine.ts';
import { callApi } from '../api/index.ts';
import { CameraError, CapturePipeline, utcOffsetLabel } from '../capture/pipeline.ts';
import { ClipRecorder, pickMimeType } from '../capture/recorder.ts';
import type { OverlayInfo } from '../capture/overlayProtocol.ts';

export type MessageLevel = 'info' | 'warn' | 'error';
export interface StationMessage {
  level: MessageLevel;
  text: string;
  at: number;
}

export interface StationSnapshot {
  phase: StationPhase;
  order: string | null;
  recordingId: string | null;
  startedAt: number | null; // performance.now() at start, for the mm:ss counter
  problem: string | null;
  message: StationMessage | null;
  lastClip: Clip | null;
  stationName: string;
  mode: Mode;
  operator: string | null;
  stream: MediaStream | null;
  saving: number; // clips being finished in the background
}

type Listener = (s: StationSnapshot) => void;

const RECONNECT_MS = 2000;
// The previous clip keeps recording this long after the next one starts. MediaRecorder.start()
// takes its first frame a frame or two late (measured: one frame lost with no overlap), so the
// clips overlap by a few frames instead: every frame is in at least one clip.
const SWITCH_OVERLAP_MS = 200;

export class StationController {
  private snap: StationSnapshot = {
    phase: 'starting',
    order: null,
    recordingId: null,
    startedAt: null,
    problem: null,
    message: null,
    lastClip: null,
    stationName: '',
    mode: 'shipping',
    operator: null,
    stream: null,
    saving: 0,
  };
  private readonly listeners = new Set<Listener>();
  private pipeline: CapturePipeline | null = null;
  private current: ClipRecorder | null = null;
  private settings: Settings | null = null;
  private mimeType = '';
  private queue: Promise<void> = Promise.resolve();
  private finishing = new Set<Promise<void>>();
  private pendingSwitches = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private reconnecting = false;
  private disposed = false;

  get snapshot(): StationSnapshot {
    return this.snap;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    l(this.snap);
    return () => this.listeners.delete(l);
  }

  private set(patch: Partial<StationSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l(this.snap);
  }

  private say(level: MessageLevel, text: string): void {
    this.set({ message: { level, text, at: Date.now() } });
  }

  private overlayInfo(order: string | null): OverlayInfo {
    return {
      order,
      station: this.snap.stationName,
      operator: this.snap.operator,
      mode: this.snap.mode,
      utcOffsetLabel: utcOffsetLabel(),
    };
  }

  async init(): Promise<void> {
    try {
      const info = await callApi('station.info', {});
      this.settings = info.settings;
      this.set({ stationName: info.stationName });
      if (info.problems.length) this.say('warn', info.problems.join(' '));
      this.mimeType = pickMimeType();
    } catch (err) {
      this.set({ phase: 'error', problem: `The station engine is not reachable: ${(err as Error).message}` });
      return;
    }
    await this.openCamera();
    this.watchdog = setInterval(() => this.checkCamera(), 1000);
  }

  private async openCamera(): Promise<boolean> {
    const s = this.settings!;
    try {
      const p = await CapturePipeline.open({ width: s.width, height: s.height, fps: s.fps, deviceId: s.cameraDeviceId }, this.overlayInfo(null));
      if (this.disposed) {
        p.close();
        return false;
      }
      p.onProblem = (m) => this.say('error', m);
      this.pipeline = p;
      this.set({ phase: 'idle', problem: null, stream: p.stream });
      return true;
    } catch (err) {
      const message = err instanceof CameraError ? err.message : `The camera could not start: ${(err as Error).message}`;
      this.set({ phase: 'error', problem: message, stream: null });
      this.scheduleReconnect();
      return false;
    }
  }

  private scheduleReconnect(): void {
    if (this.reconnecting || this.disposed) return;
    this.reconnecting = true;
    setTimeout(() => {
      this.reconnecting = false;
      if (this.disposed || this.pipeline) return;
      this.queue = this.queue.then(async () => {
        if (!this.pipeline && (await this.openCamera())) this.say('info', 'Camera connected. Scan an order to record.');
      });
    }, RECONNECT_MS);
  }

  /** An unplugged camera ends its track; a stalled one stops sending frames. */
  private checkCamera(): void {
    const p = this.pipeline;
    if (!p) return;
    if (p.cameraTrack.readyState === 'ended') this.queue = this.queue.then(() => this.cameraLost());
  }

  private async cameraLost(): Promise<void> {
    const p = this.pipeline;
    if (!p) return;
    this.pipeline = null;
    const rec = this.current;
    this.current = null;
    const problem = 'Camera disconnected. Reconnect it; the station picks it up by itself.';
    this.set({ phase: 'error', problem, order: null, recordingId: null, startedAt: null, stream: null });
    if (rec) this.finishInBackground(rec, this.snap.order ?? '', 'camera-lost', 'interrupted', 'The camera was disconnected while recording.');
    p.close();
    this.scheduleReconnect();
  }

  scan(raw: string): Promise<void> {
    const task = this.queue.then(() => this.handleScan(raw));
    this.queue = task.catch(() => {});
    return task;
  }

  stop(reason: StopReason = 'stop-button'): Promise<void> {
    const task = this.queue.then(() => this.stopCurrent(reason));
    this.queue = task.catch(() => {});
    return task;
  }

  private async handleScan(raw: string): Promise<void> {
    const d = decideScan({ phase: this.snap.phase, order: this.snap.order, startedAt: this.snap.startedAt }, raw, performance.now());
    switch (d.kind) {
      case 'refuse':
        this.say('error', d.message);
        return;
      case 'ignore':
        this.say('info', d.message);
        return;
      case 'stop':
        await this.stopCurrent(d.reason);
        return;
      case 'start':
      case 'switch':
        await this.startClip(d.order);
        return;
    }
  }

  private async startClip(order: string): Promise<void> {
    const p = this.pipeline;
    if (!p || !this.settings) return;
    let started;
    try {
      started = await callApi('recording.start', { order, mimeType: this.mimeType, mode: this.snap.mode, operator: this.snap.operator });
    } catch (err) {
      // The current clip (if any) keeps recording: a refused code must not end a good recording.
      this.say('error', (err as Error).message);
      return;
    }
    const next = new ClipRecorder(p.stream, started.recordingId, this.mimeType, this.settings.videoBitsPerSecond);
    next.onProblem = (m) => this.say('error', m);
    const prev = this.current;
    const prevOrder = this.snap.order;
    p.setInfo(this.overlayInfo(started.order));
    // Start the next recorder before stopping the previous one: switching orders loses no frames.
    next.start();
    this.current = next;
    if (prev && prevOrder) {
      this.pendingSwitches++;
      setTimeout(() => {
        this.pendingSwitches--;
        this.finishInBackground(prev, prevOrder, 'next-scan', 'ok', null);
      }, SWITCH_OVERLAP_MS);
    }
    this.set({ phase: 'recording', order: started.order, recordingId: started.recordingId, startedAt: next.startedAt });
    const before = started.previous.at(-1);
    if (before) {
      const when = new Date(before.startedAt).toLocaleString();
      this.say('warn', `${started.order} was recorded before (${started.previous.length}×, last ${when} at ${before.station}). Recording a new clip.`);
    } else {
      this.say('info', `Recording ${started.order}.`);
    }
  }

  private async stopCurrent(reason: StopReason): Promise<void> {
    const rec = this.current;
    const order = this.snap.order;
    if (!rec || !order) {
      this.say('info', 'Nothing is being recorded.');
      return;
    }
    this.current = null;
    this.pipeline?.setInfo(this.overlayInfo(null));
    this.set({ phase: 'idle', order: null, recordingId: null, startedAt: null });
    this.finishInBackground(rec, order, reason, 'ok', null);
  }

  private finishInBackground(rec: ClipRecorder, order: string, reason: StopReason, status: 'ok' | 'interrupted', note: string | null): void {
    const job = (async () => {
      this.set({ saving: this.snap.saving + 1 });
      try {
        const { chunkCount, problem } = await rec.stop();
        const res = await callApi('recording.finish', {
          recordingId: rec.recordingId,
          reason,
          chunkCount,
          status,
          note: [note, problem].filter(Boolean).join(' ') || null,
        });
        if (res.clip) {
          this.set({ lastClip: res.clip });
          if (this.snap.phase !== 'recording') this.say(status === 'ok' ? 'info' : 'warn', `Saved ${order} (${Math.round(res.clip.durationMs / 1000)} s).`);
        }
        if (res.message) this.say('warn', res.message);
      } catch (err) {
        this.say('error', `The clip of ${order} could not be finished: ${(err as Error).message}`);
      } finally {
        this.set({ saving: this.snap.saving - 1 });
      }
    })();
    this.finishing.add(job);
    void job.finally(() => this.finishing.delete(job));
  }

  /** Quitting or closing: finish the clip being recorded and wait until it is saved. */
  async shutdown(): Promise<void> {
    await this.stop('shutdown');
    await this.queue;
    while (this.pendingSwitches > 0) await new Promise((r) => setTimeout(r, 50));
    await Promise.all([...this.finishing]);
  }

  setMode(mode: Mode): void {
    this.set({ mode });
    this.pipeline?.setInfo(this.overlayInfo(this.snap.order));
  }

  setOperator(operator: string | null): void {
    this.set({ operator });
    this.pipeline?.setInfo(this.overlayInfo(this.snap.order));
  }

  dispose(): void {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.pipeline?.close();
    this.pipeline = null;
  }

  /** For tests and benchmarks: frames the overlay worker has processed so far. */
  get framesProcessed(): number {
    return this.pipeline?.frames ?? 0;
  }

  get cameraTrack(): MediaStreamTrack | null {
    return this.pipeline?.cameraTrack ?? null;
  }
}

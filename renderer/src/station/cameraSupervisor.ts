// The station's camera: opening the chosen device ("ready" means a picture, not a live track),
// reopening it when its settings change (between clips, never mid-clip), and noticing when it goes
// away: an unplugged camera ends its track, a frozen one stops sending frames (cameraHealth.ts).
// Either way the window raises the alarm at once and the camera is reopened by itself; what it
// means for the clip being recorded is the clip session's business (the host's lostClip / back).
import type { Settings, StopReason } from '../../../shared/contract.ts';
import type { Msg } from '../../../shared/stationMachine.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { msg as words, type Message } from '../../../shared/messages.ts';
import type { OverlayInfo } from '../capture/overlayProtocol.ts';
import { CameraError, type CaptureOptions, type CapturePipeline } from '../capture/pipeline.ts';
import { cameraHealth, FIRST_FRAME_MS, STALL_MS } from './cameraHealth.ts';
import type { SerialQueue } from './serialQueue.ts';
import { rawMsg, type StationState } from './stationState.ts';

/** What the station uses of an open camera (capture/pipeline.ts). */
export type CameraPipeline = Pick<
  CapturePipeline,
  | 'cameraTrack'
  | 'recorders'
  | 'previewStream'
  | 'frames'
  | 'pipFrames'
  | 'lastFrameAt'
  | 'openedAt'
  | 'lastMotionAt'
  | 'overlayError'
  | 'pipActive'
  | 'pipProblem'
  | 'micProblem'
  | 'audio'
  | 'onProblem'
  | 'firstFrame'
  | 'setInfo'
  | 'close'
>;

export interface CameraTiming {
  /** A camera that is missing, busy or dark is tried again after this long. */
  reconnectMs: number;
  // A camera closed and opened again at once can come back dark: the browser still releases the
  // device while the new request attaches to it, and the new track is live but never gets a frame
  // (most of all with picture-in-picture, where the same device is opened twice; immediate retries
  // stay dark, a reconnect 2 s later does not). Closing waits this long first.
  releaseMs: number;
  /** How long a newly opened camera may take to give its first picture. */
  firstFrameMs: number;
  /** No processed frame for this long while the track is live: the camera is frozen. */
  stallMs: number;
  /** How often the watchdog looks for a frozen camera (a frozen camera sends no event of its own). */
  watchdogMs: number;
}

export const CAMERA_TIMING: CameraTiming = { reconnectMs: 2000, releaseMs: 1500, firstFrameMs: FIRST_FRAME_MS, stallMs: STALL_MS, watchdogMs: 1000 };

// Settings that need the camera reopened when they change (applied between clips, never mid-clip).
const CAMERA_KEYS = ['cameraDeviceId', 'width', 'height', 'fps', 'pipCameraDeviceId', 'pipCorner', 'pipScalePercent', 'microphone'] as const;

function cameraMsg(err: unknown): Msg {
  if (err instanceof CameraError) return { key: `camera.${err.kind}`, params: { detail: err.message } };
  return { key: 'camera.other', params: { detail: errorMessage(err) } };
}

export function captureOptions(s: Settings): CaptureOptions {
  return {
    width: s.width,
    height: s.height,
    fps: s.fps,
    deviceId: s.cameraDeviceId,
    pip: s.pipCameraDeviceId ? { deviceId: s.pipCameraDeviceId, corner: s.pipCorner, scalePercent: s.pipScalePercent } : null,
    microphone: s.microphone,
  };
}

export interface CameraHost {
  state: StationState;
  /** The station's one line of work: every reopening runs in it, between scans. */
  queue: SerialQueue;
  settings(): Settings | null;
  /** The overlay of a station not recording (an opened camera starts with it). */
  overlayIdle(): OverlayInfo;
  open(opts: CaptureOptions, info: OverlayInfo): Promise<CameraPipeline>;
  /** Why the engine cannot record, if it cannot: a camera that opens meanwhile leaves the window in that alarm. */
  blockedMsg(): Msg | null;
  isRecording(): boolean;
  /** Resolves once switched-out clips no longer record from the camera. */
  switchesDone(): Promise<void>;
  /** The camera is open and gives a picture. */
  opened(p: CameraPipeline): void;
  /** The camera is about to be closed. */
  closing(): void;
  /** The camera went away under the clip being recorded (if any): it is finished as interrupted with `note`. */
  lostClip(reason: StopReason, note: string | Message): { order: string } | null;
  /** The camera gives a picture again after it froze or could not be opened: true when a clip it cut short goes on. */
  back(): Promise<boolean>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export class CameraSupervisor {
  private readonly host: CameraHost;
  private readonly timing: CameraTiming;
  private current: CameraPipeline | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private reconnecting = false;
  private checking = false;
  /** Camera settings changed while a clip was recording: the camera is reopened once it ends. */
  private dirty = false;
  private disposed = false;
  /** What the camera did (opened, dark, failed), for diagnostics; the test hook listens. */
  onNote: (text: string) => void = () => {};

  constructor(host: CameraHost, timing: Partial<CameraTiming> = {}) {
    this.host = host;
    this.timing = { ...CAMERA_TIMING, ...timing };
  }

  /** The open camera, or null while it is closed, missing or being reopened. */
  get pipeline(): CameraPipeline | null {
    return this.current;
  }

  /** Opens the camera and starts watching it. */
  async start(): Promise<void> {
    await this.open();
    if (this.disposed) return;
    this.watchdog = setInterval(() => this.check(), this.timing.watchdogMs);
  }

  /** Settings changed: true when the camera itself changes (reopened between clips). */
  applySettings(prev: Settings, next: Settings): boolean {
    if (!CAMERA_KEYS.some((k) => prev[k] !== next[k])) return false;
    this.dirty = true;
    this.applyPendingChange();
    return true;
  }

  /** A camera change waiting for the end of a clip is made now, if no clip records any more. */
  applyPendingChange(): void {
    if (!this.dirty || this.host.isRecording() || this.host.state.snapshot.phase === 'starting' || this.disposed) return;
    this.dirty = false;
    this.host.queue.post(async () => {
      if (this.host.isRecording()) {
        this.dirty = true; // a scan started a clip meanwhile: wait for its end
        return;
      }
      // Let a switched-out recorder finish its overlap before its source goes away.
      await this.host.switchesDone();
      const old = this.current;
      this.current = null;
      this.host.state.set({ stream: null });
      this.host.closing();
      old?.close();
      if (old) await this.host.sleep(this.timing.releaseMs);
      if (await this.open()) this.host.state.say('info', { key: 'camera.reopened' });
    });
  }

  /**
   * Opens the camera and waits for its first picture. A camera that opens and stays dark is
   * closed and, once the device is released, opened once more, then reported like a missing one.
   */
  private async openPipeline(): Promise<CameraPipeline> {
    const settings = this.host.settings();
    if (!settings) throw new CameraError('other', 'the station has no settings yet');
    for (let attempt = 1; ; attempt++) {
      const p = await this.host.open(captureOptions(settings), this.host.overlayIdle());
      if (await p.firstFrame(this.timing.firstFrameMs)) {
        this.onNote(`opened (attempt ${attempt}, pip ${p.pipActive})`);
        return p;
      }
      this.onNote(`dark: no frame within ${this.timing.firstFrameMs} ms (attempt ${attempt})`);
      p.close();
      if (attempt >= 2 || this.disposed) throw new CameraError('stalled', `no picture within ${this.timing.firstFrameMs / 1000} s of opening`);
      await this.host.sleep(this.timing.releaseMs);
    }
  }

  /** Opens the camera; on failure says why and tries again later (scheduleReconnect). */
  private async open(): Promise<boolean> {
    const { state } = this.host;
    try {
      const p = await this.openPipeline();
      if (this.disposed) {
        p.close();
        return false;
      }
      p.onProblem = (m) => state.say('error', rawMsg(m));
      // An unplugged camera ends its track: noticed at once (the watchdog also catches a track
      // stopped by the page itself, which fires no event).
      p.cameraTrack.addEventListener?.('ended', () => this.check());
      this.current = p;
      this.dirty = false;
      this.host.opened(p);
      const blocked = this.host.blockedMsg();
      // The preview's own, lower-rate track of the same processed frames (capture/overlayWorker.ts).
      state.set({ phase: blocked ? 'error' : 'idle', problem: blocked, stream: p.previewStream, pip: p.pipActive });
      if (p.pipProblem) state.say('warn', { key: 'camera.pipFailed', params: { detail: p.pipProblem } });
      if (p.micProblem) state.say('warn', { key: 'camera.micFailed', params: { detail: p.micProblem } });
      return true;
    } catch (err) {
      this.onNote(`failed: ${err instanceof Error ? err.name : ''} ${errorMessage(err)}`);
      state.set({ phase: 'error', problem: cameraMsg(err), stream: null });
      state.cue('error');
      this.scheduleReconnect();
      return false;
    }
  }

  private scheduleReconnect(): void {
    if (this.reconnecting || this.disposed) return;
    this.reconnecting = true;
    setTimeout(() => {
      this.reconnecting = false;
      if (this.disposed || this.current) return;
      this.host.queue.post(async () => {
        if (!this.current && (await this.open()) && !(await this.host.back())) this.host.state.say('info', { key: 'camera.connected' });
      });
    }, this.timing.reconnectMs);
  }

  /** The watchdog: an unplugged camera ends its track; a frozen one stops sending frames (cameraHealth.ts). */
  check(): void {
    const p = this.current;
    if (!p || this.checking) return;
    const health = cameraHealth(
      { trackState: p.cameraTrack.readyState, lastFrameAt: p.lastFrameAt, openedAt: p.openedAt },
      this.host.now(),
      this.timing.stallMs,
    );
    if (health === 'ok') return;
    this.checking = true;
    const handle = health === 'ended' ? () => this.lost() : () => this.stalled(p);
    const done = () => {
      this.checking = false;
    };
    this.host.queue.run(handle).then(done, done);
  }

  /**
   * The camera froze: what was recorded is kept as an interrupted clip, the camera is reopened at
   * once, and the order being packed goes on recording in a new clip by itself (the host's back):
   * the packer's hands are in the parcel, and a second clip of the same order is better evidence
   * than a gap. A camera that does not give a picture at once is retried like a missing one, and
   * the order goes on when it does.
   */
  private async stalled(p: CameraPipeline): Promise<void> {
    if (this.current !== p) return; // already replaced (settings, an unplug handled first)
    this.current = null;
    const { state } = this.host;
    const seconds = Math.round(this.timing.stallMs / 1000);
    const frozen: Msg = { key: 'camera.frozen', params: { seconds } };
    const cut = this.host.lostClip('camera-stalled', words('note-camera-stalled', { seconds }));
    state.set({ phase: 'error', problem: frozen, stream: null });
    state.cue('error');
    if (cut) state.log(cut.order, 'stopped', 'error', frozen);
    this.host.closing();
    p.close();
    await this.host.sleep(this.timing.releaseMs);
    if (!(await this.open())) return; // reported; retried like a missing camera
    if (!(await this.host.back())) state.say('warn', { key: 'camera.frozenRecovered', params: { seconds } });
  }

  private async lost(): Promise<void> {
    const p = this.current;
    if (!p) return;
    this.current = null;
    this.host.lostClip('camera-lost', words('note-camera-lost'));
    this.host.state.set({ phase: 'error', problem: { key: 'camera.lost' }, stream: null });
    this.host.state.cue('error');
    this.host.closing();
    p.close();
    this.scheduleReconnect();
  }

  dispose(): void {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.current?.close();
    this.current = null;
  }
}

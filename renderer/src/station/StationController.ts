// The packing station's behaviour, independent of React, wired from its parts: the camera
// (cameraSupervisor.ts), the recording of one clip at a time (clipSession.ts), what each scan does
// (scans.ts), auto stop (autoStop.ts) and the camera's label reading (labels/). They share the
// window's state (stationState.ts) and one serial queue: scans, stops, camera recoveries and camera
// changes run one after another, while finishing a clip runs in the background so the next order
// starts recording at once.
//
// Both doors run this same class (the Electron window and a LAN browser load the same page), so
// control codes, auto stop and the scan rules behave identically whichever door carries the calls.
import type { Mode, Settings, StopReason } from '../../../shared/contract.ts';
import { callApi } from '../api/index.ts';
import { CapturePipeline } from '../capture/pipeline.ts';
import { ClipRecorder, pickMimeType } from '../capture/recorder.ts';
import { CameraLabels } from '../labels/cameraLabels.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { isMessageCode, type Message } from '../../../shared/messages.ts';
import { AutoStop } from './autoStop.ts';
import { CameraSupervisor } from './cameraSupervisor.ts';
import { ClipSession } from './clipSession.ts';
import { codeRulesOf, ScanHandler } from './scans.ts';
import { SerialQueue } from './serialQueue.ts';
import type { Cue } from './sounds.ts';
import { rawMsg, StationState, type CodeSource, type EngineEnd, type StationSnapshot } from './stationState.ts';
import { StationTestHook } from './testHook.ts';

export { codeRulesOf } from './scans.ts';
export { errorMsg, rawMsg } from './stationState.ts';
export type { CodeSource, EndCause, EngineEnd, MessageLevel, StationMessage, StationSnapshot } from './stationState.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();

export class StationController {
  private readonly state = new StationState();
  private readonly queue = new SerialQueue();
  private settings: Settings | null = null;
  private disposed = false;

  private readonly session: ClipSession = new ClipSession({
    state: this.state,
    call: callApi,
    settings: () => this.settings,
    camera: () => this.camera.pipeline,
    newRecorder: (pool, recordingId, mimeType, bps) => new ClipRecorder(pool, recordingId, mimeType, bps),
    labels: {
      clipStarted: () => this.labels.clipStarted(),
      clipLabels: (recordingId, order) => this.labels.clipLabels(recordingId, order),
    },
    clipEnded: () => this.camera.applyPendingChange(),
    now,
  });

  private readonly camera: CameraSupervisor = new CameraSupervisor({
    state: this.state,
    queue: this.queue,
    settings: () => this.settings,
    overlayIdle: () => this.session.overlayInfo(null),
    open: (opts, info) => CapturePipeline.open(opts, info),
    blockedMsg: () => this.session.blockedMsg,
    isRecording: () => this.session.recorder !== null,
    switchesDone: () => this.session.switchesDone(),
    opened: (p) => {
      this.labels.attach(p.cameraTrack);
      this.session.mimeType = pickMimeType(p.audio);
    },
    closing: () => this.labels.detach(),
    // Only a frozen camera's order is recorded on by itself; an unplugged camera was taken away.
    lostClip: (reason, note) => this.session.interrupt(reason, note, reason === 'camera-stalled'),
    back: () => this.cameraBack(),
    sleep,
    now,
  });

  private readonly scans = new ScanHandler({
    state: this.state,
    session: this.session,
    call: callApi,
    settings: () => this.settings,
    idleOverlayChanged: () => {
      if (!this.session.recorder) this.camera.pipeline?.setInfo(this.session.overlayInfo(null));
    },
    now,
  });

  private readonly autoStop = new AutoStop({
    state: this.state,
    settings: () => this.settings,
    lastMotionAt: () => this.camera.pipeline?.lastMotionAt ?? 0,
    stop: (recordingId, reason) =>
      this.queue.post(() => {
        if (this.state.snapshot.recordingId !== recordingId || !this.session.recorder) return; // a scan got there first
        const order = this.state.snapshot.order ?? '';
        const msg = { key: reason === 'auto-idle' ? 'auto.idle' : 'auto.max', params: { order } };
        this.session.stop(reason);
        this.state.say('warn', msg);
        this.state.log(order, 'stopped', 'warn', msg);
      }),
    now,
  });

  /** The camera reading labels (renderer/src/labels/): its takes come in through scan(). */
  readonly labels: CameraLabels = new CameraLabels({
    settings: () => this.settings,
    rules: () => codeRulesOf(this.settings),
    recording: () => {
      const s = this.state.snapshot;
      return this.session.recorder && s.order && s.recordingId && s.startedAt !== null
        ? { recordingId: s.recordingId, order: s.order, startedAt: s.startedAt, source: s.clipSource === 'camera' ? 'camera' : 'scanner' }
        : null;
    },
    scan: (code) => void this.scan(code, 'camera'),
    flag: (code, msg) => {
      this.state.say('error', msg);
      this.state.log(code, 'mismatch', 'error', msg, 'camera');
    },
    note: (code, msg) => {
      this.state.set({ message: { level: 'info', msg, at: Date.now() } });
      this.state.log(code, 'ignored', 'info', msg, 'camera');
    },
    problem: (m) => this.state.say('warn', rawMsg(m)),
  });

  /** What tests and benchmarks reach on the page (window.__pwStation); nothing in the station uses it. */
  readonly testHook = new StationTestHook({
    snapshot: () => this.state.snapshot,
    scan: (code, source) => this.scan(code, source),
    stop: (reason) => this.stop(reason),
    pipeline: () => this.camera.pipeline,
    recorderState: () => this.session.recorderState,
    blocked: () => this.session.blockedMsg?.key ?? null,
    labels: () => this.labels.stats,
    watchCamera: (listener) => {
      this.camera.onNote = listener;
    },
  });

  /** Sounds and any other "without looking" feedback; StationContext plugs in WebAudio. */
  set onCue(cue: (cue: Cue) => void) {
    this.state.cue = cue;
  }

  get snapshot(): StationSnapshot {
    return this.state.snapshot;
  }

  subscribe(l: (s: StationSnapshot) => void): () => void {
    return this.state.subscribe(l);
  }

  async init(): Promise<void> {
    try {
      const info = await callApi('station.info', {});
      this.settings = info.settings;
      this.state.set({ stationName: info.stationName, settings: info.settings, operator: info.settings.operator });
      if (info.problems.length) this.state.say('warn', rawMsg(info.problems.join(' ')));
      this.session.mimeType = pickMimeType();
    } catch (err) {
      this.state.set({ phase: 'error', problem: { key: 'station.engineUnreachable', params: { detail: errorMessage(err) } } });
      return;
    }
    if (!this.disposed) await this.camera.start();
  }

  /** The camera gives a picture again: the order a frozen camera cut short goes on in a new clip. */
  private async cameraBack(): Promise<boolean> {
    const held = this.session.takeHeld();
    if (!held) return false;
    if (held.mode && held.mode !== this.state.snapshot.mode) this.state.set({ mode: held.mode }); // the same order goes on in its own mode
    await this.session.start(held.order, 'resume', null, held.source ?? 'scanner');
    return true;
  }

  /** A problem the engine reports while running (disk full, a page that vanished, retention). */
  engineProblem(text: string, words?: Message): void {
    // The engine reports an ended recording twice (recording.ended, then as a problem): one alarm.
    if (this.session.blockedMessage === text) return;
    this.state.say('error', words && isMessageCode(words.code) ? { key: `engine.${words.code}`, params: words.params } : rawMsg(text));
  }

  /** The engine ended this page's recording, refused a start, or cannot be reached (clipSession.ts). */
  engineEnded(e: EngineEnd): void {
    this.session.engineEnded(e);
  }

  /** A key press or click at the station: keeps an idle clip alive. */
  activity(): void {
    this.autoStop.activity();
  }

  scan(raw: string, source: CodeSource = 'scanner'): Promise<void> {
    this.activity();
    return this.queue.run(() => this.scans.handle(raw, source));
  }

  stop(reason: StopReason = 'stop-button'): Promise<void> {
    return this.queue.run(() => this.session.stop(reason));
  }

  /** The DISCARD action (control code or button): the clip being recorded is thrown away, logged in the chain. */
  discard(): Promise<void> {
    return this.queue.run(() => this.session.discard('discard button'));
  }

  setMode(mode: Mode): void {
    void this.scan(mode === 'returns' ? 'PW:MODE:RETURNS' : 'PW:MODE:SHIPPING');
  }

  /** Settings changed (this page or another door): applied at once, the camera between clips. */
  applySettings(next: Settings): void {
    const prev = this.settings;
    this.settings = next;
    this.state.set({ settings: next, stationName: next.stationName, operator: this.scans.operatorOf(next) });
    this.labels.applySettings(prev, next, this.camera.pipeline?.cameraTrack ?? null);
    this.autoStop.settingsChanged();
    if (!prev) return;
    if (!this.camera.applySettings(prev, next)) this.camera.pipeline?.setInfo(this.session.overlayInfo(this.state.snapshot.order));
  }

  /** Quitting or closing: finish the clip being recorded and wait until it is saved. */
  async shutdown(): Promise<void> {
    await this.stop('shutdown');
    await this.queue.idle();
    await this.session.settled();
  }

  dispose(): void {
    this.disposed = true;
    this.autoStop.dispose();
    this.session.dispose();
    this.labels.detach();
    this.camera.dispose();
  }
}

// The packing station's behaviour, independent of React: camera, overlay, one recording per clip,
// and what each scan does. Scans are handled strictly one after another, but finishing a clip runs
// in the background so the next order starts recording at once.
//
// Both doors run this same class (the Electron window and a LAN browser load the same page), so
// control codes, auto stop and the scan rules behave identically whichever door carries the calls.
import type { Clip, Mode, RecordingEndCause, Settings, StopReason } from '../../../shared/contract.ts';
import type { CodeRules } from '../../../shared/codePatterns.ts';
import { decideScan, DEFAULT_MACHINE_OPTIONS, type Msg, type StationPhase } from '../../../shared/stationMachine.ts';
import { callApi } from '../api/index.ts';
import { isMessageCode, type Message } from '../../../shared/messages.ts';
import { CameraError, CapturePipeline, utcOffsetLabel, type CaptureOptions } from '../capture/pipeline.ts';
import { ClipRecorder, pickMimeType } from '../capture/recorder.ts';
import type { OverlayInfo } from '../capture/overlayProtocol.ts';
import { cameraHealth, FIRST_FRAME_MS, STALL_MS } from './cameraHealth.ts';
import { addToScanLog, loadScanLog, type ScanLogEntry, type ScanOutcome } from './scanLog.ts';
import { SerialQueue } from './serialQueue.ts';
import type { Cue } from './sounds.ts';
import { CameraLabels, type ScanSource } from '../labels/cameraLabels.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export type MessageLevel = 'info' | 'warn' | 'error';
/** How a code came in: scanned, read by the camera, or typed into the order box by a person. */
export type CodeSource = ScanSource | 'typed';
export interface StationMessage {
  level: MessageLevel;
  msg: Msg;
  at: number;
  /** The scan this message answers (a refusal or an ignored scan), shown beside it. */
  answers?: string;
}

/** Text that came from elsewhere (the engine, the browser) and is shown as it is. */
export const rawMsg = (text: string): Msg => ({ key: 'msg.raw', params: { text } });

/** A failed call: the engine's message code worded by the UI (i18n `engine.<code>`), else its text. */
export const errorMsg = (err: unknown): Msg => {
  const words = (err as { words?: Message } | null)?.words;
  return words && isMessageCode(words.code) ? { key: `engine.${words.code}`, params: words.params } : rawMsg(errorMessage(err));
};

export interface StationSnapshot {
  phase: StationPhase;
  order: string | null;
  recordingId: string | null;
  startedAt: number | null; // performance.now() at start, for the mm:ss counter
  problem: Msg | null;
  message: StationMessage | null;
  lastClip: Clip | null;
  stationName: string;
  mode: Mode; // for the next clip
  operator: string | null; // logged in by badge; goes into the next clip
  clipMode: Mode | null; // of the clip being recorded
  stream: MediaStream | null;
  saving: number; // clips being finished in the background
  scanLog: ScanLogEntry[];
  pip: boolean; // a second camera is composited into the picture
  settings: Settings | null;
  clipSource: CodeSource | null; // how the code of the clip being recorded came in
}

type Listener = (s: StationSnapshot) => void;

const RECONNECT_MS = 2000;
// A camera closed and opened again at once can come back dark: the browser still releases the
// device while the new request attaches to it, and the new track is live but never gets a frame
// (most of all with picture-in-picture, where the same device is opened twice; immediate retries
// stay dark, a reconnect 2 s later does not). Closing waits this long first.
const RELEASE_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The previous clip keeps recording this long after the next one starts. MediaRecorder.start()
// takes its first frame a frame or two late (measured: one frame lost with no overlap), so the
// clips overlap by a few frames instead: every frame is in at least one clip.
const SWITCH_OVERLAP_MS = 200;
const AUTO_STOP_CHECK_MS = 250;
/** While the engine cannot record, how often the page asks it (recording.ready) whether it can again. */
const READY_POLL_MS = 1000;

/** Why the engine ended this page's recording: its own causes, plus what only the page can see. */
export type EndCause = RecordingEndCause | 'unreachable' | 'engine' | 'refused';
export interface EngineEnd {
  /** null: whatever is recording now (the engine refused to start, or cannot be reached). */
  recordingId: string | null;
  cause: EndCause;
  message: string;
}
const END_STOP_REASON: Record<EndCause, StopReason> = {
  'disk-full': 'disk-full',
  storage: 'disk-full',
  'chunks-refused': 'chunks-refused',
  'page-closed': 'page-closed',
  shutdown: 'shutdown',
  restarted: 'station-unreachable',
  unreachable: 'station-unreachable',
  engine: 'disk-full',
  refused: 'disk-full',
};

// Settings that need the camera reopened when they change (applied between clips, never mid-clip).
const CAMERA_KEYS = ['cameraDeviceId', 'width', 'height', 'fps', 'pipCameraDeviceId', 'pipCorner', 'pipScalePercent', 'microphone'] as const;

export function codeRulesOf(s: Settings | null): CodeRules {
  if (!s) return DEFAULT_MACHINE_OPTIONS.rules;
  return {
    carriers: s.carrierPatterns,
    custom: s.customPatterns,
    stripPrefix: s.stripPrefix,
    stripSuffix: s.stripSuffix,
    allowProductBarcodes: s.allowProductBarcodes,
  };
}

function cameraMsg(err: unknown): Msg {
  if (err instanceof CameraError) return { key: `camera.${err.kind}`, params: { detail: err.message } };
  return { key: 'camera.other', params: { detail: errorMessage(err) } };
}

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
    clipMode: null,
    stream: null,
    saving: 0,
    scanLog: loadScanLog(),
    pip: false,
    settings: null,
    clipSource: null,
  };
  private readonly listeners = new Set<Listener>();
  private pipeline: CapturePipeline | null = null;
  private current: ClipRecorder | null = null;
  private clipOperator: string | null = null;
  private settings: Settings | null = null;
  private mimeType = '';
  private readonly queue = new SerialQueue();
  private finishing = new Set<Promise<void>>();
  /** Switched-out recorders still recording their overlap: each resolves once it is handed to finishing. */
  private readonly switching = new Set<Promise<void>>();
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private autoStopTimer: ReturnType<typeof setInterval> | null = null;
  private reconnecting = false;
  private checkingCamera = false;
  /** The camera's last few openings and failures, for diagnostics (a failed test prints them). */
  private readonly cameraLog: string[] = [];
  private disposed = false;
  private cameraDirty = false;
  /** performance.now() of the last scan, key press or click at the station (for the idle stop). */
  private lastActivity = performance.now();
  /**
   * Set while the engine cannot record (it ended this page's recording, refused a start, or does
   * not answer): the window stays in the alarm state and scans are refused with this reason until
   * recording.ready says yes; then it returns to ready by itself.
   */
  private blocked: { msg: Msg; recordingId: string | null; message: string } | null = null;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;
  /** Recordings the engine ended: what their recorders and finishes report later is told without a new alarm. */
  private readonly endedByEngine = new Set<string>();
  /** performance.now() of a first PW:DISCARD of the clip being recorded (shared/stationMachine.ts DISCARD_CONFIRM_MS). */
  private discardArmedAt: number | null = null;
  /** settings.update calls for the operator not yet answered. */
  private operatorWrites = 0;
  /** The camera reading labels (renderer/src/labels/): its takes come in through scan(). */
  readonly labels = new CameraLabels({
    settings: () => this.settings,
    rules: () => codeRulesOf(this.settings),
    recording: () =>
      this.current && this.snap.order && this.snap.recordingId && this.snap.startedAt !== null
        ? {
            recordingId: this.snap.recordingId,
            order: this.snap.order,
            startedAt: this.snap.startedAt,
            source: this.snap.clipSource === 'camera' ? 'camera' : 'scanner',
          }
        : null,
    scan: (code) => void this.scan(code, 'camera'),
    flag: (code, msg) => {
      this.say('error', msg);
      this.log(code, 'mismatch', 'error', msg, 'camera');
    },
    note: (code, msg) => {
      this.set({ message: { level: 'info', msg, at: Date.now() } });
      this.log(code, 'ignored', 'info', msg, 'camera');
    },
    problem: (m) => this.say('warn', rawMsg(m)),
  });
  /** Sounds and any other "without looking" feedback; StationContext plugs in WebAudio. */
  onCue: (cue: Cue) => void = () => {};

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

  /** A problem the engine reports while running (disk full, a page that vanished, retention). */
  engineProblem(text: string, words?: Message): void {
    // The engine reports an ended recording twice (recording.ended, then as a problem): one alarm.
    if (this.blocked?.message === text) return;
    this.say('error', words && isMessageCode(words.code) ? { key: `engine.${words.code}`, params: words.params } : rawMsg(text));
  }

  /**
   * The engine ended this page's recording (its recording.ended event or its answer to a chunk,
   * whichever comes first), refused a start, or cannot be reached: the window leaves "Recording" at
   * once, in the alarm colour with its sound, and refuses scans with the reason until the engine
   * says it can record again.
   */
  engineEnded(e: EngineEnd): void {
    if (this.disposed) return;
    const rec = this.current;
    const mine = rec !== null && (e.recordingId === null || e.recordingId === rec.recordingId);
    if (!mine) {
      // Already ended through the other path: the event's precise cause replaces a generic one.
      const generic = this.blocked?.msg.key === 'ended.engine' || this.blocked?.msg.key === 'ended.unreachable';
      if (
        this.blocked &&
        generic &&
        e.recordingId !== null &&
        this.blocked.recordingId === e.recordingId &&
        e.cause !== 'engine' &&
        e.cause !== 'unreachable'
      ) {
        this.block(e.recordingId, { key: `ended.${e.cause}`, params: { order: this.blocked.msg.params?.order ?? '', detail: e.message } }, e.message);
      }
      return;
    }
    const order = this.snap.order ?? '';
    this.current = null;
    this.endedByEngine.add(rec.recordingId);
    const msg: Msg = { key: `ended.${e.cause}`, params: { order, detail: e.message } };
    this.block(rec.recordingId, msg, e.message);
    this.set({ order: null, recordingId: null, startedAt: null, clipMode: null });
    this.pipeline?.setInfo(this.overlayInfo(null));
    this.onCue('error');
    this.log(order, 'stopped', 'error', msg);
    // The engine has finished it already (its answer to finish is that clip) or will recover it.
    this.finishInBackground(rec, order, END_STOP_REASON[e.cause], 'interrupted', null, true);
    this.applyPendingCameraChange();
  }

  private block(recordingId: string | null, msg: Msg, message: string): void {
    this.blocked = { msg, recordingId, message };
    this.set({ phase: 'error', problem: msg, message: { level: 'error', msg, at: Date.now() } });
    this.pollReady();
  }

  /** Asks the engine (never a timer alone) whether it can record again; back to ready when it can. */
  private pollReady(): void {
    if (this.readyTimer || this.disposed) return;
    this.readyTimer = setTimeout(async () => {
      let ready = false;
      try {
        ready = (await callApi('recording.ready', {})).ready;
      } catch {
        // not answering (killed, restarting): ask again
      }
      this.readyTimer = null;
      if (!this.blocked || this.disposed) return;
      if (!ready) return this.pollReady();
      this.blocked = null;
      // A camera problem meanwhile keeps its own error state; the camera's recovery makes it idle.
      if (this.snap.phase === 'error' && this.pipeline) {
        this.set({ phase: 'idle', problem: null });
        this.say('info', { key: 'ended.ready' });
      }
    }, READY_POLL_MS);
  }

  private say(level: MessageLevel, msg: Msg, quiet = false): void {
    this.set({ message: { level, msg, at: Date.now() } });
    if (quiet) return;
    if (level === 'warn') this.onCue('warning');
    if (level === 'error') this.onCue('error');
  }

  private log(code: string, outcome: ScanOutcome, level: MessageLevel, msg: Msg | null, source: CodeSource = 'scanner'): void {
    this.set({
      scanLog: addToScanLog(this.snap.scanLog, { at: Date.now(), code: code.slice(0, 80), outcome, level, msg, ...(source !== 'scanner' ? { source } : {}) }),
    });
  }

  private overlayInfo(order: string | null): OverlayInfo {
    const recording = order !== null;
    return {
      order,
      station: this.snap.stationName,
      // While recording, the overlay shows what the clip is indexed under; a badge scanned
      // mid-clip applies from the next clip on.
      operator: recording ? this.clipOperator : this.snap.operator,
      mode: recording ? (this.snap.clipMode ?? this.snap.mode) : this.snap.mode,
      utcOffsetLabel: utcOffsetLabel(),
      source: recording ? (this.snap.clipSource === 'camera' ? 'camera' : 'scanner') : null,
    };
  }

  async init(): Promise<void> {
    try {
      const info = await callApi('station.info', {});
      this.settings = info.settings;
      this.set({ stationName: info.stationName, settings: info.settings, operator: info.settings.operator });
      if (info.problems.length) this.say('warn', rawMsg(info.problems.join(' ')));
      this.mimeType = pickMimeType();
    } catch (err) {
      this.set({ phase: 'error', problem: { key: 'station.engineUnreachable', params: { detail: errorMessage(err) } } });
      return;
    }
    await this.openCamera();
    this.watchdog = setInterval(() => this.checkCamera(), 1000);
    this.autoStopTimer = setInterval(() => this.checkAutoStop(), AUTO_STOP_CHECK_MS);
  }

  private captureOptions(): CaptureOptions {
    const s = this.settings!;
    return {
      width: s.width,
      height: s.height,
      fps: s.fps,
      deviceId: s.cameraDeviceId,
      pip: s.pipCameraDeviceId ? { deviceId: s.pipCameraDeviceId, corner: s.pipCorner, scalePercent: s.pipScalePercent } : null,
      microphone: s.microphone,
    };
  }

  /**
   * Opens the camera and waits for its first picture: "ready" means a picture, not a live track.
   * A camera that opens and stays dark is closed and, once the device is released, opened once
   * more, then reported, and retried like a missing one.
   */
  private async openPipeline(): Promise<CapturePipeline> {
    for (let attempt = 1; ; attempt++) {
      const p = await CapturePipeline.open(this.captureOptions(), this.overlayInfo(null));
      if (await p.firstFrame(FIRST_FRAME_MS)) {
        this.noteCamera(`opened (attempt ${attempt}, pip ${p.pipActive})`);
        return p;
      }
      this.noteCamera(`dark: no frame within ${FIRST_FRAME_MS} ms (attempt ${attempt})`);
      p.close();
      if (attempt >= 2 || this.disposed) throw new CameraError('stalled', `no picture within ${FIRST_FRAME_MS / 1000} s of opening`);
      await sleep(RELEASE_MS);
    }
  }

  private async openCamera(): Promise<boolean> {
    try {
      const p = await this.openPipeline();
      if (this.disposed) {
        p.close();
        return false;
      }
      p.onProblem = (m) => this.say('error', rawMsg(m));
      this.pipeline = p;
      this.labels.attach(p.cameraTrack);
      this.mimeType = pickMimeType(p.audio);
      this.cameraDirty = false;
      // The preview's own, lower-rate track of the same processed frames (capture/overlayWorker.ts).
      this.set({ phase: this.blocked ? 'error' : 'idle', problem: this.blocked?.msg ?? null, stream: p.previewStream, pip: p.pipActive });
      if (p.pipProblem) this.say('warn', { key: 'camera.pipFailed', params: { detail: p.pipProblem } });
      if (p.micProblem) this.say('warn', { key: 'camera.micFailed', params: { detail: p.micProblem } });
      return true;
    } catch (err) {
      this.noteCamera(`failed: ${err instanceof Error ? err.name : ''} ${errorMessage(err)}`);
      this.set({ phase: 'error', problem: cameraMsg(err), stream: null });
      this.onCue('error');
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
      this.queue.post(async () => {
        if (!this.pipeline && (await this.openCamera())) this.say('info', { key: 'camera.connected' });
      });
    }, RECONNECT_MS);
  }

  /** An unplugged camera ends its track; a frozen one stops sending frames (cameraHealth.ts). */
  private checkCamera(): void {
    const p = this.pipeline;
    if (!p || this.checkingCamera) return;
    const health = cameraHealth({ trackState: p.cameraTrack.readyState, lastFrameAt: p.lastFrameAt, openedAt: p.openedAt }, performance.now());
    if (health === 'ok') return;
    this.checkingCamera = true;
    const handle = health === 'ended' ? () => this.cameraLost() : () => this.cameraStalled(p);
    const done = () => {
      this.checkingCamera = false;
    };
    this.queue.run(handle).then(done, done);
  }

  /**
   * The camera froze: what was recorded is kept as an interrupted clip, the camera is reopened at
   * once, and the order being packed goes on recording in a new clip by itself — the packer's hands
   * are in the parcel, and a second clip of the same order is better evidence than a gap.
   */
  private async cameraStalled(p: CapturePipeline): Promise<void> {
    if (this.pipeline !== p) return; // already replaced (settings, an unplug handled first)
    this.pipeline = null;
    const rec = this.current;
    const order = this.snap.order;
    const mode = this.snap.clipMode;
    this.current = null;
    const seconds = Math.round(STALL_MS / 1000);
    this.set({
      phase: 'error',
      problem: { key: 'camera.frozen', params: { seconds } },
      order: null,
      recordingId: null,
      startedAt: null,
      stream: null,
      clipMode: null,
    });
    this.onCue('error');
    if (rec && order) {
      this.finishInBackground(
        rec,
        order,
        'camera-stalled',
        'interrupted',
        `The camera gave no picture for ${seconds} s while recording; recording went on in a new clip.`,
      );
      this.log(order, 'stopped', 'error', { key: 'camera.frozen', params: { seconds } });
    }
    this.labels.detach();
    p.close();
    await sleep(RELEASE_MS);
    if (!(await this.openCamera())) return; // reported; retried like a missing camera
    if (rec && order) {
      if (mode && mode !== this.snap.mode) this.set({ mode }); // the same order goes on in its own mode
      await this.startClip(order, 'resume', null);
    } else {
      this.say('warn', { key: 'camera.frozenRecovered', params: { seconds } });
    }
  }

  private async cameraLost(): Promise<void> {
    const p = this.pipeline;
    if (!p) return;
    this.pipeline = null;
    const rec = this.current;
    this.current = null;
    this.set({ phase: 'error', problem: { key: 'camera.lost' }, order: null, recordingId: null, startedAt: null, stream: null, clipMode: null });
    this.onCue('error');
    if (rec) this.finishInBackground(rec, this.snap.order ?? '', 'camera-lost', 'interrupted', 'The camera was disconnected while recording.');
    this.labels.detach();
    p.close();
    this.scheduleReconnect();
  }

  /**
   * Auto stop. Max duration counts from the clip's start. Idle means nothing happened at the station
   * for idleStopMs: no scan, no key, no click AND nothing moving in the picture (the overlay worker
   * watches a sparse grid of pixels; see detectMotion in overlayWorker.ts). A packer's hands are in
   * the parcel, not on the keyboard, so the picture is what says someone is still packing; a station
   * left recording an empty table (the packer walked away, forgot the stop) is what this ends.
   * Both finish the clip normally, with the reason in the index.
   */
  private checkAutoStop(): void {
    const s = this.settings;
    if (!s || this.snap.phase !== 'recording' || this.snap.startedAt === null || !this.current) return;
    const now = performance.now();
    let reason: StopReason | null = null;
    if (s.maxClipMs > 0 && now - this.snap.startedAt >= s.maxClipMs) reason = 'auto-max-duration';
    else if (s.idleStopMs > 0 && now - Math.max(this.lastActivity, this.snap.startedAt, this.pipeline?.lastMotionAt ?? 0) >= s.idleStopMs) reason = 'auto-idle';
    if (!reason) return;
    const rec = this.current;
    const r = reason;
    this.queue.post(async () => {
      if (this.current !== rec) return; // a scan got there first
      const order = this.snap.order ?? '';
      await this.stopCurrent(r);
      this.say('warn', { key: r === 'auto-idle' ? 'auto.idle' : 'auto.max', params: { order } });
      this.log(order, 'stopped', 'warn', { key: r === 'auto-idle' ? 'auto.idle' : 'auto.max', params: { order } });
    });
  }

  /** A key press or click at the station: keeps an idle clip alive. */
  activity(): void {
    this.lastActivity = performance.now();
  }

  scan(raw: string, source: CodeSource = 'scanner'): Promise<void> {
    this.activity();
    return this.queue.run(() => this.handleScan(raw, source));
  }

  stop(reason: StopReason = 'stop-button'): Promise<void> {
    return this.queue.run(() => this.stopCurrent(reason));
  }

  /** The DISCARD action (control code or button): the clip being recorded is thrown away, logged in the chain. */
  discard(): Promise<void> {
    return this.queue.run(() => this.discardCurrent('discard button'));
  }

  private async handleScan(raw: string, source: CodeSource = 'scanner'): Promise<void> {
    const d = decideScan(
      {
        phase: this.snap.phase,
        order: this.snap.order,
        startedAt: this.snap.startedAt,
        mode: this.snap.mode,
        operator: this.snap.operator,
        problem: this.blocked?.msg ?? null,
        discardArmedAt: this.discardArmedAt,
      },
      raw,
      performance.now(),
      { ...DEFAULT_MACHINE_OPTIONS, rules: codeRulesOf(this.settings), operators: this.settings?.operators ?? [] },
    );
    const code = raw.trim();
    switch (d.kind) {
      case 'refuse':
        this.say('error', d.msg);
        this.set({ message: { level: 'error', msg: d.msg, at: Date.now(), answers: code.slice(0, 80) } });
        this.log(code, 'refused', 'error', d.msg, source);
        return;
      case 'ignore':
        this.say('info', d.msg);
        this.set({ message: { level: 'info', msg: d.msg, at: Date.now(), answers: code.slice(0, 80) } });
        this.log(code, 'ignored', 'info', d.msg, source);
        return;
      case 'stop': {
        const order = this.snap.order ?? code;
        await this.stopCurrent(d.reason);
        this.log(order, 'stopped', 'info', { key: d.reason === 'stop-code' ? 'log.stopCode' : 'log.sameCode' }, source);
        return;
      }
      case 'discard':
        this.discardArmedAt = null;
        await this.discardCurrent('DISCARD control code scanned');
        return;
      case 'discardArm':
        // Recording goes on; only the same code scanned again in time throws the clip away.
        this.discardArmedAt = performance.now();
        this.say('warn', d.msg);
        this.log(this.snap.order ?? code, 'discardArmed', 'warn', d.msg, source);
        return;
      case 'mode': {
        // The clip being recorded keeps its mode; the new one applies from the next scan.
        this.set({ mode: d.mode });
        if (!this.current) this.pipeline?.setInfo(this.overlayInfo(null));
        const msg: Msg = { key: 'scan.modeSet', params: { mode: d.mode } };
        this.say('info', msg);
        this.onCue('switch');
        this.log(code, 'mode', 'info', msg, source);
        return;
      }
      case 'operator': {
        const msg: Msg = d.operator
          ? { key: 'scan.operatorIn', params: { name: d.operator } }
          : { key: 'scan.operatorOut', params: { name: this.snap.operator ?? '' } };
        this.set({ operator: d.operator });
        this.saveOperator(d.operator);
        if (!this.current) this.pipeline?.setInfo(this.overlayInfo(null));
        this.say('info', msg);
        this.onCue('switch');
        this.log(d.operator ?? code, 'operator', 'info', msg, source);
        return;
      }
      case 'start':
      case 'switch':
        await this.startClip(d.order, d.kind, d.warning ?? null, source);
        return;
    }
  }

  private async startClip(
    order: string,
    kind: 'start' | 'switch' | 'resume',
    warning: Msg | null,
    source: CodeSource = this.snap.clipSource ?? 'scanner',
  ): Promise<void> {
    const p = this.pipeline;
    if (!p || !this.settings) return;
    if (this.blocked) {
      // e.g. a frozen camera's resume after the engine ended the clip: the reason stands.
      this.say('error', this.blocked.msg);
      return;
    }
    const mode = this.snap.mode;
    const operator = this.snap.operator;
    let started;
    try {
      started = await callApi('recording.start', { order, mimeType: this.mimeType, mode, operator });
    } catch (err) {
      // The current clip (if any) keeps recording: a refused code must not end a good recording.
      this.say('error', errorMsg(err));
      this.log(order, 'failed', 'error', errorMsg(err));
      // Refused for the station's own reasons (disk, folder, shutting down): no scan records until it can.
      if ((err as { code?: string }).code === 'refused' && !this.current)
        this.block(null, { key: 'ended.refused', params: { order, detail: errorMessage(err) } }, errorMessage(err));
      return;
    }
    const next = new ClipRecorder(p.recorders, started.recordingId, this.mimeType, this.settings.videoBitsPerSecond);
    // Once the engine ended this clip, what its recorder reports after is detail, not a new alarm.
    next.onProblem = (m) => {
      const ended = this.endedByEngine.has(next.recordingId);
      this.say(ended && !this.blocked ? 'info' : 'error', rawMsg(m), ended);
    };
    next.onEnded = (m) => this.engineEnded({ recordingId: next.recordingId, cause: 'engine', message: m });
    next.onUnreachable = (m) => this.engineEnded({ recordingId: next.recordingId, cause: 'unreachable', message: m });
    const prev = this.current;
    const prevOrder = this.snap.order;
    this.clipOperator = operator;
    this.set({ clipMode: mode, clipSource: source });
    p.setInfo(this.overlayInfo(started.order));
    // Start the next recorder before stopping the previous one: switching orders loses no frames.
    next.start();
    this.current = next;
    if (prev && prevOrder) {
      const overlap = new Promise<void>((resolve) =>
        setTimeout(() => {
          this.finishInBackground(prev, prevOrder, 'next-scan', 'ok', null);
          resolve();
        }, SWITCH_OVERLAP_MS),
      );
      this.switching.add(overlap);
      void overlap.then(() => this.switching.delete(overlap));
    }
    this.discardArmedAt = null; // a first DISCARD never carries over to the next clip
    this.set({ phase: 'recording', order: started.order, recordingId: started.recordingId, startedAt: next.startedAt });
    this.labels.clipStarted();
    this.onCue(prev ? 'switch' : 'start');
    const before = started.previous.filter((c) => c.mode === mode).at(-1);
    let msg: Msg;
    let level: MessageLevel = 'info';
    if (kind === 'resume') {
      msg = { key: 'camera.resumed', params: { order: started.order } };
      level = 'warn';
    } else if (before) {
      msg = { key: 'scan.recordedBefore', params: { order: started.order, count: started.previous.length, when: before.startedAt, station: before.station } };
      level = 'warn';
    } else if (warning) {
      msg = warning;
      level = 'warn';
    } else if (source === 'camera') {
      msg = { key: mode === 'returns' ? 'label.recordingReturn' : 'label.recording', params: { order: started.order } };
    } else {
      msg = { key: mode === 'returns' ? 'scan.recordingReturn' : 'scan.recording', params: { order: started.order } };
    }
    this.say(level, msg);
    this.log(started.order, kind === 'switch' ? 'switched' : 'started', level, msg, source);
  }

  /** Ends the current clip in the station's state (back to idle); the caller finishes or discards it. */
  private takeCurrent(): { rec: ClipRecorder; order: string } | null {
    const rec = this.current;
    const order = this.snap.order;
    if (!rec || !order) {
      this.say('info', { key: 'scan.nothingRecording' });
      return null;
    }
    this.current = null;
    this.discardArmedAt = null;
    this.set({ phase: 'idle', order: null, recordingId: null, startedAt: null, clipMode: null, clipSource: null });
    this.pipeline?.setInfo(this.overlayInfo(null));
    return { rec, order };
  }

  private async stopCurrent(reason: StopReason): Promise<void> {
    const taken = this.takeCurrent();
    if (!taken) return;
    const { rec, order } = taken;
    this.onCue('stop');
    this.finishInBackground(rec, order, reason, 'ok', null);
    this.applyPendingCameraChange();
  }

  private async discardCurrent(why: string): Promise<void> {
    const taken = this.takeCurrent();
    if (!taken) return;
    const { rec, order } = taken;
    this.onCue('warning');
    const msg: Msg = { key: 'scan.discarded', params: { order } };
    this.say('warn', msg);
    this.log(order, 'discarded', 'warn', msg);
    const job = (async () => {
      // Let every chunk arrive first, so none is written after the engine deleted the partial file.
      await rec.stop();
      try {
        await callApi('recording.discard', { recordingId: rec.recordingId, reason: `${why} (order ${order})`.slice(0, 200) });
      } catch (err) {
        this.say('error', rawMsg(errorMessage(err)));
      }
    })();
    this.finishing.add(job);
    void job.finally(() => this.finishing.delete(job));
    this.applyPendingCameraChange();
  }

  private finishInBackground(
    rec: ClipRecorder,
    order: string,
    reason: StopReason,
    status: 'ok' | 'interrupted',
    note: string | null,
    endedByEngine = false,
  ): void {
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
          labels: this.labels.clipLabels(rec.recordingId, order),
        });
        // After the engine ended the clip, the alarm already sounded: its outcome is told quietly
        // and in the alarm colour (an orange warning would cover the purple).
        const level = (l: MessageLevel): MessageLevel => (endedByEngine ? (this.blocked ? 'error' : 'info') : l);
        const quiet = endedByEngine;
        if (res.clip) {
          this.set({ lastClip: res.clip });
          if (this.snap.phase !== 'recording' && !reason.startsWith('auto-')) {
            this.say(
              level(status === 'ok' ? 'info' : 'warn'),
              { key: 'scan.saved', params: { order, seconds: Math.round(res.clip.durationMs / 1000) } },
              quiet,
            );
          }
        }
        if (res.message) this.say(level('warn'), rawMsg(res.message), quiet);
      } catch (err) {
        this.say(endedByEngine && !this.blocked ? 'info' : 'error', { key: 'scan.finishFailed', params: { order, detail: errorMessage(err) } }, endedByEngine);
      } finally {
        this.set({ saving: this.snap.saving - 1 });
        this.endedByEngine.delete(rec.recordingId);
      }
    })();
    this.finishing.add(job);
    void job.finally(() => this.finishing.delete(job));
  }

  /** The engine keeps who is logged in, so a reload or a restart of the station keeps it. */
  private saveOperator(operator: string | null): void {
    this.operatorWrites++;
    callApi('settings.update', { operator })
      .catch((err: unknown) => this.say('warn', rawMsg((err as Error).message)))
      .finally(() => this.operatorWrites--);
  }

  /** Settings changed (this page or another door): applied at once, the camera between clips. */
  applySettings(next: Settings): void {
    const prev = this.settings;
    this.settings = next;
    // A badge scanned at another door of this station logs in here too; while this page's own
    // writes are under way, an older value coming back must not undo the newer scan.
    const operator = this.operatorWrites === 0 ? next.operator : this.snap.operator;
    this.set({ settings: next, stationName: next.stationName, operator });
    this.labels.applySettings(prev, next, this.pipeline?.cameraTrack ?? null);
    if (!prev) return;
    if (CAMERA_KEYS.some((k) => prev[k] !== next[k])) {
      this.cameraDirty = true;
      this.applyPendingCameraChange();
    } else {
      this.pipeline?.setInfo(this.overlayInfo(this.snap.order));
    }
  }

  private applyPendingCameraChange(): void {
    if (!this.cameraDirty || this.current || this.snap.phase === 'starting' || this.disposed) return;
    this.cameraDirty = false;
    this.queue.post(async () => {
      if (this.current) {
        this.cameraDirty = true; // a scan started a clip meanwhile: wait for its end
        return;
      }
      // Let a switched-out recorder finish its overlap before its source goes away.
      await this.switchesDone();
      const old = this.pipeline;
      this.pipeline = null;
      this.set({ stream: null });
      this.labels.detach();
      old?.close();
      if (old) await sleep(RELEASE_MS);
      if (await this.openCamera()) this.say('info', { key: 'camera.reopened' });
    });
  }

  /** Quitting or closing: finish the clip being recorded and wait until it is saved. */
  async shutdown(): Promise<void> {
    await this.stop('shutdown');
    await this.queue.idle();
    await this.switchesDone();
    await Promise.all([...this.finishing]);
  }

  /** Resolves once every switched-out recorder has finished its overlap and been handed to finishing. */
  private async switchesDone(): Promise<void> {
    while (this.switching.size) await Promise.all([...this.switching]);
  }

  setMode(mode: Mode): void {
    void this.scan(mode === 'returns' ? 'PW:MODE:RETURNS' : 'PW:MODE:SHIPPING');
  }

  dispose(): void {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.autoStopTimer) clearInterval(this.autoStopTimer);
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.labels.detach();
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

  private noteCamera(text: string): void {
    this.cameraLog.push(`${Math.round(performance.now())} ms: ${text}`);
    if (this.cameraLog.length > 8) this.cameraLog.shift();
  }

  /** For tests: what a failed end-to-end test prints, so a failure in CI says where the frames stopped. */
  get diagnostics(): Record<string, unknown> {
    const p = this.pipeline;
    const { phase, order, saving, message, pip } = this.snap;
    return {
      phase,
      order,
      saving,
      message: message ? { level: message.level, key: message.msg.key, params: message.msg.params } : null,
      pip,
      camera: p ? p.cameraTrack.readyState : 'closed',
      frames: p?.frames ?? null,
      pipFrames: p?.pipFrames ?? null,
      lastFrameAgoMs: p?.lastFrameAt ? Math.round(performance.now() - p.lastFrameAt) : null,
      overlayError: p?.overlayError ?? null,
      recordersMade: p?.recorders.created ?? null,
      clipState: this.current?.state ?? null,
      blocked: this.blocked?.msg.key ?? null,
      cameraLog: [...this.cameraLog],
      labels: this.labels.stats,
    };
  }
}

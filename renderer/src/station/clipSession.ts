// The recording of one clip at a time: start, switch to the next order, stop, discard, and the
// engine's side of it (recording.start/finish/discard, its recording.ended event, the chunks it
// refuses). Finishing a clip runs in the background so the next order starts recording at once.
//
// While the engine cannot record (it ended this page's recording, refused a start, or does not
// answer) the session is "blocked": the window stays in the alarm state and every start is refused
// with the reason until the engine says (recording.ready) it can record again.
import type { CallInput, CallName, CallOutput, Mode, Settings, StopReason } from '../../../shared/contract.ts';
import type { ClipLabels } from '../../../shared/contract/labels.ts';
import type { Msg } from '../../../shared/stationMachine.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { formatMessage, isMessageCode, type Message } from '../../../shared/messages.ts';
import type { OverlayInfo } from '../capture/overlayProtocol.ts';
import { utcOffsetLabel } from '../capture/pipeline.ts';
import type { ClipRecorder, RecorderPool } from '../capture/recorder.ts';
import { engineMsg, errorMsg, rawMsg, type CodeSource, type EndCause, type EngineEnd, type MessageLevel, type StationState } from './stationState.ts';

// The previous clip keeps recording this long after the next one starts. MediaRecorder.start()
// takes its first frame a frame or two late (measured: one frame lost with no overlap), so the
// clips overlap by a few frames instead: every frame is in at least one clip.
export const SWITCH_OVERLAP_MS = 200;
/** While the engine cannot record, how often the page asks it (recording.ready) whether it can again. */
export const READY_POLL_MS = 1000;
/**
 * A clip a frozen camera cut short goes on in a new clip once the camera gives a picture again,
 * if that is within this long: the packer's hands are still in that parcel. Later, the packer has
 * moved on and scans again.
 */
export const RESUME_WITHIN_MS = 60_000;

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

/** What the session uses of a clip's recorder (capture/recorder.ts). */
/** The window's line for an ended recording: the cause, then the engine's sentence as its detail (worded when it is a code). */
function endedMsg(e: EngineEnd, order: string): Msg {
  const msg: Msg = { key: `ended.${e.cause}`, params: { order, detail: e.message } };
  return e.words && isMessageCode(e.words.code) ? { ...msg, words: { detail: [e.words] } } : msg;
}

export type Recorder = Pick<ClipRecorder, 'recordingId' | 'startedAt' | 'state' | 'start' | 'stop' | 'onProblem' | 'onEnded' | 'onUnreachable'>;
export type CallEngine = <K extends CallName>(name: K, input: CallInput<K>) => Promise<CallOutput<K>>;

/** A clip the camera cut short, to be recorded on in a new clip once the camera is back. */
export interface HeldClip {
  order: string;
  mode: Mode | null;
  source: CodeSource | null;
  /** performance.now() when the camera cut it short. */
  at: number;
}

export interface ClipSessionHost {
  state: StationState;
  call: CallEngine;
  settings(): Settings | null;
  /** The open camera's recorders and overlay; null while the camera is closed. */
  camera(): { recorders: RecorderPool; setInfo(info: OverlayInfo): void } | null;
  newRecorder(pool: RecorderPool, recordingId: string, mimeType: string, videoBitsPerSecond: number): Recorder;
  /** The camera's labels: what it read while a clip recorded is sealed with that clip. */
  labels: { clipStarted(): void; clipLabels(recordingId: string, order: string): ClipLabels | null };
  /** No clip is recording any more: a camera change waiting for that may happen now. */
  clipEnded(): void;
  now(): number;
}

export class ClipSession {
  private readonly host: ClipSessionHost;
  private current: Recorder | null = null;
  private clipOperator: string | null = null;
  /** The recording format this browser and camera (with or without microphone) can give. */
  mimeType = '';
  private readonly finishing = new Set<Promise<void>>();
  /** Switched-out recorders still recording their overlap: each resolves once it is handed to finishing. */
  private readonly switching = new Set<Promise<void>>();
  private blocked: { msg: Msg; recordingId: string | null; message: string } | null = null;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;
  /** Recordings the engine ended: what their recorders and finishes report later is told without a new alarm. */
  private readonly endedByEngine = new Set<string>();
  /** performance.now() of a first PW:DISCARD of the clip being recorded (shared/stationMachine.ts DISCARD_CONFIRM_MS). */
  discardArmedAt: number | null = null;
  private held: HeldClip | null = null;
  private disposed = false;

  constructor(host: ClipSessionHost) {
    this.host = host;
  }

  private get state(): StationState {
    return this.host.state;
  }

  /** The recorder of the clip being recorded, if any. */
  get recorder(): Recorder | null {
    return this.current;
  }

  /** Why the station cannot record now (the engine's reason), or null. */
  get blockedMsg(): Msg | null {
    return this.blocked?.msg ?? null;
  }

  /** The engine's own text of why it ended a recording: the same problem event is not a second alarm. */
  get blockedMessage(): string | null {
    return this.blocked?.message ?? null;
  }

  /** What the overlay burns in: while recording, what the clip is indexed under; a badge scanned mid-clip applies from the next clip on. */
  overlayInfo(order: string | null = this.state.snapshot.order): OverlayInfo {
    const s = this.state.snapshot;
    const recording = order !== null;
    return {
      order,
      station: s.stationName,
      operator: recording ? this.clipOperator : s.operator,
      mode: recording ? (s.clipMode ?? s.mode) : s.mode,
      utcOffsetLabel: utcOffsetLabel(),
      source: recording ? (s.clipSource === 'camera' ? 'camera' : 'scanner') : null,
    };
  }

  private refreshOverlay(order: string | null): void {
    this.host.camera()?.setInfo(this.overlayInfo(order));
  }

  async start(
    order: string,
    kind: 'start' | 'switch' | 'resume',
    warning: Msg | null,
    source: CodeSource = this.state.snapshot.clipSource ?? 'scanner',
  ): Promise<void> {
    const camera = this.host.camera();
    const settings = this.host.settings();
    if (!camera || !settings) return;
    if (this.blocked) {
      // e.g. a frozen camera's resume after the engine ended the clip: the reason stands.
      this.state.say('error', this.blocked.msg);
      return;
    }
    this.held = null;
    const mode = this.state.snapshot.mode;
    const operator = this.state.snapshot.operator;
    let started;
    try {
      started = await this.host.call('recording.start', { order, mimeType: this.mimeType, mode, operator });
    } catch (err) {
      // The current clip (if any) keeps recording: a refused code must not end a good recording.
      this.state.say('error', errorMsg(err));
      this.state.log(order, 'failed', 'error', errorMsg(err));
      // Refused for the station's own reasons (disk, folder, shutting down): no scan records until it can.
      if ((err as { code?: string }).code === 'refused' && !this.current)
        this.block(null, { key: 'ended.refused', params: { order, detail: errorMessage(err) } }, errorMessage(err));
      return;
    }
    const next = this.host.newRecorder(camera.recorders, started.recordingId, this.mimeType, settings.videoBitsPerSecond);
    // Once the engine ended this clip, what its recorder reports after is detail, not a new alarm.
    next.onProblem = (m) => {
      const ended = this.endedByEngine.has(next.recordingId);
      this.state.say(ended && !this.blocked ? 'info' : 'error', rawMsg(m), ended);
    };
    next.onEnded = (m, words) => this.engineEnded({ recordingId: next.recordingId, cause: 'engine', message: m, ...(words ? { words } : {}) });
    next.onUnreachable = (m) => this.engineEnded({ recordingId: next.recordingId, cause: 'unreachable', message: m });
    const prev = this.current;
    const prevOrder = this.state.snapshot.order;
    this.clipOperator = operator;
    this.state.set({ clipMode: mode, clipSource: source });
    camera.setInfo(this.overlayInfo(started.order));
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
    this.state.set({ phase: 'recording', order: started.order, recordingId: started.recordingId, startedAt: next.startedAt });
    this.host.labels.clipStarted();
    this.state.cue(prev ? 'switch' : 'start');
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
    this.state.say(level, msg);
    this.state.log(started.order, kind === 'switch' ? 'switched' : 'started', level, msg, source);
  }

  /** Ends the current clip in the station's state (back to idle); the caller finishes or discards it. */
  private take(): { rec: Recorder; order: string } | null {
    const rec = this.current;
    const order = this.state.snapshot.order;
    if (!rec || !order) {
      this.state.say('info', { key: 'scan.nothingRecording' });
      return null;
    }
    this.current = null;
    this.discardArmedAt = null;
    this.state.set({ phase: 'idle', order: null, recordingId: null, startedAt: null, clipMode: null, clipSource: null });
    this.refreshOverlay(null);
    return { rec, order };
  }

  /** Finishes the clip being recorded (Stop, the same code again, auto stop, shutdown). */
  stop(reason: StopReason): void {
    // A stop while a frozen camera's order waits for the camera: that order is not recorded on.
    this.releaseHeld();
    const taken = this.take();
    if (!taken) return;
    this.state.cue('stop');
    this.finishInBackground(taken.rec, taken.order, reason, 'ok', null);
    this.host.clipEnded();
  }

  /** Throws the clip being recorded away (logged in the engine's chain with `why`). */
  discard(why: string): void {
    this.held = null;
    const taken = this.take();
    if (!taken) return;
    const { rec, order } = taken;
    this.state.cue('warning');
    const msg: Msg = { key: 'scan.discarded', params: { order } };
    this.state.say('warn', msg);
    this.state.log(order, 'discarded', 'warn', msg);
    const job = (async () => {
      // Let every chunk arrive first, so none is written after the engine deleted the partial file.
      await rec.stop();
      try {
        await this.host.call('recording.discard', { recordingId: rec.recordingId, reason: `${why} (order ${order})`.slice(0, 200) });
      } catch (err) {
        this.state.say('error', rawMsg(errorMessage(err)));
      }
    })();
    this.track(job);
    this.host.clipEnded();
  }

  /**
   * The camera went away under the clip being recorded: what was recorded is finished as an
   * interrupted clip with `note`. With `hold`, the order is kept to be recorded on in a new clip
   * once the camera is back (see resumable).
   */
  interrupt(reason: StopReason, note: string | Message, hold: boolean): { order: string } | null {
    const rec = this.current;
    const s = this.state.snapshot;
    const order = s.order;
    this.current = null;
    this.state.set({ order: null, recordingId: null, startedAt: null, clipMode: null });
    if (!rec) return null;
    if (hold && order) this.held = { order, mode: s.clipMode, source: s.clipSource, at: this.host.now() };
    this.finishInBackground(rec, order ?? '', reason, 'interrupted', note);
    return order ? { order } : null;
  }

  /** The packer stopped while the camera was away: the order it cut short does not go on. */
  releaseHeld(): void {
    this.held = null;
  }

  /** The order a frozen camera cut short, if the camera is back soon enough to record it on (taken once). */
  takeHeld(): HeldClip | null {
    const h = this.held;
    this.held = null;
    return h && this.host.now() - h.at <= RESUME_WITHIN_MS ? h : null;
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
        this.block(e.recordingId, endedMsg(e, String(this.blocked.msg.params?.order ?? '')), e.message);
      }
      return;
    }
    const order = this.state.snapshot.order ?? '';
    this.current = null;
    this.endedByEngine.add(rec.recordingId);
    const msg = endedMsg(e, order);
    this.block(rec.recordingId, msg, e.message);
    this.state.set({ order: null, recordingId: null, startedAt: null, clipMode: null });
    this.refreshOverlay(null);
    this.state.cue('error');
    this.state.log(order, 'stopped', 'error', msg);
    // The engine has finished it already (its answer to finish is that clip) or will recover it.
    this.finishInBackground(rec, order, END_STOP_REASON[e.cause], 'interrupted', null, true);
    this.host.clipEnded();
  }

  private block(recordingId: string | null, msg: Msg, message: string): void {
    this.blocked = { msg, recordingId, message };
    this.state.set({ phase: 'error', problem: msg, message: { level: 'error', msg, at: Date.now() } });
    this.askReady();
  }

  /**
   * Asks the engine whether it can record again, after a pause, until it says yes: the engine may
   * be killed or restarting, so no event of its own can be waited for. Back to ready when it can.
   */
  private askReady(): void {
    if (this.readyTimer || this.disposed) return;
    this.readyTimer = setTimeout(async () => {
      let ready = false;
      try {
        ready = (await this.host.call('recording.ready', {})).ready;
      } catch {
        // not answering (killed, restarting): ask again
      }
      this.readyTimer = null;
      if (!this.blocked || this.disposed) return;
      if (!ready) return this.askReady();
      this.blocked = null;
      // A camera problem meanwhile keeps its own error state; the camera's recovery makes it idle.
      if (this.state.snapshot.phase === 'error' && this.host.camera()) {
        this.state.set({ phase: 'idle', problem: null });
        this.state.say('info', { key: 'ended.ready' });
      }
    }, READY_POLL_MS);
  }

  private finishInBackground(
    rec: Recorder,
    order: string,
    reason: StopReason,
    status: 'ok' | 'interrupted',
    note: string | Message | null,
    endedByEngine = false,
  ): void {
    const job = (async () => {
      this.state.set({ saving: this.state.snapshot.saving + 1 });
      try {
        const { chunkCount, problem, problemWords } = await rec.stop();
        // The note in English and, when every sentence of it is one, as codes the lookup words.
        const parts: (string | Message)[] = [...(note ? [note] : []), ...(problem ? [problemWords ?? problem] : [])];
        const noteWords = parts.every((p) => typeof p !== 'string') ? (parts as Message[]) : [];
        const res = await this.host.call('recording.finish', {
          recordingId: rec.recordingId,
          reason,
          chunkCount,
          status,
          note: parts.map((p) => (typeof p === 'string' ? p : formatMessage(p))).join(' ') || null,
          ...(noteWords.length ? { noteWords } : {}),
          labels: this.host.labels.clipLabels(rec.recordingId, order),
        });
        // After the engine ended the clip, the alarm already sounded: its outcome is told quietly
        // and in the alarm colour (an orange warning would cover the purple).
        const level = (l: MessageLevel): MessageLevel => (endedByEngine ? (this.blocked ? 'error' : 'info') : l);
        const quiet = endedByEngine;
        if (res.clip) {
          this.state.set({ lastClip: res.clip });
          if (this.state.snapshot.phase !== 'recording' && !reason.startsWith('auto-')) {
            this.state.say(
              level(status === 'ok' ? 'info' : 'warn'),
              { key: 'scan.saved', params: { order, seconds: Math.round(res.clip.durationMs / 1000) } },
              quiet,
            );
          }
        }
        if (res.message) this.state.say(level('warn'), engineMsg(res.message, res.words), quiet);
      } catch (err) {
        this.state.say(
          endedByEngine && !this.blocked ? 'info' : 'error',
          { key: 'scan.finishFailed', params: { order, detail: errorMessage(err) } },
          endedByEngine,
        );
      } finally {
        this.state.set({ saving: this.state.snapshot.saving - 1 });
        this.endedByEngine.delete(rec.recordingId);
      }
    })();
    this.track(job);
  }

  private track(job: Promise<void>): void {
    this.finishing.add(job);
    void job.finally(() => this.finishing.delete(job));
  }

  /** Resolves once every switched-out recorder has finished its overlap and been handed to finishing. */
  async switchesDone(): Promise<void> {
    while (this.switching.size) await Promise.all([...this.switching]);
  }

  /** Resolves once every clip ended so far is saved (or discarded) by the engine. */
  async settled(): Promise<void> {
    await this.switchesDone();
    await Promise.all([...this.finishing]);
  }

  /** For diagnostics: the recorder state of the clip being recorded. */
  get recorderState(): RecordingState | null {
    return this.current?.state ?? null;
  }

  dispose(): void {
    this.disposed = true;
    if (this.readyTimer) clearTimeout(this.readyTimer);
  }
}

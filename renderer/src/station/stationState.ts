// What the station shows: one snapshot the views render, the message of the moment with its sound,
// and the day's scan log. Every part of the station (camera supervisor, clip session, scan handling)
// writes here and nowhere else, so the window always shows one consistent state.
import type { Clip, Mode, RecordingEndCause, Settings } from '../../../shared/contract.ts';
import type { Msg, StationPhase } from '../../../shared/stationMachine.ts';
import { isMessageCode, type Message } from '../../../shared/messages.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { addToScanLog, loadScanLog, type ScanLogEntry, type ScanOutcome } from './scanLog.ts';
import type { Cue } from './sounds.ts';
import type { ScanSource } from '../labels/cameraLabels.ts';

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

/** What the engine said besides a clip: its codes worded in the UI language (all of them coded), else its English. */
export const engineMsg = (text: string, words?: readonly Message[] | null): Msg =>
  words?.length && words.every((w) => isMessageCode(w.code)) ? { ...rawMsg(text), words: { text: [...words] } } : rawMsg(text);

/** Why the engine ended this page's recording: its own causes, plus what only the page can see. */
export type EndCause = RecordingEndCause | 'unreachable' | 'engine' | 'refused';
export interface EngineEnd {
  /** null: whatever is recording now (the engine refused to start, or cannot be reached). */
  recordingId: string | null;
  cause: EndCause;
  message: string;
  /** The message as a code (recording.ended, a refused chunk's words), worded in the UI language. */
  words?: Message;
}

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

export class StationState {
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
  /** Sounds and any other "without looking" feedback; StationContext plugs in WebAudio. */
  cue: (cue: Cue) => void = () => {};

  get snapshot(): StationSnapshot {
    return this.snap;
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    l(this.snap);
    return () => this.listeners.delete(l);
  }

  set(patch: Partial<StationSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l(this.snap);
  }

  /** Shows a message; a warning or an error also sounds, unless `quiet` (its alarm already sounded). */
  say(level: MessageLevel, msg: Msg, quiet = false): void {
    this.set({ message: { level, msg, at: Date.now() } });
    if (quiet) return;
    if (level === 'warn') this.cue('warning');
    if (level === 'error') this.cue('error');
  }

  log(code: string, outcome: ScanOutcome, level: MessageLevel, msg: Msg | null, source: CodeSource = 'scanner'): void {
    this.set({
      scanLog: addToScanLog(this.snap.scanLog, { at: Date.now(), code: code.slice(0, 80), outcome, level, msg, ...(source !== 'scanner' ? { source } : {}) }),
    });
  }
}

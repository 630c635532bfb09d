// What the engine's parts receive instead of the Engine itself: the few services each one uses.
// Engine (engine.ts) wires the parts together and hands each of them these; no part imports Engine,
// so each can be read, tested and replaced on its own (the index and clip-store seams build on this).
// This module imports only leaf modules, never a part that receives services.
import type { CallName, CallOutput, CallParsed, Door, EventName, EventPayload } from '../../shared/contract.ts';
import type { ClipIndex } from './index/types.ts';
import type { StationClipStore } from './store/types.ts';
import type { Custody } from './custody.ts';
import type { Db } from './db.ts';
import type { DataLayout } from './paths.ts';
import type { SettingsStore } from './settingsStore.ts';
import type { Message } from '../../shared/messages.ts';

export type { Door };
export interface CallContext {
  door: Door;
}

/** One engine call as a part implements it: parsed input in, the contract's output out. */
export type CallHandler<K extends CallName> = (input: CallParsed<K>, ctx: CallContext) => Promise<CallOutput<K>>;
/** The handlers of a group of calls (a contract module's names), spread into Engine.handlers. */
export type HandlerMap<K extends CallName> = { [N in K]: CallHandler<N> };

/** The services a running engine offers its parts; each part asks for the few it uses (Pick<…>). */
export interface EngineServices {
  readonly paths: DataLayout;
  readonly db: Db;
  readonly clips: ClipIndex;
  /** Where clip files and their sidecars live (store/): every part reads and writes them through it. */
  readonly store: StationClipStore;
  readonly settings: SettingsStore;
  /** The evidence module once wired in (custody.ts); read at each use, not kept. */
  readonly custody: Custody;
  /** False when another live process (the running station) owns the data folder. */
  readonly ownsData: boolean;
  logLine(line: string): void;
  /** Tells the packer: the log, the Status view and every open page. */
  reportProblem(message: string | Message): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  currentProblems(): string[];
  /** The same problems as codes where they are one (null: English only), for the UI's words. */
  currentProblemWords(): (Message | null)[];
  /** Ids of the recordings in progress. */
  activeRecordings(): string[];
  /** Absolute path of a finished clip's MP4, or undefined; never a path outside the clips folder. */
  clipFile(id: string): Promise<string | undefined>;
}

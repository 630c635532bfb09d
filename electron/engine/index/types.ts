// The engine's index seam: what the station knows about its clips (and their deletions and legal
// holds). Async, so the same callers can run on the embedded SQLite index (sqlite.ts) and later on
// a server database, like the hub's index (electron/hub/index/). The rest of the engine deals in
// ClipRow objects and never writes SQL about clips; "finished" is defined once, here.
//
// Times are epoch milliseconds. `file`, `partial_file` and `thumb_file` are relative to the clips
// folder: where that folder lives is the clip store's business, not the index's.

import type { ClipStopReason } from '../../../shared/contract.ts';

export type RowStatus = 'recording' | 'ok' | 'recovered' | 'interrupted' | 'failed' | 'discarded' | 'deleted';

/** A finished clip: sealed with a file (ok), turned into one after a crash (recovered) or cut short (interrupted). */
export const FINISHED_STATUSES: readonly RowStatus[] = ['ok', 'recovered', 'interrupted'];

export function isFinished(status: RowStatus | string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

export interface ClipRow {
  id: string;
  order_code: string;
  station: string;
  operator: string | null;
  mode: 'shipping' | 'returns';
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  mono_ms: number | null;
  size_bytes: number | null;
  file: string | null;
  sha256: string | null;
  status: RowStatus;
  stop_reason: ClipStopReason | null;
  note: string | null;
  mime_type: string;
  partial_file: string | null;
  thumb_file: string | null;
  /** 1 while a dispute is open: retention never deletes it (migration 2). */
  legal_hold: number;
  hold_reason: string | null;
}

/** The few columns a walk over every clip needs. */
export type ClipSummary = Pick<ClipRow, 'id' | 'order_code' | 'file' | 'sha256' | 'status'>;

export interface SearchQuery {
  q: string;
  from: number | null;
  to: number | null;
  mode: 'shipping' | 'returns' | null;
  limit: number;
  offset: number;
}

export type ModeStats = Record<'shipping' | 'returns' | 'all', { count: number; avgDurationMs: number | null }>;

/** One deletion as the deletions table keeps it (retention and deletions by hand). */
export interface DeletionRow {
  clip_id: string;
  order_code: string;
  file: string | null;
  sha256: string | null;
  size_bytes: number | null;
  deleted_at: number;
  reason: string;
  who: string;
}

/** A discarded recording of an order, with the time its discard was chained. */
export interface DiscardRow {
  order_code: string;
  started_at: number;
  station: string;
  operator: string | null;
  mode: 'shipping' | 'returns';
  note: string | null;
  at: number;
}

/** A sealed clip whose sidecars can be rewritten from the chain and the index. */
export interface SealedSidecarSource {
  seq: number;
  body: string;
  signature: string;
  file: string;
  response: Buffer | null;
}

/** What the storage outlook measures from the index (outlook.ts does the arithmetic). */
export interface RecordingRate {
  /** Start of the first clip ever recorded (deleted ones count), or null. */
  first: number | null;
  /** Bytes and distinct orders recorded in the window. */
  bytes: number;
  orders: number;
}

export interface ClipIndex {
  insertRecording(row: Pick<ClipRow, 'id' | 'order_code' | 'station' | 'operator' | 'mode' | 'started_at' | 'mime_type' | 'partial_file'>): Promise<void>;
  finish(
    id: string,
    f: Pick<ClipRow, 'ended_at' | 'duration_ms' | 'mono_ms' | 'size_bytes' | 'file' | 'sha256' | 'status' | 'stop_reason' | 'note'>,
  ): Promise<void>;
  setStatus(id: string, status: RowStatus, note: string | null): Promise<void>;
  setThumb(id: string, thumb: string): Promise<void>;
  /** Where a recording's raw video is kept after sealing failed. */
  setPartial(id: string, partial: string): Promise<void>;
  /** Sets or lifts a legal hold and records who did it, together. */
  setLegalHold(id: string, hold: boolean, reason: string, who: string, at: number): Promise<void>;
  /** Marks a clip deleted (its file is gone) and records the deletion, together. */
  markDeleted(d: DeletionRow, startedAt: number, note: string): Promise<void>;

  get(id: string): Promise<ClipRow | undefined>;
  /** Recordings still open, oldest first. */
  unfinished(): Promise<ClipRow[]>;
  /** Recordings that could not be sealed but whose raw video was kept. */
  failedWithRawVideo(): Promise<ClipRow[]>;
  /** A finished clip with this SHA-256. */
  bySha256(sha: string): Promise<ClipRow | undefined>;
  /** The newest row of any status with this SHA-256 (verify names what the index knows). */
  newestBySha256(sha: string): Promise<ClipRow | undefined>;
  /** Finished clips of an order, oldest first. */
  byOrder(code: string): Promise<ClipRow[]>;
  count(): Promise<number>;
  /** Whether any finished clip has a file (the clips folder must then be the one they live in). */
  hasFinishedFiles(): Promise<boolean>;
  /** Every finished clip (its summary: a station may index a million), oldest first. */
  finished(): Promise<ClipSummary[]>;
  /** Every finished clip with a file (its summary), oldest first. */
  finishedWithFiles(): Promise<ClipSummary[]>;
  /** Finished clips of the last days sealed into the chain but never read back for continuity. */
  sealedWithoutReadBack(since: number): Promise<ClipRow[]>;
  /** Sealed clips still indexed and chained, with the exact bytes their sidecars hold. */
  sidecarSources(): Promise<SealedSidecarSource[]>;
  stats(from: number, to: number | null): Promise<ModeStats>;
  search(q: SearchQuery): Promise<{ rows: ClipRow[]; total: number }>;
  /**
   * Queues a trusted timestamp for every finished, chained clip that never had one asked for
   * (sealed before a TSA was configured), due at `now`, oldest first. Returns how many.
   */
  queueUnstamped(now: number): Promise<number>;
  /** Discarded recordings of an order, newest discard first (at most 50). */
  discardedOf(order: string): Promise<DiscardRow[]>;

  /** Finished clips with a file retention may delete: not held, started before `before`; oldest first. */
  deletable(before: number): Promise<ClipRow[]>;
  /** Finished clips on legal hold started before `before`. */
  heldBefore(before: number): Promise<number>;
  /** What is left for retention: finished clips with a file, their bytes and how many are held. */
  kept(): Promise<{ n: number; bytes: number; held: number }>;
  deletions(limit: number, clipId?: string): Promise<DeletionRow[]>;

  /** The recording rate's figures over [since, now] (deleted clips count, adopted files do not). */
  recordingRate(since: number, now: number): Promise<RecordingRate>;
  /**
   * Bytes retention may release: what started before `cutoff` in one sum, the rest per bucket of
   * `bucketMs` of start time (bucket number = started_at / bucketMs, floored).
   */
  releasable(cutoff: number, bucketMs: number): Promise<{ due: number; buckets: { bucket: number; bytes: number }[] }>;
}

/** The engine's index: the clips (the chain of custody and exports follow behind the same seam). */
export interface EngineIndex {
  readonly clips: ClipIndex;
}

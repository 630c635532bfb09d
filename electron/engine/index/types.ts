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
  /** The note as message codes, JSON (migration 6); null for a note in English only. */
  note_words?: string | null;
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
  /** The reason as message codes, JSON (migration 6); null for a reason in English only. */
  reason_words?: string | null;
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
    f: Pick<ClipRow, 'ended_at' | 'duration_ms' | 'mono_ms' | 'size_bytes' | 'file' | 'sha256' | 'status' | 'stop_reason' | 'note' | 'note_words'>,
  ): Promise<void>;
  setStatus(id: string, status: RowStatus, note: string | null, noteWords?: string | null): Promise<void>;
  setThumb(id: string, thumb: string): Promise<void>;
  /** Where a recording's raw video is kept after sealing failed. */
  setPartial(id: string, partial: string): Promise<void>;
  /** Sets or lifts a legal hold and records who did it, together. */
  setLegalHold(id: string, hold: boolean, reason: string, who: string, at: number): Promise<void>;
  /** Marks a clip deleted (its file is gone) and records the deletion, together. */
  markDeleted(d: DeletionRow, startedAt: number, note: string, noteWords?: string | null): Promise<void>;

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

/** The engine's index: its clips, the chain of custody, the timestamp jobs, the exported files, per-clip notes, the hub link and outbox. */
export interface EngineIndex {
  readonly clips: ClipIndex;
  readonly chain: ChainIndex;
  readonly timestamps: TimestampIndex;
  readonly exportFiles: ExportFileIndex;
  readonly notes: ClipNotesIndex;
  readonly meta: StationMetaIndex;
  readonly hubLink: HubLinkIndex;
  readonly outbox: OutboxIndex;
}

/** One entry of the station's hash chain as the index keeps it (evidence/chain.ts makes and checks them). */
export interface ChainRow {
  seq: number;
  kind: string;
  clip_id: string | null;
  at: number;
  body: string;
  prev_hash: string;
  entry_hash: string;
  signature: string; // base64 of the raw 64-byte Ed25519 signature
}

/** The newest entry: what the next one links to. */
export type ChainHead = Pick<ChainRow, 'seq' | 'entry_hash'>;

/**
 * The chain of custody as the index keeps it: append-only, read by seq, by clip, by kind. The
 * signing and checking live in evidence/chain.ts; this is where the entries are kept and found.
 *
 * Async like ClipIndex, so a server database can keep the chain. `append` takes a builder rather
 * than an entry: the seq, the link and the signature depend on the head, so the implementation
 * reads the head and writes the entry inside one transaction (or lock) of its own and runs the
 * builder in between; the builder is synchronous (it signs, it never awaits), which lets the
 * embedded SQLite keep its immediate transaction. The SQLite implementation is SqliteChainIndex's
 * synchronous statements answered as promises (sqliteEvidence.ts `sqliteChain`).
 */
export interface ChainIndex {
  head(): Promise<ChainHead | undefined>;
  /**
   * Appends the entry `make` builds on the head, atomically: a second process appending at the
   * same time waits, so two entries never claim one seq or one predecessor. Resolves to the entry.
   */
  append(make: (head: ChainHead | undefined) => ChainRow): Promise<ChainRow>;
  /** Appends the first entry when the chain is empty, atomically (two processes make one genesis). */
  appendIfEmpty(make: () => ChainRow): Promise<void>;
  count(): Promise<number>;
  all(): Promise<ChainRow[]>;
  get(seq: number): Promise<ChainRow | undefined>;
  /** Entries after `afterSeq`, in order, at most `limit` (a walk over a long chain pages). */
  page(afterSeq: number, limit: number): Promise<ChainRow[]>;
  /** Entries from..to inclusive, in order. */
  range(from: number, to: number): Promise<ChainRow[]>;
  /** The newest entry of this kind for the clip (kind 'clip': its sealing entry). */
  newestOfClip(clipId: string, kind: 'clip' | 'continuity'): Promise<ChainRow | undefined>;
  byHash(entryHash: string): Promise<ChainRow | undefined>;
  entriesOf(clipId: string): Promise<ChainRow[]>;
  /** Clip entries whose body says the clip had this SHA-256 (even when the index row is gone), oldest first. */
  clipEntriesBySha(sha: string): Promise<ChainRow[]>;
  /** The clip entry whose body is exactly these bytes (a manifest sidecar). */
  clipEntryByBody(body: string): Promise<ChainRow | undefined>;
  /** The newest clip entry whose body names this file (its base name). */
  clipEntryByFile(name: string): Promise<ChainRow | undefined>;
  /** Entries after `seq` other than anchors. */
  countNonAnchorsAfter(seq: number): Promise<number>;
  /** The first anchor entry whose stamped head is at or after `seq`. */
  anchorCovering(seq: number): Promise<Pick<ChainRow, 'seq' | 'body'> | undefined>;
  /** Export entries in (afterSeq, upTo], in order. */
  exportsBetween(afterSeq: number, upTo: number): Promise<ChainRow[]>;
}

/** A trusted-timestamp job: a clip's (or, with id `anchor:<seq>`, the chain head's) hash to stamp. */
export interface TimestampRow {
  clip_id: string;
  sha256: string;
  state: 'pending' | 'done';
  attempts: number;
  next_try_at: number;
  last_error: string | null;
  tsa_url: string | null;
  tsa_name: string | null;
  tsa_time: number | null;
  response: Buffer | null;
}

/** Where a TSA answered: the token and whose it is. */
export interface StampedBy {
  url: string;
  name: string;
  time: number;
  response: Buffer;
}

/**
 * The timestamp jobs (evidence/tsaQueue.ts works them off; evidence/anchors.ts adds the chain head's).
 * Async like ChainIndex: its readers (custody's describe for every listed clip, verify's token
 * line, the anchor rhythm, the worker) all await. Each call stands alone; none of them needs to
 * share a transaction with a chain append (a seal queues its token after its entry is written).
 */
export interface TimestampIndex {
  /** Queues a job unless one exists for the id; due at `dueAt`. */
  enqueue(clipId: string, sha256: string, dueAt: number): Promise<void>;
  /** Drops a job still pending (the clip was deleted). */
  forgetPending(clipId: string): Promise<void>;
  get(clipId: string): Promise<TimestampRow | undefined>;
  pendingCount(): Promise<number>;
  /** When the next pending job is due, or null with none pending. */
  nextDue(): Promise<number | null>;
  /** Pending jobs due at `now`, the longest due first. */
  due(now: number, limit: number): Promise<TimestampRow[]>;
  markDone(clipId: string, by: StampedBy): Promise<void>;
  markFailed(clipId: string, error: string, nextTryAt: number): Promise<void>;
  /** Pushes every pending job to `at` at the earliest (the network is down). */
  postponeAll(at: number): Promise<void>;
  /** The highest number after `prefix` among job ids with that prefix (anchor jobs), 0 with none. */
  highestNumbered(prefix: string): Promise<number>;
  /** Drops pending jobs whose id is `prefix` + a number, up to `upTo` when given. */
  dropPendingNumbered(prefix: string, upTo?: number): Promise<void>;
  /** Records a job done outside the queue (an anchor stamped for an export), replacing any. */
  putDone(clipId: string, sha256: string, by: StampedBy): Promise<void>;
}

/**
 * Every file the station exported, by SHA-256 and name: an index of the chain's export entries
 * (export/exportIndex.ts). Async: its one reader, verify, is async. Taking in the same files twice
 * (two lookups catching up at once) is harmless: the files are a set and the mark only moves on.
 */
export interface ExportFileIndex {
  /** The seq of the last chain entry taken in. */
  upTo(): Promise<number>;
  /** Takes in the files of export entries up to `upTo`, together with the new mark. */
  add(files: { sha256: string; seq: number; name: string }[], upTo: number): Promise<void>;
  /** Entries (seq, file name) holding a file with this SHA-256 or name, newest first, at most 20. */
  find(by: 'sha256' | 'name', value: string): Promise<{ seq: number; name: string }[]>;
}

/**
 * Small per-clip records kept beside the clips: camera reads (labels.ts), page incidents (continuity.ts).
 * Async like the chain: the seal reads the labels before it appends the clip's entry, the clip view
 * and the read-back await them.
 */
export interface ClipNotesIndex {
  setLabels(clipId: string, body: string): Promise<void>;
  labels(clipId: string): Promise<string | null>;
  setIncidents(recordingId: string, at: number, body: string): Promise<void>;
  incidents(recordingId: string): Promise<string | null>;
}

/**
 * The station's own facts (station_meta): the clips folders it initialised, the last one used.
 * Synchronous: storage.ts and clipsDirSetting.ts consult it inside the synchronous checks of a clips
 * folder (at start before the engine exists, when Settings names a new folder, in `doctor` without
 * an engine), and lanConfig.ts keeps the LAN listener's settings there; none of it is evidence.
 */
export interface StationMetaIndex {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** The hub this station is enrolled with (one row), and how far publishing got. */
export interface HubLinkRow {
  url: string;
  hub_name: string;
  hub_fingerprint: string;
  hub_public_key_pem: string;
  enrolled_at: number;
  /** Every chain entry up to this seq was answered by the hub. */
  chain_sent: number;
  /** Holds set on the hub up to this time are applied here. */
  holds_since: number;
  last_success_at: number | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_at: number | null;
}

/** A sealed clip waiting for the hub, or what became of it. */
export interface OutboxRow {
  clip_id: string;
  sha256: string;
  /** The clip's sealing entry. */
  chain_seq: number;
  queued_at: number;
  state: 'pending' | 'confirmed' | 'refused' | 'gone';
  attempts: number;
  last_error: string | null;
  /** The hub's signed receipt (JSON) once confirmed. */
  receipt: string | null;
  confirmed_at: number | null;
  tsr_sent: number;
}

/** What Status and `doctor` say about the outbox. */
export interface OutboxSummary {
  /** Clips pending or refused. */
  depth: number;
  refused: number;
  /** When the oldest of them started recording, or null. */
  oldestStartedAt: number | null;
  /** The chain's newest seq (0 when empty): what chain_sent is behind. */
  chainHead: number;
}

/**
 * The station's link to its hub (publish/): the enrolled hub and the marks of what was sent.
 * Async, like ClipIndex: its callers (the publisher loop, retention's gate, the hub calls, the
 * doctor) are async already, so a server database can implement it as it is.
 */
export interface HubLinkIndex {
  /** The enrolled hub, or null when the station is not enrolled. */
  get(): Promise<HubLinkRow | null>;
  /** Enrolling again (a new hub, or the same one anew) starts the chain and the holds from the beginning. */
  save(l: { url: string; hubName: string; hubFingerprint: string; hubPublicKeyPem: string; enrolledAt: number }): Promise<void>;
  /** A round or an upload succeeded; the last error stays, Status shows it beside the success. */
  noteSuccess(at: number): Promise<void>;
  noteError(code: string, message: string, at: number): Promise<void>;
  /** The chain entries the hub answered: up to this seq (0 when not enrolled). */
  chainSent(): Promise<number>;
  setChainSent(seq: number): Promise<void>;
  /** Holds set on the hub are applied up to this time (null when not enrolled). */
  holdsSince(): Promise<number | null>;
  setHoldsSince(at: number): Promise<void>;
}

/**
 * The hub outbox: every sealed clip the hub has not confirmed. A row is queued by the chain index
 * itself, in the same transaction as the clip's sealing entry (SQLite: a trigger, migration 5), so
 * a clip is never sealed without being queued, and sealing it again (adoption) queues it anew
 * rather than twice. Async like HubLinkIndex.
 */
export interface OutboxIndex {
  get(clipId: string): Promise<OutboxRow | undefined>;
  /** The newest pending clip (by its sealing entry) not in `skip`: a packer looks for today's parcels first. */
  nextPending(skip: ReadonlySet<string>): Promise<OutboxRow | undefined>;
  summary(): Promise<OutboxSummary>;
  /** Refused clips, newest first: their id and why. */
  refused(limit: number): Promise<Pick<OutboxRow, 'clip_id' | 'last_error'>[]>;
  /** The hub confirmed the clip with this receipt (JSON); `tsrSent` when its token went with it. */
  confirm(clipId: string, receipt: string, at: number, tsrSent: boolean): Promise<void>;
  /** An attempt that ended the round (the hub away): counted, the reason kept, still pending. */
  noteAttempt(clipId: string, error: string): Promise<void>;
  /** The hub refused the clip: never sent again. */
  refuse(clipId: string, error: string): Promise<void>;
  /** The clip is no longer here (deleted, replaced) before it reached the hub. */
  markGone(clipId: string, error: string): Promise<void>;
  /** The hub lost a confirmed clip: pending again, its receipt dropped. */
  requeue(clipId: string, error: string): Promise<void>;
  /** Confirmed clips whose timestamp token arrived after they were sent, with the token. */
  tokensToSend(limit: number): Promise<{ clip_id: string; sha256: string; response: Buffer }[]>;
  markTokenSent(clipId: string): Promise<void>;
}

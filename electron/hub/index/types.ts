// The hub's index seam: what the hub knows about stations, their published clips and chains of
// custody, holes in those chains and uploads it refused. Async, so the same callers run on the
// embedded SQLite index (sqlite.ts) and on PostgreSQL (postgres.ts); both share their queries
// (sqlIndex.ts) and their plain-SQL migrations (migrations.ts).
//
// The hub server (next layer) writes a clip here only after it checked the signature against the
// enrolled key, the chain link and the stored object's SHA-256. Inserts are idempotent:
// - a clip is identified by (station, clipId); the same row again is `duplicate` (harmless, a
//   retry), a different SHA-256 for that clip id is refused with IndexConflictError;
// - a chain entry is identified by (station, seq); the same hash again is `duplicate`, another
//   hash for a seq already held is refused the same way.
// Times are epoch milliseconds (UTC). A station is named by its key fingerprint (SHA-256 of the
// public key's DER, hex), which is what its chain entry 1 and every manifest carry.

import type { HubClipFields } from '../../../shared/hubWire.ts';

export interface HubStation {
  fingerprint: string;
  name: string;
  publicKeyPem: string;
  enrolledAt: number;
}

/** A clip row of the index: the fields every side shares (shared/hubWire.ts) and two filled on reads. */
export interface HubClip extends HubClipFields {
  /** Filled on reads: the station's name at the time of reading. */
  stationName?: string;
  /** Filled on reads: the row's position for paging (`before`). */
  rowId?: number;
}

export interface HubChainEntry {
  station: string;
  seq: number;
  /** SHA-256 of the previous entry (hex; entry 1: 64 zeros or as the station writes it). */
  prev: string;
  /** SHA-256 of this entry's canonical bytes (hex). */
  hash: string;
  /** Ed25519 signature over the entry (base64). */
  signature: string;
  /** What the entry records: clip, discard, deletion, hold, export, key, … */
  kind: string;
  at: number;
  clipId: string | null;
  /** The signed canonical JSON. */
  body: string;
}

/** Seqs a station never published (or published out of reach), with the time span they cover. */
export interface HubChainHole {
  station: string;
  fromSeq: number;
  toSeq: number;
  /** Time of the entry before the hole (null: the hole starts the chain). */
  fromTime: number | null;
  /** Time of the entry after the hole (null: nothing after it yet). */
  toTime: number | null;
  reason: string;
  detectedAt: number;
}

/**
 * A clip the hub will never receive: its sealing entry reached the hub, then a `deleted` (or
 * `discarded`) entry for it, but not the clip (deleted on the station before it was published).
 */
export interface HubLostClip {
  station: string;
  clipId: string;
  /** From the sealing entry (the manifest). */
  order: string | null;
  sha256: string | null;
  /** The time span the clip covered (from its manifest). */
  startedAt: number | null;
  endedAt: number | null;
  sealedSeq: number;
  sealedAt: number;
  kind: 'deleted' | 'discarded';
  goneSeq: number;
  goneAt: number;
  /** Who deleted it and why, as the station's entry says. */
  who: string | null;
  why: string | null;
}

export interface HubRefusal {
  id?: number;
  station: string | null;
  clipId: string | null;
  sha256: string | null;
  /** A short code: bad-signature, hash-mismatch, broken-link, replay, unknown-station, conflict … */
  reason: string;
  detail: string;
  at: number;
}

export interface ClipQuery {
  /** Exact order code. */
  order?: string;
  /** Part of an order code, any case. */
  orderContains?: string;
  /** Station fingerprint or name. */
  station?: string;
  operator?: string;
  mode?: string;
  /** startedAt >= from */
  from?: number;
  /** startedAt < to */
  to?: number;
  /** Page size, default 100, at most 1000. Newest first. */
  limit?: number;
  /** Next page: the last row of the previous page. */
  before?: { startedAt: number; rowId: number };
}

export type InsertOutcome = 'inserted' | 'duplicate';

export class IndexConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexConflictError';
  }
}

/** The index's database cannot be reached (PostgreSQL down, its connection cut): the hub answers 503. */
export class IndexUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IndexUnavailableError';
  }
}

export interface HubIndexStats {
  stations: number;
  clips: number;
  chainEntries: number;
  holes: number;
  refused: number;
}

/** A legal hold set or released on the hub for one of a station's clips. */
export interface HubHoldRow {
  station: string;
  clipId: string;
  sha256: string;
  held: boolean;
  reason: string | null;
  at: number;
  by: string | null;
}

/** A clip upload under way (begun, not completed): what a part or a complete needs to go on. */
export interface HubUpload {
  sha256: string;
  station: string;
  size: number;
  uploadId: string;
  startedAt: number;
}

/** A station's chain in figures: the newest entry and the newest anchor (a TSA's token over its head). */
export interface HubChainSummary {
  entries: number;
  newestSeq: number | null;
  newestAt: number | null;
  anchorSeq: number | null;
  anchorAt: number | null;
}

export interface HubIndex {
  readonly kind: 'sqlite' | 'postgres';

  /** Registers a station (enrollment), or renames it when the fingerprint is known already. */
  upsertStation(s: HubStation): Promise<HubStation>;
  /** By fingerprint or by name. */
  getStation(fingerprintOrName: string): Promise<HubStation | null>;
  listStations(): Promise<HubStation[]>;

  addClip(c: HubClip): Promise<InsertOutcome>;
  getClip(station: string, clipId: string): Promise<HubClip | null>;
  /** Every clip row with these bytes (a replay shows up as a second station's row). */
  clipsBySha256(sha256: string): Promise<HubClip[]>;
  findClips(q: ClipQuery): Promise<HubClip[]>;

  addChainEntry(e: HubChainEntry): Promise<InsertOutcome>;
  /** The highest seq held for the station. */
  chainHead(station: string): Promise<{ seq: number; hash: string } | null>;
  listChain(station: string, opts?: { fromSeq?: number; limit?: number }): Promise<HubChainEntry[]>;
  /** Seqs missing between 1 and the highest held, computed from the chain. */
  findChainGaps(station: string): Promise<Omit<HubChainHole, 'reason' | 'detectedAt'>[]>;

  /** Sealed clips deleted (or discarded) on their station before they reached the hub. */
  findLostClips(station?: string): Promise<HubLostClip[]>;
  /** Records a hole (idempotent by station, fromSeq, toSeq). */
  addHole(h: HubChainHole): Promise<InsertOutcome>;
  listHoles(station?: string): Promise<HubChainHole[]>;

  addRefusal(r: HubRefusal): Promise<number>;
  listRefusals(opts?: { station?: string; limit?: number }): Promise<HubRefusal[]>;

  stats(): Promise<HubIndexStats>;

  /** Keeps the SHA-256 of a new one-time enrollment code. */
  addEnrollCode(codeHash: string, createdAt: number, expiresAt: number): Promise<void>;
  /** Uses a code once: true only for a known, unused, unexpired code (atomic across hub processes). */
  useEnrollCode(codeHash: string, now: number, usedBy: string): Promise<boolean>;
  /** Whether a signature is remembered (rememberRequest) already, without remembering it. */
  requestSeen(signatureHash: string): Promise<boolean>;
  /**
   * Remembers a request signature; false when it was seen already (a replay). Forgets those older
   * than `forgetBefore` (not necessarily at every call: a remembered signature older than that is
   * refused by its time anyway).
   */
  rememberRequest(signatureHash: string, at: number, forgetBefore: number): Promise<boolean>;
  /** requestSeen and getUpload in one round trip (each streamed part asks both). */
  uploadForRequest(sha256: string, signatureHash: string): Promise<{ upload: HubUpload | null; seen: boolean }>;

  putUpload(u: HubUpload): Promise<void>;
  getUpload(sha256: string): Promise<HubUpload | null>;
  dropUpload(sha256: string): Promise<void>;
  listUploads(): Promise<HubUpload[]>;

  addHold(h: HubHoldRow): Promise<void>;
  listHolds(station: string, since: number): Promise<HubHoldRow[]>;

  chainSummary(station: string): Promise<HubChainSummary>;
  close(): Promise<void>;
}

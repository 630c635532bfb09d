// The station's append-only hash chain. Every entry's body is canonical JSON holding its own seq,
// the SHA-256 of the previous entry's body (`prev`) and the station key's fingerprint; the body is
// hashed (entry_hash) and signed with Ed25519. For a clip, that body IS X.manifest.json, so a
// reviewer can follow the links with sha256sum alone. Deleting, reordering or editing any entry
// breaks a seq, a link, a hash or a signature.
import { createHash, type KeyObject } from 'node:crypto';
import type { Db } from '../db.ts';
import { canonicalBytes, type JsonValue } from './canonicalJson.ts';
import { signBytes, verifyBytes, type StationKey } from './keys.ts';

export const GENESIS_PREV = '0'.repeat(64);
export const CHAIN_VERSION = 1;

// 'anchor': a TSA's token over the hash of an earlier entry (the chain head then): evidence/anchors.ts.
export type EntryKind = 'genesis' | 'clip' | 'discarded' | 'deleted' | 'legal-hold' | 'export' | 'continuity' | 'anchor';

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

export interface EntryBody {
  v: number;
  seq: number;
  prev: string;
  kind: EntryKind;
  at: number;
  key: string;
  [field: string]: JsonValue;
}

const RESERVED = new Set(['v', 'seq', 'prev', 'kind', 'at', 'key']);

export const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export class Chain {
  private readonly db: Db;
  private readonly key: StationKey;

  constructor(db: Db, key: StationKey) {
    this.db = db;
    this.key = key;
  }

  /** The first entry names the station key, so a key swapped later is caught against it. */
  ensureGenesis(station: string): void {
    if (!this.key.privateKey) return;
    // Checked inside the write lock: two processes opening a new station make one genesis, not two.
    this.db
      .transaction(() => {
        if (this.count() === 0) this.append('genesis', null, { station, publicKey: this.key.publicPem });
      })
      .immediate();
  }

  /**
   * Appends one entry. BEGIN IMMEDIATE: a second process (the CLI while the app runs) waits for the
   * write lock, so two entries can never claim the same seq or the same predecessor.
   */
  append(kind: EntryKind, clipId: string | null, fields: Record<string, JsonValue>): ChainRow {
    for (const k of Object.keys(fields)) if (RESERVED.has(k)) throw new Error(`chain field "${k}" is reserved`);
    const privateKey = this.key.privateKey;
    if (!privateKey) throw new Error(`nothing can be added to the chain here: ${this.key.unavailable}`);
    const run = this.db.transaction((): ChainRow => {
      const last = this.db.prepare('SELECT seq, entry_hash FROM chain ORDER BY seq DESC LIMIT 1').get() as { seq: number; entry_hash: string } | undefined;
      const seq = (last?.seq ?? 0) + 1;
      const prev = last?.entry_hash ?? GENESIS_PREV;
      const at = Date.now();
      const body = canonicalBytes({ v: CHAIN_VERSION, seq, prev, kind, at, key: this.key.fingerprint, ...fields });
      const row: ChainRow = {
        seq,
        kind,
        clip_id: clipId,
        at,
        body: body.toString('utf8'),
        prev_hash: prev,
        entry_hash: sha256Hex(body),
        signature: signBytes(privateKey, body).toString('base64'),
      };
      this.db
        .prepare(
          'INSERT INTO chain (seq, kind, clip_id, at, body, prev_hash, entry_hash, signature) VALUES (@seq, @kind, @clip_id, @at, @body, @prev_hash, @entry_hash, @signature)',
        )
        .run(row);
      return row;
    });
    return run.immediate();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM chain').get() as { n: number }).n;
  }

  all(): ChainRow[] {
    return this.db.prepare('SELECT * FROM chain ORDER BY seq').all() as ChainRow[];
  }

  get(seq: number): ChainRow | undefined {
    return this.db.prepare('SELECT * FROM chain WHERE seq=?').get(seq) as ChainRow | undefined;
  }

  /** The clip's sealing entry (kind 'clip'), the newest if there are several. */
  clipEntry(clipId: string): ChainRow | undefined {
    return this.db.prepare(`SELECT * FROM chain WHERE clip_id=? AND kind='clip' ORDER BY seq DESC LIMIT 1`).get(clipId) as ChainRow | undefined;
  }

  /** The clip's newest 'continuity' entry: the frame counters read back from its file. */
  continuityEntry(clipId: string): ChainRow | undefined {
    return this.db.prepare(`SELECT * FROM chain WHERE clip_id=? AND kind='continuity' ORDER BY seq DESC LIMIT 1`).get(clipId) as ChainRow | undefined;
  }

  byHash(entryHash: string): ChainRow | undefined {
    return this.db.prepare('SELECT * FROM chain WHERE entry_hash=? ORDER BY seq LIMIT 1').get(entryHash) as ChainRow | undefined;
  }

  entriesOf(clipId: string): ChainRow[] {
    return this.db.prepare('SELECT * FROM chain WHERE clip_id=? ORDER BY seq').all(clipId) as ChainRow[];
  }

  /** Clip entries whose body says the clip had this SHA-256 (even when the index row is gone). */
  clipEntriesBySha(sha: string): ChainRow[] {
    return this.db
      .prepare(`SELECT * FROM chain WHERE kind='clip' AND json_valid(body) AND json_extract(body, '$.sha256')=? ORDER BY seq`)
      .all(sha.toLowerCase()) as ChainRow[];
  }
}

export function parseBody(row: Pick<ChainRow, 'body'>): EntryBody | null {
  try {
    const v = JSON.parse(row.body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as EntryBody) : null;
  } catch {
    return null;
  }
}

/** Checks that do not need the neighbours: body hash, body seq, signature. Returns plain sentences. */
export function checkEntryAlone(row: ChainRow, publicKey: KeyObject): { hashOk: boolean; seqOk: boolean; signatureOk: boolean } {
  const body = Buffer.from(row.body, 'utf8');
  const parsed = parseBody(row);
  return {
    hashOk: sha256Hex(body) === row.entry_hash,
    seqOk: parsed?.seq === row.seq && parsed.prev === row.prev_hash,
    signatureOk: verifyBytes(publicKey, body, Buffer.from(row.signature, 'base64')),
  };
}

// The station's append-only hash chain. Every entry's body is canonical JSON holding its own seq,
// the SHA-256 of the previous entry's body (`prev`) and the station key's fingerprint; the body is
// hashed (entry_hash) and signed with Ed25519. For a clip, that body IS X.manifest.json, so a
// reviewer can follow the links with sha256sum alone. Deleting, reordering or editing any entry
// breaks a seq, a link, a hash or a signature.
import { createHash, type KeyObject } from 'node:crypto';
import type { ChainHead, ChainIndex, ChainRow } from '../index/types.ts';
import { canonicalBytes, type JsonValue } from './canonicalJson.ts';
import { signBytes, verifyBytes, type StationKey } from './keys.ts';

export const GENESIS_PREV = '0'.repeat(64);
export const CHAIN_VERSION = 1;

// 'anchor': a TSA's token over the hash of an earlier entry (the chain head then): evidence/anchors.ts.
export type EntryKind = 'genesis' | 'clip' | 'discarded' | 'deleted' | 'legal-hold' | 'export' | 'continuity' | 'anchor';

export type { ChainRow };

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
  /** Where the entries are kept (index/): the chain seam. */
  readonly index: ChainIndex;
  private readonly key: StationKey;

  constructor(index: ChainIndex, key: StationKey) {
    this.index = index;
    this.key = key;
  }

  /** The first entry names the station key, so a key swapped later is caught against it. */
  async ensureGenesis(station: string): Promise<void> {
    const privateKey = this.key.privateKey;
    if (!privateKey) return;
    await this.index.appendIfEmpty(() => this.entry(privateKey, undefined, 'genesis', null, { station, publicKey: this.key.publicPem }));
  }

  /**
   * Appends one entry. The index appends atomically: a second process (the CLI while the app runs)
   * waits, so two entries can never claim the same seq or the same predecessor. The entry is built
   * (and signed) inside the index's append, on the head it holds then.
   */
  append(kind: EntryKind, clipId: string | null, fields: Record<string, JsonValue>): Promise<ChainRow> {
    for (const k of Object.keys(fields)) if (RESERVED.has(k)) return Promise.reject(new Error(`chain field "${k}" is reserved`));
    const privateKey = this.key.privateKey;
    if (!privateKey) return Promise.reject(new Error(`nothing can be added to the chain here: ${this.key.unavailable}`));
    return this.index.append((last) => this.entry(privateKey, last, kind, clipId, fields));
  }

  private entry(
    privateKey: NonNullable<StationKey['privateKey']>,
    last: ChainHead | undefined,
    kind: EntryKind,
    clipId: string | null,
    fields: Record<string, JsonValue>,
  ): ChainRow {
    const seq = (last?.seq ?? 0) + 1;
    const prev = last?.entry_hash ?? GENESIS_PREV;
    const at = Date.now();
    const body = canonicalBytes({ v: CHAIN_VERSION, seq, prev, kind, at, key: this.key.fingerprint, ...fields });
    return {
      seq,
      kind,
      clip_id: clipId,
      at,
      body: body.toString('utf8'),
      prev_hash: prev,
      entry_hash: sha256Hex(body),
      signature: signBytes(privateKey, body).toString('base64'),
    };
  }

  count(): Promise<number> {
    return this.index.count();
  }

  all(): Promise<ChainRow[]> {
    return this.index.all();
  }

  get(seq: number): Promise<ChainRow | undefined> {
    return this.index.get(seq);
  }

  /** The clip's sealing entry (kind 'clip'), the newest if there are several. */
  clipEntry(clipId: string): Promise<ChainRow | undefined> {
    return this.index.newestOfClip(clipId, 'clip');
  }

  /** The clip's newest 'continuity' entry: the frame counters read back from its file. */
  continuityEntry(clipId: string): Promise<ChainRow | undefined> {
    return this.index.newestOfClip(clipId, 'continuity');
  }

  byHash(entryHash: string): Promise<ChainRow | undefined> {
    return this.index.byHash(entryHash);
  }

  entriesOf(clipId: string): Promise<ChainRow[]> {
    return this.index.entriesOf(clipId);
  }

  /** Clip entries whose body says the clip had this SHA-256 (even when the index row is gone). */
  clipEntriesBySha(sha: string): Promise<ChainRow[]> {
    return this.index.clipEntriesBySha(sha);
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

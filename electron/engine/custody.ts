// The chain of custody: every event that matters to a reviewer (a clip sealed, recovered,
// discarded or deleted, a legal hold set or lifted, an export made) is appended here.
// The engine calls these hooks; the evidence module (hash chain, signatures, timestamps) implements them.
import type { ClipRow } from './index/types.ts';
import type { ClipEvidence } from '../../shared/contract/evidence.ts';
import type { JsonValue } from './evidence/canonicalJson.ts';

export interface CustodyActor {
  /** Who did it: an operator name, 'customer-service', 'retention', 'station'. */
  who: string;
  why: string;
}

export interface Custody {
  /** A finished clip (ok, recovered or interrupted), its file in the clip store: seal it and append it to the chain. */
  clipSealed(row: ClipRow): Promise<void>;
  /** A recording thrown away before it became a clip (DISCARD code, too short). */
  clipDiscarded(row: ClipRow, actor: CustodyActor): Promise<void>;
  /** A clip file deleted (retention or a person). Called after the file is gone. */
  clipDeleted(row: ClipRow, actor: CustodyActor): Promise<void>;
  legalHold(row: ClipRow, on: boolean, actor: CustodyActor): Promise<void>;
  exported(rows: ClipRow[], details: Record<string, unknown>, actor: CustodyActor): Promise<void>;
  /** The frame counters read back from a sealed clip (continuity.ts): a signed follow-up entry. */
  continuityChecked?(row: ClipRow, fields: Record<string, JsonValue>): Promise<void>;
  /** What the UI shows with a clip (chain entry, signature, trusted time); null when not sealed. */
  describe?(clipId: string): Promise<ClipEvidence | null>;
  /** Stops background work (the timestamp worker) before the index closes. */
  close?(): Promise<void>;
}

/** Used until the evidence module is wired in: records nothing. */
export const noCustody: Custody = {
  clipSealed: async () => {},
  clipDiscarded: async () => {},
  clipDeleted: async () => {},
  legalHold: async () => {},
  exported: async () => {},
};

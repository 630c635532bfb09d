// What the publisher needs from the hub client library (electron/hub/client/, the wire protocol in
// shared/hubWire.ts). Kept as a narrow interface so the outbox logic is tested with a fake hub and
// the engine plugs in the real client (publish/connect.ts).
import type { ChainEntryWire, ChainResult, ClipWire, HubHold, HubReceipt } from '../../../shared/hubWire.ts';

/** The fields of a clip's index row that publishing reads (structurally the engine's ClipRow). */
export interface ClipRowLike {
  id: string;
  order_code: string;
  mode: string;
  operator: string | null;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  size_bytes: number | null;
  sha256: string | null;
  status: string;
  stop_reason: string | null;
  note: string | null;
  legal_hold: number;
  /** The clip's key in the clip store (store/types.ts), null until it is sealed. */
  file: string | null;
}

type Maybe<T> = T | Promise<T>;
/** What the engine answers sync today and may answer async behind its index seam. */
export type ClipLookup = (clipId: string) => Maybe<ClipRowLike | undefined>;

/** A clip's bytes start..end (inclusive, as ClipStore.readRange): the client reads each part it sends through it. */
export type ClipBytes = (start: number, end: number) => Promise<Buffer>;

export type HubFailure = 'unreachable' | 'impostor' | 'unauthorized' | 'refused' | 'bad-response';

export interface StationSignerLike {
  fingerprint: string;
  publicKeyPem: string;
  sign(data: Buffer): Buffer;
}

// The wire shapes are the protocol's own (shared/hubWire.ts); these names are what the publisher reads.
export type ReceiptLike = HubReceipt;
export type ChainEntryLike = ChainEntryWire;
export type ClipWireLike = ClipWire;
export type HoldLike = HubHold;

export interface HubClientLike {
  hello(): Promise<void>;
  publishChain(entries: ChainEntryLike[]): Promise<{ results: ChainResult[]; head: number }>;
  publishClip(
    clip: { sha256: string; size: number; read: ClipBytes; row: ClipWireLike; manifest: Buffer; signature: Buffer; tsr: Buffer | null; chainSeq: number },
    opts?: { signal?: AbortSignal },
  ): Promise<ReceiptLike>;
  publishTsr(sha256: string, tsr: Buffer): Promise<void>;
  clipState(sha256: string): Promise<{ state: 'confirmed'; receipt: ReceiptLike } | { state: 'missing' }>;
  holds(since: number): Promise<HoldLike[]>;
}

export interface HubClientConfigLike {
  url: string;
  hubFingerprint: string;
  hubPublicKeyPem: string;
  station: StationSignerLike;
  timeoutMs?: number;
}

export interface EnrolledLike {
  hubUrl: string;
  hubFingerprint: string;
  hubName: string;
  hubPublicKeyPem: string;
  enrolledAt: number;
}

/** The two entry points of the client library. */
export interface HubConnector {
  enroll(hubUrl: string, code: string, station: StationSignerLike & { name: string }): Promise<EnrolledLike>;
  open(cfg: HubClientConfigLike): HubClientLike;
}

/** The failure kind of an error thrown by the client (HubError has `code`); anything else is 'other'. */
export function failureOf(err: unknown): HubFailure | 'other' {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'unreachable' || code === 'impostor' || code === 'unauthorized' || code === 'refused' || code === 'bad-response' ? code : 'other';
}

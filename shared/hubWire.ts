// The wire protocol between a station and its warehouse hub (/work/notes/hub-protocol.md, docs/hub.md):
// every JSON body either side sends, as zod schemas. The hub parses each request with these before
// it looks at anything else, and the station's client parses each answer, so neither trusts the
// other's shape. Binary values (manifests, signatures, tokens) travel as base64.
import { z } from 'zod';

export const HUB_API = '/hub/v1';

export const SHA256_HEX_RE = /^[0-9a-f]{64}$/;
export const Sha256Hex = z.string().regex(SHA256_HEX_RE, 'a SHA-256 (64 lowercase hex digits)');
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Epoch = z.number().int().nonnegative();

/** `PWE1-<20 base32>-<first 16 hex of the hub's fingerprint>`. */
export const ENROLL_CODE_RE = /^PWE1-([A-Z2-7]{20})-([0-9a-f]{16})$/;

/** What the station signs to prove it holds its key when it enrolls. */
export const enrollProofText = (code: string): string => `packwitness-enroll:${code}`;
/** What the hub signs to prove it holds its key (GET hello). */
export const helloText = (nonce: string): string => `packwitness-hub-hello:${nonce}`;
/** What the station signs on every other request (headers x-pw-station, x-pw-time, x-pw-signature). */
export const requestSigningText = (method: string, pathWithQuery: string, time: number, bodySha256: string): string =>
  `${method.toUpperCase()}\n${pathWithQuery}\n${time}\n${bodySha256}`;
/**
 * A part (PUT …/parts/N) may be signed over its MD5 instead of its SHA-256: the station sends this
 * header with the value `md5` and signs `md5BodyField(hex)` as the body field. The store needs each
 * part's MD5 anyway (Content-MD5), so station and hub hash a part once instead of twice; the clip's
 * SHA-256 is still checked over all its bytes before it is indexed. Only when the hub's begin answer
 * says `partDigest: 'md5'`; otherwise (and on every other call) the body field is the SHA-256.
 */
export const PART_DIGEST_HEADER = 'x-pw-body-digest';
export const md5BodyField = (md5Hex: string): string => `md5:${md5Hex}`;
/** A request's time may differ from the hub's clock by this much; a signature is refused twice within it. */
export const REQUEST_WINDOW_MS = 5 * 60_000;

export const EnrollRequest = z.object({
  code: z.string().regex(ENROLL_CODE_RE),
  name: z.string().min(1).max(60),
  publicKeyPem: z.string().min(40).max(1000),
  fingerprint: Sha256Hex,
  proof: Base64,
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  hubName: z.string(),
  hubPublicKeyPem: z.string(),
  hubFingerprint: Sha256Hex,
  stationFingerprint: Sha256Hex,
  enrolledAt: Epoch,
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

export const HelloResponse = z.object({
  hubFingerprint: Sha256Hex,
  hubPublicKeyPem: z.string(),
  signature: Base64,
});
export type HelloResponse = z.infer<typeof HelloResponse>;

/** The hub's signed confirmation that it holds and checked a clip. */
export const HubReceipt = z.object({
  sha256: Sha256Hex,
  station: Sha256Hex,
  clipId: z.string(),
  receivedAt: Epoch,
  verifiedAt: Epoch,
  /** base64 Ed25519 signature by the hub's key over canonical JSON of the other fields. */
  signature: Base64,
});
export type HubReceipt = z.infer<typeof HubReceipt>;

export const BeginRequest = z.object({
  size: z
    .number()
    .int()
    .positive()
    .max(64 * 2 ** 30),
});
export const BeginResponse = z.object({
  partSize: z.number().int().positive(),
  parts: z.array(z.number().int().positive()),
  complete: z.boolean(),
  /** 'md5': this hub takes parts signed over their MD5 (PART_DIGEST_HEADER); absent on older hubs. */
  partDigest: z.literal('md5').optional(),
});
export type BeginResponse = z.infer<typeof BeginResponse>;

/** The station's clip row as published (the station `clips` fields the hub indexes). */
export const ClipWire = z.object({
  clipId: z.string().min(1).max(200),
  order: z.string().max(200),
  mode: z.string().min(1).max(40),
  operator: z.string().max(200).nullable(),
  startedAt: Epoch,
  endedAt: Epoch,
  durationMs: z.number().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  status: z.string().min(1).max(40),
  stopReason: z.string().max(200).nullable(),
  note: z.string().max(2000).nullable(),
});
export type ClipWire = z.infer<typeof ClipWire>;

/**
 * A published clip as the hub holds it, one definition for every side that shows one (the hub's
 * index rows, the console's answers): the station's row plus whose it is, its bytes and arrival.
 */
export interface HubClipFields extends ClipWire {
  /** The station's key fingerprint. */
  station: string;
  sha256: string;
  /** When the hub indexed it (epoch ms). */
  publishedAt: number;
}

export const CompleteRequest = z.object({
  clip: ClipWire,
  manifest: Base64,
  signature: Base64,
  tsr: Base64.nullable(),
  chainSeq: z.number().int().positive(),
});
export type CompleteRequest = z.infer<typeof CompleteRequest>;
export const CompleteResponse = z.object({ receipt: HubReceipt });

export const TsrRequest = z.object({ tsr: Base64.min(4) });

export const ClipStateResponse = z.discriminatedUnion('state', [
  z.object({ state: z.literal('confirmed'), receipt: HubReceipt }),
  z.object({ state: z.literal('missing') }),
]);
export type ClipStateResponse = z.infer<typeof ClipStateResponse>;

export const ChainEntryWire = z.object({
  seq: z.number().int().positive(),
  prev: Sha256Hex,
  hash: Sha256Hex,
  signature: Base64,
  kind: z.string().min(1).max(40),
  at: Epoch,
  clipId: z.string().max(200).nullable(),
  /** The signed canonical JSON (for a clip: the manifest itself). */
  body: z.string().max(64 * 1024),
});
export type ChainEntryWire = z.infer<typeof ChainEntryWire>;

export const MAX_CHAIN_BATCH = 500;
export const ChainRequest = z.object({ entries: z.array(ChainEntryWire).max(MAX_CHAIN_BATCH) });
export const ChainResult = z.object({
  seq: z.number().int(),
  outcome: z.enum(['inserted', 'duplicate', 'refused']),
  reason: z.string().optional(),
});
export type ChainResult = z.infer<typeof ChainResult>;
export const ChainResponse = z.object({ results: z.array(ChainResult), head: z.number().int().nonnegative() });

export const HubHold = z.object({
  clipId: z.string(),
  sha256: Sha256Hex,
  held: z.boolean(),
  reason: z.string().nullable(),
  at: Epoch,
  by: z.string().nullable(),
});
export type HubHold = z.infer<typeof HubHold>;
export const HoldsResponse = z.object({ holds: z.array(HubHold) });

/** Codes of the hub's refusals (422) and other errors. */
export const HubRefusalCode = z.enum([
  'bad-code',
  'unknown-station',
  'unauthorized',
  'bad-request',
  'too-large',
  'not-found',
  'refused',
  'bad-part',
  'bad-digest',
  'bad-signature',
  'hash-mismatch',
  'broken-link',
  'not-in-chain',
  'conflict',
  'replay',
  'unavailable',
]);
export type HubRefusalCode = z.infer<typeof HubRefusalCode>;
export const HubErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

/** The fields of a receipt the hub signs, in canonical order (keys sorted). */
export function receiptSigningBytes(r: Omit<HubReceipt, 'signature'>): Buffer {
  const fields = { clipId: r.clipId, receivedAt: r.receivedAt, sha256: r.sha256, station: r.station, verifiedAt: r.verifiedAt };
  return Buffer.from(JSON.stringify(fields), 'utf8');
}

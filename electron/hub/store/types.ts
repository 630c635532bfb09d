// The hub's clip store seam: where sealed clips and their sidecars live, addressed by the clip's
// SHA-256. Two implementations behind one interface: a folder (local disk or a mounted NAS share,
// folder.ts) and S3-compatible object storage (s3.ts). The hub server (next layer) streams a
// station's upload into it part by part and indexes the clip only after `completeUpload` returned:
// by then the stored bytes were hashed again and matched, so nothing unverified is ever visible.
//
// Rules every implementation keeps:
// - Content-addressed: a clip's key is its SHA-256; a sidecar's key is the clip's SHA-256 plus its
//   kind. Bytes under a key never change: a second put of the same bytes is `existing`, a put of
//   different bytes under a sidecar key is refused (`conflict`), and a clip whose bytes do not hash
//   to the named SHA-256 is refused (`hash-mismatch`) and never becomes visible.
// - Multipart: parts of `partSize` bytes (the last may be shorter), numbered from 1, each checked
//   against its MD5 (Content-MD5). An upload survives a crash of the process that sent it:
//   `beginUpload` for the same SHA-256 finds the upload and the parts already stored, and the
//   sender sends only the rest.
// - Nothing here trusts the store: after an upload the object is read back and hashed.
import type { Readable } from 'node:stream';

/** What a clip's object is stored with. */
export type ObjectKind = 'clip' | 'manifest' | 'sig' | 'tsr' | 'thumb' | 'package';

/** File-name suffix of each kind next to `<sha256>` (the station's sidecar names). */
export const KIND_SUFFIX: Record<ObjectKind, string> = {
  clip: '.mp4',
  manifest: '.manifest.json',
  sig: '.manifest.json.sig',
  tsr: '.tsr',
  /** The console's small JPEG of the clip's first second (made by the hub, electron/hub/console/thumbs.ts). */
  thumb: '.thumb.jpg',
  /** An evidence package the hub made (electron/hub/console/export.ts), keyed by the ZIP's own SHA-256. */
  package: '.package.zip',
};

export const SHA256_RE = /^[0-9a-f]{64}$/;

export interface ObjectStat {
  sha256: string;
  kind: ObjectKind;
  size: number;
  /** When it was stored (epoch ms). */
  storedAt: number;
  /** Retain-until of an Object Lock retention on it (epoch ms), when the store has one. */
  retainUntil?: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (as in HTTP Range); omitted = to the end. */
  end?: number;
}

export interface UploadedPart {
  number: number;
  size: number;
  /** Hex MD5 of the part's bytes. */
  md5: string;
}

/** An upload in progress: `parts` are those already stored (after a resume, possibly many). */
export interface UploadSession {
  sha256: string;
  size: number;
  /** Opaque to callers; pass it back to uploadPart/completeUpload/abortUpload. */
  uploadId: string;
  partSize: number;
  partCount: number;
  parts: UploadedPart[];
  /** True when the clip was stored already: nothing to send. */
  complete: boolean;
}

export interface BeginOptions {
  /**
   * What the caller's own records say of this clip's upload: its id (the store resumes that one
   * without searching for others), or null when the caller knows of none, so that no part it
   * accepted can be stored under any (the store starts a new upload without searching). Omitted:
   * the store searches for an upload of this key itself.
   */
  knownUploadId?: string | null;
}

/** What a sender computed over the bytes it sent, in order: lets the store verify without re-reading. */
export interface RelayedDigest {
  sha256: string;
  /** Hex MD5 of each part, parts 1..n. */
  partMd5: string[];
}

export interface PutResult {
  sha256: string;
  size: number;
  /** `new`: stored by this call; `existing`: the same bytes were there already. */
  stored: 'new' | 'existing';
}

/**
 * Whether the store itself keeps clips from being deleted or changed (S3 Object Lock):
 * - `enforced`: a locked object could not be deleted in the start-up probe;
 * - `not-enforced`: the bucket claims Object Lock but the probe deleted a locked object (a fake);
 * - `not-configured`: the bucket has no Object Lock (created without it);
 * - `unsupported`: the store has no such thing (a folder).
 */
export type ObjectLockState = 'enforced' | 'not-enforced' | 'not-configured' | 'unsupported';

export interface StoreProbe {
  /** A write, read back and delete of a small object worked. */
  writable: boolean;
  objectLock: ObjectLockState;
  /** Retention the store writes clips under (configured; off by default). */
  retention: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number } | null;
  /** One line for the hub's start-up output and `hub doctor`. */
  message: string;
}

export type StoreErrorCode = 'not-found' | 'hash-mismatch' | 'bad-digest' | 'conflict' | 'bad-part' | 'locked' | 'denied' | 'unavailable' | 'bad-input';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export interface ClipStore {
  readonly kind: 'folder' | 's3';
  /** Where it stores, for messages (no secrets). */
  readonly location: string;
  /** Part size of multipart uploads (bytes; at least 5 MiB on S3). */
  readonly partSize: number;

  /** Start-up check: writable, and whether Object Lock is enforced. */
  probe(): Promise<StoreProbe>;

  /**
   * Starts, or resumes, the upload of the clip with this SHA-256 and size. Resuming returns the
   * parts already stored; `complete: true` means the clip is stored already (nothing to send).
   */
  beginUpload(sha256: string, size: number, opts?: BeginOptions): Promise<UploadSession>;
  /**
   * Stores one part. `md5` (hex) is checked by the store: a mismatch is `bad-digest`. With
   * `md5OfBytes` the caller computed `md5` from these very bytes itself (not taken from a sender),
   * so the store does not hash them again.
   */
  uploadPart(session: UploadSession, number: number, bytes: Buffer, md5?: string, opts?: { md5OfBytes?: boolean }): Promise<UploadedPart>;
  /**
   * Stores one part streamed from `body` (`length` bytes, the sender's hex `md5`), where the store
   * itself checks the bytes against `md5` as they arrive (S3's Content-MD5) so that the caller
   * holds no copy of the part. A store without that check has no such method: the caller reads
   * the part and calls uploadPart. A mismatch is `bad-digest`; a body that breaks off `bad-part`.
   */
  uploadPartStream?(session: UploadSession, number: number, body: Readable, length: number, md5: string): Promise<UploadedPart>;
  /**
   * Joins the parts, hashes the stored object and makes it visible under its SHA-256 only when it
   * matches (`hash-mismatch` otherwise: nothing stays). Applies Object Lock retention if configured.
   * `relayed`: the caller hashed the very bytes it sent, in part order (SHA-256 = the key), and
   * knows each part's MD5; a store that can prove it holds those parts (each part's ETag is its
   * MD5, the joined object's multipart ETag is theirs) skips reading the object back.
   */
  completeUpload(session: UploadSession, relayed?: RelayedDigest): Promise<PutResult>;
  /** Throws away an upload's parts. */
  abortUpload(session: UploadSession): Promise<void>;

  /** Convenience for whole files: begin (or resume), send the missing parts, complete. */
  putFile(sha256: string, file: string, opts?: { onPart?: (p: UploadedPart) => void }): Promise<PutResult>;
  /** Stores a sidecar (manifest, signature, token) of a clip; refused if different bytes are there. */
  putSidecar(sha256: string, kind: Exclude<ObjectKind, 'clip'>, bytes: Buffer): Promise<PutResult>;

  stat(sha256: string, kind?: ObjectKind): Promise<ObjectStat | null>;
  /** Reads a whole object (sidecars) or a range of it. */
  read(sha256: string, kind?: ObjectKind, range?: ByteRange): Promise<Buffer>;
  /** Streams an object or a range of it (HTTP Range answers of the hub). */
  stream(sha256: string, kind?: ObjectKind, range?: ByteRange): Promise<Readable>;
  /** Deletes a clip and its sidecars. `locked` when Object Lock keeps it. Missing is not an error. */
  delete(sha256: string): Promise<void>;
  /** SHA-256 of every stored clip (sidecars not listed), in key order. */
  list(): AsyncIterable<string>;
  /**
   * A URL a browser can GET the object from directly for `expiresInSec`, or null when the store
   * has none (a folder: the hub proxies reads). Range requests work on it.
   */
  presignedUrl(sha256: string, kind?: ObjectKind, expiresInSec?: number): Promise<string | null>;
  /**
   * Sets or lifts an Object Lock legal hold on the clip's object (the console's legal hold);
   * `unsupported` when the bucket has no Object Lock. Absent: the store has no such thing (a folder).
   */
  setLegalHold?(sha256: string, on: boolean): Promise<'done' | 'unsupported'>;
  /** Whether the clip's object is under an Object Lock legal hold now (null: no Object Lock). */
  legalHold?(sha256: string): Promise<boolean | null>;
  close(): Promise<void>;
}

export function checkSha256(sha256: string): void {
  if (!SHA256_RE.test(sha256)) throw new StoreError('bad-input', `not a SHA-256 (64 lowercase hex digits): ${JSON.stringify(sha256)}`);
}

/** Two levels of fan-out keep any folder or listing page small at millions of clips. */
export function objectKey(sha256: string, kind: ObjectKind = 'clip'): string {
  checkSha256(sha256);
  return `clips/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}${KIND_SUFFIX[kind]}`;
}

export function partCountFor(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

export function expectedPartSize(size: number, partSize: number, number: number): number {
  const count = partCountFor(size, partSize);
  if (number < 1 || number > count) return -1;
  return number < count ? partSize : size - partSize * (count - 1);
}

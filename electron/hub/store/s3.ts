// The clip store on S3-compatible object storage (Ceph RGW, MinIO, AWS S3, OSS, COS, R2):
// path-style SigV4, checksums only "when required" (non-AWS servers reject the SDK's default
// streaming checksums), multipart with ListParts for resuming, Content-MD5 on every part and
// sidecar (Ceph, AWS and MinIO refuse a mismatch with BadDigest). Ceph 16 ignores If-None-Match
// and x-amz-checksum-*, so neither is relied on: keys are content-addressed, an existing object
// is looked up before completing, and every stored object is hashed before it counts: read back,
// or, when the sender hashed every part on the way, proven by the parts' MD5s and multipart ETag.
// Object Lock retention, when configured, is put on the object version only after that check, so a
// wrong object can still be removed.
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Credentials } from './credentials.ts';
import { presignGetUrl } from './presign.ts';
import { putFileByParts } from './putFile.ts';
import {
  type ByteRange,
  type ClipStore,
  type ObjectKind,
  type ObjectStat,
  type PutResult,
  type RelayedDigest,
  type StoreProbe,
  type UploadedPart,
  type UploadSession,
  type BeginOptions,
  KIND_SUFFIX,
  StoreError,
  checkSha256,
  expectedPartSize,
  objectKey,
  partCountFor,
} from './types.ts';
import { clampRange } from './folder.ts';

export interface S3StoreOptions {
  /** `http(s)://host:port` of the S3 API. */
  endpoint: string;
  bucket: string;
  credentials: S3Credentials;
  region?: string;
  /** Bytes per multipart part (default 8 MiB; S3 needs at least 5 MiB except for the last). */
  partSize?: number;
  /** Object Lock retention for every stored object; off (null) by default. */
  retention?: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number } | null;
}

/** Splits `http://host:port/bucket` (the hub's `--s3 URL`) into endpoint and bucket. */
export function parseS3Url(s3url: string): { endpoint: string; bucket: string } {
  let u: URL;
  try {
    u = new URL(s3url);
  } catch {
    throw new Error(`not a URL: ${s3url} (expected http://host:port/bucket)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${s3url}: only http and https`);
  if (u.username || u.password) throw new Error('S3 credentials never go into the URL: use AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a credentials file');
  const parts = u.pathname.split('/').filter(Boolean);
  if (parts.length !== 1) throw new Error(`${s3url}: expected exactly one path segment, the bucket (http://host:port/bucket)`);
  return { endpoint: `${u.protocol}//${u.host}`, bucket: decodeURIComponent(parts[0]!) };
}

const MIN_PART = 5 * 1024 * 1024;

export class S3ClipStore implements ClipStore {
  readonly kind = 's3' as const;
  readonly location: string;
  readonly partSize: number;
  readonly client: S3Client;
  private readonly streamClient: S3Client;
  private readonly bucket: string;
  private readonly endpoint: string;
  private readonly region: string;
  private readonly credentials: S3Credentials;
  private readonly retention: S3StoreOptions['retention'];

  constructor(opts: S3StoreOptions) {
    this.endpoint = opts.endpoint.replace(/\/+$/, '');
    this.bucket = opts.bucket;
    this.region = opts.region ?? 'us-east-1';
    this.credentials = opts.credentials;
    this.partSize = opts.partSize ?? 8 * 1024 * 1024;
    if (this.partSize < MIN_PART) throw new Error(`S3 parts must be at least ${MIN_PART} bytes`);
    this.retention = opts.retention ?? null;
    this.location = `${this.endpoint}/${this.bucket}`;
    this.client = new S3Client({
      endpoint: this.endpoint,
      region: this.region,
      forcePathStyle: true,
      credentials: opts.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 5000, requestTimeout: 120_000 },
    });
    // Parts streamed from a station's request cannot be sent twice: this client never retries
    // (the station sends the part again). Its request timeout is the time without a byte.
    this.streamClient = new S3Client({
      endpoint: this.endpoint,
      region: this.region,
      forcePathStyle: true,
      credentials: opts.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 5000, requestTimeout: 120_000 },
    });
  }

  /** Creates the bucket if missing (tests, first set-up); with Object Lock it also gets versioning. */
  async ensureBucket(opts: { objectLock?: boolean } = {}): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (e) {
      if (status(e) !== 404) throw toStoreError(e, `bucket ${this.bucket}`);
    }
    await this.client.send(new CreateBucketCommand({ Bucket: this.bucket, ObjectLockEnabledForBucket: opts.objectLock === true })).catch((e) => {
      throw toStoreError(e, `create bucket ${this.bucket}`);
    });
  }

  async probe(): Promise<StoreProbe> {
    const key = `.probe/${Date.now()}-${randomBytes(6).toString('hex')}`;
    const bytes = randomBytes(32);
    let writable = false;
    let objectLock: StoreProbe['objectLock'] = 'not-configured';
    let note = '';
    try {
      const put = await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentMD5: md5b64(bytes) }));
      writable = (await this.getBytes(key)).equals(bytes);
      let lockEnabled = false;
      try {
        const conf = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }));
        lockEnabled = conf.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      } catch (e) {
        if (status(e) === undefined) throw e;
      }
      if (lockEnabled) {
        // Ask the bucket to keep the probe (legal hold), try to delete that version, then lift the
        // hold: the only way to know the lock is enforced rather than merely accepted.
        const versionId = put.VersionId;
        await this.client.send(new PutObjectLegalHoldCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, LegalHold: { Status: 'ON' } }));
        let deleted = false;
        try {
          await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
          deleted = !(await this.versionExists(key, versionId));
        } catch (e) {
          if (status(e) !== 403) throw e;
        }
        objectLock = deleted ? 'not-enforced' : 'enforced';
        if (!deleted) {
          await this.client.send(new PutObjectLegalHoldCommand({ Bucket: this.bucket, Key: key, VersionId: versionId, LegalHold: { Status: 'OFF' } }));
        }
      }
    } catch (e) {
      note = ` (${toStoreError(e, 'probe').message})`;
    } finally {
      await this.deleteAllVersions(key).catch(() => {});
    }
    const lockText = {
      enforced: 'the bucket enforces Object Lock',
      'not-enforced': 'the bucket accepts Object Lock requests but does NOT enforce them',
      'not-configured': 'the bucket has no Object Lock',
      unsupported: 'no Object Lock',
    }[objectLock];
    const retentionText = this.retention ? `; clips are kept under ${this.retention.mode} retention for ${this.retention.days} day(s)` : '; retention off';
    return {
      writable,
      objectLock,
      retention: this.retention ?? null,
      message: `s3 ${this.location}: ${writable ? 'writable' : 'NOT writable'}${note}; ${lockText}${retentionText}`,
    };
  }

  async beginUpload(sha256: string, size: number, opts?: BeginOptions): Promise<UploadSession> {
    checkSha256(sha256);
    if (!Number.isSafeInteger(size) || size < 0) throw new StoreError('bad-input', `bad size ${size}`);
    const key = objectKey(sha256);
    const base = { sha256, size, partSize: this.partSize, partCount: partCountFor(size, this.partSize) };
    if (await this.stat(sha256)) return { ...base, uploadId: '', parts: [], complete: true };
    const usableParts = (parts: UploadedPart[]): UploadedPart[] | null => {
      const usable = parts.filter((p) => p.size === expectedPartSize(size, this.partSize, p.number));
      return usable.length === 0 && parts.length > 0 ? null : usable;
    };
    const known = opts?.knownUploadId;
    if (known) {
      // The caller's records name the upload: its parts are asked for directly. When it is gone
      // (aborted, or completed meanwhile) no other upload holds parts the caller accepted: a new one.
      const parts = await this.listParts(key, known).catch(() => null);
      const usable = parts && usableParts(parts);
      if (usable) return { ...base, uploadId: known, parts: usable, complete: false };
    }
    if (known === undefined) {
      // Resume: another (possibly killed) process may have started this very upload. The hub
      // keeps no state of its own, so the store is asked.
      const uploads = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key })).catch((e) => {
        throw toStoreError(e, key);
      });
      const mine = (uploads.Uploads ?? [])
        .filter((u) => u.Key === key && u.UploadId)
        .sort((a, b) => (b.Initiated?.getTime() ?? 0) - (a.Initiated?.getTime() ?? 0));
      for (const u of mine) {
        const parts = await this.listParts(key, u.UploadId!).catch(() => null);
        const usable = parts && usableParts(parts);
        if (usable) return { ...base, uploadId: u.UploadId!, parts: usable, complete: false };
      }
    }
    const created = await this.client
      .send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: 'video/mp4',
        }),
      )
      .catch((e) => {
        throw toStoreError(e, key);
      });
    return { ...base, uploadId: created.UploadId!, parts: [], complete: false };
  }

  async uploadPart(s: UploadSession, number: number, bytes: Buffer, md5?: string, opts?: { md5OfBytes?: boolean }): Promise<UploadedPart> {
    checkPartSize(s, number, bytes.length);
    const actual = opts?.md5OfBytes && md5 ? md5.toLowerCase() : createHash('md5').update(bytes).digest('hex');
    // The sender's MD5 goes to the store as Content-MD5: bytes changed on the way (or by us) are
    // refused by the store itself.
    const claimed = (md5 ?? actual).toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(claimed)) throw new StoreError('bad-input', `part ${number}: not an MD5: ${md5}`);
    const key = objectKey(s.sha256);
    const out = await this.client.send(this.partCommand(s, number, bytes, bytes.length, claimed)).catch((e) => {
      throw toStoreError(e, `${key} part ${number}`);
    });
    const etag = (out.ETag ?? '').replace(/"/g, '');
    if (etag !== actual) throw new StoreError('bad-digest', `part ${number}: the store answered ETag ${etag}, the bytes have MD5 ${actual}`);
    return { number, size: bytes.length, md5: actual };
  }

  /**
   * Streams one part from `body` (a station's request, as it arrives) into the store: no copy of
   * the part is held here. `md5` (hex) is the sender's, signed by it; it goes as Content-MD5, so the
   * store itself refuses other bytes (BadDigest), and the part's ETag must be it. A body that ends
   * early or breaks cancels the store's request, and nothing is stored under the part.
   */
  async uploadPartStream(s: UploadSession, number: number, body: Readable, length: number, md5: string): Promise<UploadedPart> {
    checkPartSize(s, number, length);
    const claimed = md5.toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(claimed)) throw new StoreError('bad-input', `part ${number}: not an MD5: ${md5}`);
    const key = objectKey(s.sha256);
    const command = this.partCommand(s, number, body, length, claimed);
    const cancel = new AbortController();
    const broken = (err?: Error | null): void => {
      if (err) cancel.abort(err);
    };
    body.once('error', broken);
    try {
      const out = await this.streamClient.send(command, { abortSignal: cancel.signal }).catch((e: unknown) => {
        throw cancel.signal.aborted
          ? new StoreError('bad-part', `part ${number}: the sender's bytes broke off (${errorText(cancel.signal.reason)})`)
          : toStoreError(e, `${key} part ${number}`);
      });
      const etag = (out.ETag ?? '').replace(/"/g, '');
      if (etag !== claimed) throw new StoreError('bad-digest', `part ${number}: the store answered ETag ${etag}, the sender's MD5 is ${claimed}`);
      return { number, size: length, md5: claimed };
    } finally {
      body.off('error', broken);
    }
  }

  /** An UploadPart with the sender's MD5 as Content-MD5, signed without a payload hash. */
  private partCommand(s: UploadSession, number: number, body: Buffer | Readable, length: number, md5Hex: string): UploadPartCommand {
    const command = new UploadPartCommand({
      Bucket: this.bucket,
      Key: objectKey(s.sha256),
      UploadId: s.uploadId,
      PartNumber: number,
      Body: body,
      ContentLength: length,
      ContentMD5: Buffer.from(md5Hex, 'hex').toString('base64'),
    });
    command.middlewareStack.add(unsignedPayload, { step: 'build', name: 'pwUnsignedPayload' });
    return command;
  }

  async completeUpload(s: UploadSession, relayed?: RelayedDigest): Promise<PutResult> {
    const key = objectKey(s.sha256);
    if (await this.stat(s.sha256)) {
      // Someone stored these bytes meanwhile (a retry, another hub): this upload is not needed.
      if (s.uploadId) await this.abortUpload(s).catch(() => {});
      return { sha256: s.sha256, size: s.size, stored: 'existing' };
    }
    // The sender's digest names these bytes and every part's MD5: the completion lists those MD5s
    // as the parts' ETags, and the store joins the parts only when each stored part has that ETag
    // (S3, MinIO and Ceph answer InvalidPart otherwise), so the parts need not be listed first.
    // Without it, or when the store refuses that list, the stored parts are listed and checked.
    const relayCovers = relayed !== undefined && relayed.sha256 === s.sha256 && relayed.partMd5.length === s.partCount;
    let relayHolds = false;
    let etag: string | undefined;
    if (relayCovers) {
      const joined = await this.joinParts(
        s,
        relayed.partMd5.map((m) => m.toLowerCase()),
      );
      if (joined.ok) {
        relayHolds = true;
        etag = joined.etag;
      }
    }
    if (!relayHolds) {
      const parts = await this.listParts(key, s.uploadId).catch((e) => {
        throw toStoreError(e, `${key} upload`);
      });
      const byNumber = new Map(parts.map((p) => [p.number, p]));
      for (let n = 1; n <= s.partCount; n++) {
        const p = byNumber.get(n);
        if (!p) throw new StoreError('bad-part', `part ${n} of ${s.partCount} was never stored`);
        if (p.size !== expectedPartSize(s.size, s.partSize, n)) throw new StoreError('bad-part', `part ${n} has ${p.size} bytes`);
      }
      const joined = await this.joinParts(
        s,
        Array.from({ length: s.partCount }, (_, i) => byNumber.get(i + 1)!.md5),
      );
      if (!joined.ok) throw toStoreError(joined.error, `${key} complete`);
      etag = joined.etag;
    }
    if (relayHolds && relayed) {
      // The object is exactly the parts hashed on the way when its multipart ETag is theirs and its
      // size is the clip's: no re-read. Ceph 16 answers the completion without an ETag, so the
      // object's own (HEAD) decides then.
      const head = await this.head(key);
      const joined = etag || head?.etag;
      if (head?.size === s.size && joined === multipartEtag(relayed.partMd5)) {
        await this.applyRetention(key);
        return { sha256: s.sha256, size: s.size, stored: 'new' };
      }
    }
    return this.verifyStored(s.sha256, 'clip', s.size);
  }

  /**
   * CompleteMultipartUpload with these ETags for parts 1..n. `ok: false` when the store refused
   * the list (a part it does not hold with that ETag); other failures throw.
   */
  private async joinParts(s: UploadSession, md5: string[]): Promise<{ ok: true; etag?: string } | { ok: false; error: unknown }> {
    const key = objectKey(s.sha256);
    try {
      const done = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: s.uploadId,
          MultipartUpload: { Parts: md5.map((m, i) => ({ PartNumber: i + 1, ETag: `"${m}"` })) },
        }),
      );
      const etag = done.ETag?.replace(/"/g, '');
      return etag ? { ok: true, etag } : { ok: true };
    } catch (e) {
      // Completed by an earlier attempt whose answer was lost: the object decides.
      if (errName(e) === 'NoSuchUpload' && (await this.stat(s.sha256))) return { ok: true };
      if (errName(e) === 'InvalidPart' || errName(e) === 'InvalidPartOrder') return { ok: false, error: e };
      throw toStoreError(e, `${key} complete`);
    }
  }

  async abortUpload(s: UploadSession): Promise<void> {
    if (!s.uploadId) return;
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey(s.sha256), UploadId: s.uploadId })).catch((e) => {
      if (errName(e) !== 'NoSuchUpload') throw toStoreError(e, 'abort');
    });
  }

  putFile(sha256: string, file: string, opts?: { onPart?: (p: UploadedPart) => void }): Promise<PutResult> {
    return putFileByParts(this, sha256, file, opts);
  }

  async putSidecar(sha256: string, kind: Exclude<ObjectKind, 'clip'>, bytes: Buffer): Promise<PutResult> {
    const key = objectKey(sha256, kind);
    const have = await this.getBytes(key).catch((e) => {
      if (e instanceof StoreError && e.code === 'not-found') return null;
      throw e;
    });
    if (have) return sameOrConflict(key, sha256, have, bytes);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentMD5: md5b64(bytes) })).catch((e) => {
      throw toStoreError(e, key);
    });
    // Read back: the latest version is what readers get (Ceph ignores conditional creates, so a
    // racing writer may have won with other bytes; then ours is refused and theirs stays).
    const stored = await this.getBytes(key);
    if (!stored.equals(bytes)) throw new StoreError('conflict', `${key} is stored with different bytes; it is never overwritten`);
    await this.applyRetention(key);
    return { sha256, size: bytes.length, stored: 'new' };
  }

  private async head(key: string): Promise<{ size: number; etag: string } | null> {
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: h.ContentLength ?? 0, etag: (h.ETag ?? '').replace(/"/g, '') };
    } catch (e) {
      if (status(e) === 404) return null;
      throw toStoreError(e, key);
    }
  }

  async stat(sha256: string, kind: ObjectKind = 'clip'): Promise<ObjectStat | null> {
    const key = objectKey(sha256, kind);
    try {
      const h = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        sha256,
        kind,
        size: h.ContentLength ?? 0,
        storedAt: h.LastModified?.getTime() ?? 0,
        ...(h.ObjectLockRetainUntilDate ? { retainUntil: h.ObjectLockRetainUntilDate.getTime() } : {}),
      };
    } catch (e) {
      if (status(e) === 404) return null;
      throw toStoreError(e, key);
    }
  }

  async read(sha256: string, kind: ObjectKind = 'clip', range?: ByteRange): Promise<Buffer> {
    const body = await this.stream(sha256, kind, range);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async stream(sha256: string, kind: ObjectKind = 'clip', range?: ByteRange): Promise<Readable> {
    const key = objectKey(sha256, kind);
    let rangeHeader: string | undefined;
    if (range) {
      const st = await this.stat(sha256, kind);
      if (!st) throw new StoreError('not-found', `${key} is not stored`);
      const { start, end } = clampRange(range, st.size);
      if (end < start) return (await import('node:stream')).Readable.from([]);
      rangeHeader = `bytes=${start}-${end}`;
    }
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: rangeHeader })).catch((e) => {
      throw toStoreError(e, key);
    });
    return out.Body as Readable;
  }

  private lockEnabled: Promise<boolean> | null = null;
  private objectLockEnabled(): Promise<boolean> {
    this.lockEnabled ??= this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket })).then(
      (c) => c.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled',
      (e: unknown) => {
        this.lockEnabled = null;
        if (status(e) === undefined) throw toStoreError(e, `bucket ${this.bucket}`);
        return false;
      },
    );
    return this.lockEnabled;
  }

  async setLegalHold(sha256: string, on: boolean): Promise<'done' | 'unsupported'> {
    if (!(await this.objectLockEnabled())) return 'unsupported';
    const key = objectKey(sha256, 'clip');
    await this.client.send(new PutObjectLegalHoldCommand({ Bucket: this.bucket, Key: key, LegalHold: { Status: on ? 'ON' : 'OFF' } })).catch((e) => {
      throw toStoreError(e, key);
    });
    return 'done';
  }

  async legalHold(sha256: string): Promise<boolean | null> {
    if (!(await this.objectLockEnabled())) return null;
    const key = objectKey(sha256, 'clip');
    try {
      const r = await this.client.send(new GetObjectLegalHoldCommand({ Bucket: this.bucket, Key: key }));
      return r.LegalHold?.Status === 'ON';
    } catch (e) {
      // No legal hold was ever put on the object: S3 answers 404 NoSuchObjectLockConfiguration.
      if (status(e) === 404 && errName(e) !== 'NoSuchKey') return false;
      throw toStoreError(e, key);
    }
  }

  async delete(sha256: string): Promise<void> {
    for (const kind of Object.keys(KIND_SUFFIX) as ObjectKind[]) await this.deleteAllVersions(objectKey(sha256, kind));
  }

  async *list(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'clips/', ContinuationToken: token })).catch((e) => {
        throw toStoreError(e, 'list');
      });
      for (const o of page.Contents ?? []) {
        const m = /\/([0-9a-f]{64})\.mp4$/.exec(o.Key ?? '');
        if (m) yield m[1]!;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async presignedUrl(sha256: string, kind: ObjectKind = 'clip', expiresInSec = 300, now?: Date): Promise<string | null> {
    return presignGetUrl({
      endpoint: this.endpoint,
      region: this.region,
      bucket: this.bucket,
      key: objectKey(sha256, kind),
      credentials: this.credentials,
      expiresInSec,
      ...(now ? { now } : {}),
    });
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.streamClient.destroy();
  }

  /** Hashes what the store now serves under the key; removes it when it is not these bytes. */
  private async verifyStored(sha256: string, kind: ObjectKind, size: number): Promise<PutResult> {
    const key = objectKey(sha256, kind);
    const hash = createHash('sha256');
    let got = 0;
    const body = await this.stream(sha256, kind);
    for await (const c of body) {
      hash.update(c as Buffer);
      got += (c as Buffer).length;
    }
    const digest = hash.digest('hex');
    if (digest !== sha256 || got !== size) {
      await this.deleteAllVersions(key).catch(() => {});
      throw new StoreError('hash-mismatch', `the stored object hashes to ${digest} (${got} bytes), not ${sha256} (${size} bytes); it was removed`);
    }
    await this.applyRetention(key);
    return { sha256, size, stored: 'new' };
  }

  private async applyRetention(key: string): Promise<void> {
    if (!this.retention) return;
    const until = new Date(Date.now() + this.retention.days * 86_400_000);
    await this.client
      .send(
        new PutObjectRetentionCommand({
          Bucket: this.bucket,
          Key: key,
          Retention: { Mode: this.retention.mode, RetainUntilDate: until },
        }),
      )
      .catch((e) => {
        throw toStoreError(e, `${key} retention`);
      });
  }

  private async getBytes(key: string): Promise<Buffer> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })).catch((e) => {
      throw toStoreError(e, key);
    });
    return Buffer.from(await out.Body!.transformToByteArray());
  }

  private async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
      for (const p of page.Parts ?? []) {
        parts.push({ number: p.PartNumber!, size: p.Size ?? 0, md5: (p.ETag ?? '').replace(/"/g, '') });
      }
      if (!page.IsTruncated) break;
      marker = page.NextPartNumberMarker;
    }
    return parts.sort((a, b) => a.number - b.number);
  }

  private async versionExists(key: string, versionId: string | undefined): Promise<boolean> {
    const page = await this.client.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key }));
    return (page.Versions ?? []).some((v) => v.Key === key && (versionId === undefined || v.VersionId === versionId));
  }

  /** A plain DELETE in a versioned bucket only hides the bytes; every version goes. */
  private async deleteAllVersions(key: string): Promise<void> {
    const page = await this.client.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key })).catch((e) => {
      throw toStoreError(e, key);
    });
    const versions = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((v) => v.Key === key);
    if (versions.length === 0) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch((e) => {
        if (status(e) !== 404) throw toStoreError(e, key);
      });
      return;
    }
    for (const v of versions) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: v.VersionId })).catch((e) => {
        // Deleting a version is refused only by Object Lock (retention or legal hold) or a policy.
        if (status(e) === 403) throw new StoreError('locked', `${key}: the store keeps it (Object Lock retention or legal hold)`, { cause: e });
        throw toStoreError(e, key);
      });
    }
  }
}

/**
 * Signs a part's request without a SHA-256 of its body (SigV4's UNSIGNED-PAYLOAD): its signed
 * Content-MD5 already makes the store refuse any other bytes (BadDigest), and the part's ETag is
 * checked against the MD5 of the bytes sent, so a second hash of 5 MiB per part adds nothing.
 */
export const unsignedPayload =
  <I, O>(next: (args: { request: unknown; input: I }) => Promise<O>) =>
  (args: { request: unknown; input: I }): Promise<O> => {
    const req = args.request as { headers?: Record<string, string> };
    if (req.headers) req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return next(args);
  };

function checkPartSize(s: UploadSession, number: number, length: number): void {
  const want = expectedPartSize(s.size, s.partSize, number);
  if (want < 0) throw new StoreError('bad-part', `part ${number} is outside 1..${s.partCount}`);
  if (length !== want) throw new StoreError('bad-part', `part ${number} has ${length} bytes, expected ${want}`);
}

/** S3's ETag of a multipart object: MD5 of the parts' binary MD5s, a dash, the part count. */
export function multipartEtag(partMd5Hex: string[]): string {
  const h = createHash('md5');
  for (const m of partMd5Hex) h.update(Buffer.from(m, 'hex'));
  return `${h.digest('hex')}-${partMd5Hex.length}`;
}

function md5b64(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('base64');
}

function sameOrConflict(key: string, sha256: string, have: Buffer, bytes: Buffer): PutResult {
  if (have.equals(bytes)) return { sha256, size: bytes.length, stored: 'existing' };
  throw new StoreError('conflict', `${key} is stored with different bytes; it is never overwritten`);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function errName(e: unknown): string {
  return (e as { name?: string; Code?: string })?.Code ?? (e as { name?: string })?.name ?? '';
}

export function toStoreError(e: unknown, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const name = errName(e);
  const code = status(e);
  const msg = (e as Error)?.message ?? String(e);
  if (name === 'BadDigest' || name === 'InvalidDigest')
    return new StoreError('bad-digest', `${what}: the store refused the bytes (${name}: they do not match their Content-MD5)`, { cause: e });
  if (code === 404 || name === 'NoSuchKey' || name === 'NotFound') return new StoreError('not-found', `${what} is not stored`, { cause: e });
  if (code === 403)
    return new StoreError('denied', `${what}: refused by the store (${name}${msg ? `: ${msg}` : ''}); check the keys and the bucket's policy`, { cause: e });
  if (code === undefined) return new StoreError('unavailable', `${what}: the S3 server cannot be reached (${msg})`, { cause: e });
  return new StoreError('unavailable', `${what}: S3 error ${code} ${name}: ${msg}`, { cause: e });
}

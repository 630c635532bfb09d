// The clip store suite against a real S3 server (Ceph RGW from scripts/services/s3.sh), plus what
// only S3 has: Object Lock (probe, retention), presigned ranged URLs, credentials from a file.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadS3Credentials } from '../../electron/hub/store/credentials.ts';
import { openClipStore } from '../../electron/hub/store/open.ts';
import { S3ClipStore, parseS3Url } from '../../electron/hub/store/s3.ts';
import { StoreError, objectKey } from '../../electron/hub/store/types.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { PART, clipStoreSuite } from './clipStore.suite.ts';
import { describeWithService, s3Env, uniqueName } from './services.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function storeFor(bucket: string, extra: Partial<ConstructorParameters<typeof S3ClipStore>[0]> = {}): S3ClipStore {
  const env = s3Env()!;
  return new S3ClipStore({
    endpoint: env.url,
    bucket,
    partSize: PART,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    ...extra,
  });
}

describeWithService('s3', 'hub clip store on S3 (Ceph RGW)', () => {
  clipStoreSuite(async () => {
    const bucket = uniqueName('pw-store');
    const store = storeFor(bucket);
    await store.ensureBucket({ objectLock: true });
    // The child process gets the keys from its environment, as the hub does.
    return { config: { s3: `${s3Env()!.url}/${bucket}`, partSize: PART }, store };
  });
});

describeWithService('s3', 'hub clip store on S3: Object Lock, presigned URLs, credentials', () => {
  let t: ReturnType<typeof tmpDir>;
  afterAll(() => t?.cleanup());
  let locked: S3ClipStore;
  let plain: S3ClipStore;
  let lockedBucket: string;
  let plainBucket: string;
  beforeAll(async () => {
    t = tmpDir('pw-hubs3-');
    lockedBucket = uniqueName('pw-lock');
    locked = storeFor(lockedBucket);
    await locked.ensureBucket({ objectLock: true });
    plainBucket = uniqueName('pw-plain');
    plain = storeFor(plainBucket);
    await plain.ensureBucket({ objectLock: false });
  });
  afterAll(async () => {
    await locked?.close();
    await plain?.close();
  });

  it('the start-up probe says whether the bucket enforces Object Lock', async () => {
    const a = await locked.probe();
    expect(a.writable).toBe(true);
    expect(a.objectLock).toBe('enforced');
    expect(a.message).toContain('enforces Object Lock');
    expect(a.message).toContain('retention off');
    const b = await plain.probe();
    expect(b.writable).toBe(true);
    expect(b.objectLock).toBe('not-configured');
    expect(b.message).toContain('has no Object Lock');
  });

  it('with retention configured a stored clip carries it and cannot be deleted', async () => {
    const store = storeFor(lockedBucket, { retention: { mode: 'GOVERNANCE', days: 1 } });
    try {
      const bytes = randomBytes(1000);
      const file = path.join(t.dir, 'kept.mp4');
      fs.writeFileSync(file, bytes);
      const before = Date.now();
      await store.putFile(sha(bytes), file);
      const st = await store.stat(sha(bytes));
      expect(st?.retainUntil).toBeGreaterThan(before + 23 * 3600_000);
      const e = await store.delete(sha(bytes)).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).code).toBe('locked');
      expect((await store.read(sha(bytes))).equals(bytes)).toBe(true);
      expect((await store.probe()).message).toContain('GOVERNANCE retention for 1 day');
    } finally {
      await store.close();
    }
  });

  it('a presigned URL serves ranges to a plain HTTP client until it expires', async () => {
    const bytes = randomBytes(300_000);
    const file = path.join(t.dir, 'shared.mp4');
    fs.writeFileSync(file, bytes);
    await plain.putFile(sha(bytes), file);
    const url = (await plain.presignedUrl(sha(bytes), 'clip', 60))!;
    expect(url).not.toContain(s3Env()!.secretAccessKey);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
    // Signed an hour ago for 60 s: expired.
    const old = (await plain.presignedUrl(sha(bytes), 'clip', 60, new Date(Date.now() - 3600_000)))!;
    expect((await fetch(old)).status).toBe(403);
    // Another key's URL is refused.
    const forged = url.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`);
    expect((await fetch(forged)).status).toBe(403);
  });

  it('a clip hashed on the way is completed without reading it back (Ceph answers the completion without an ETag); parts are signed over their Content-MD5, not a payload hash', async () => {
    const store = storeFor(lockedBucket);
    const commands: string[] = [];
    const payloadHashes: string[] = [];
    const send = store.client.send.bind(store.client) as (c: object) => Promise<unknown>;
    (store.client as unknown as { send: (c: object) => Promise<unknown> }).send = (c) => {
      commands.push(c.constructor.name);
      return send(c);
    };
    // The deserialize step sees the request as signed and sent.
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const req = args.request as { headers: Record<string, string> };
        if (context.commandName === 'UploadPartCommand') payloadHashes.push(req.headers['x-amz-content-sha256'] ?? '');
        return next(args);
      },
      { step: 'deserialize', name: 'pwTestSeePartHeaders' },
    );
    try {
      const bytes = randomBytes(2 * PART + 77);
      const file = path.join(t.dir, 'relayed.bin');
      fs.writeFileSync(file, bytes);
      expect(await store.putFile(sha(bytes), file)).toEqual({ sha256: sha(bytes), size: bytes.length, stored: 'new' });
      expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
      expect(commands).not.toContain('GetObjectCommand');
      // The completion names the parts' MD5s as their ETags and the store checks them (the next
      // test): the parts are not listed first.
      expect(commands).not.toContain('ListPartsCommand');
      expect(payloadHashes).toEqual(['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD']);
      expect(Buffer.compare(await locked.read(sha(bytes)), bytes)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('the S3 server joins parts only under their own ETags: a completion that names another MD5 for a part is refused (InvalidPart)', async () => {
    const bytes = randomBytes(PART + 100);
    const h = sha(bytes);
    const s = await plain.beginUpload(h, bytes.length);
    const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
    const p1 = bytes.subarray(0, PART);
    const p2 = bytes.subarray(PART);
    await plain.uploadPart(s, 1, p1, md5(p1));
    await plain.uploadPart(s, 2, p2, md5(p2));
    const { CompleteMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    const wrong = md5(randomBytes(16));
    const refused = await plain.client
      .send(
        new CompleteMultipartUploadCommand({
          Bucket: plainBucket,
          Key: objectKey(h),
          UploadId: s.uploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: `"${wrong}"` },
              { PartNumber: 2, ETag: `"${md5(p2)}"` },
            ],
          },
        }),
      )
      .then(
        () => 'completed',
        (e: { name?: string }) => e.name,
      );
    expect(refused).toBe('InvalidPart');
    expect(await plain.stat(h)).toBeNull();
    // A relayed digest that names another MD5 for part 1: refused by the store, so the parts are
    // listed, joined as stored, read back and found not to be the clip.
    const other = Buffer.from(bytes);
    other[0] = other[0]! ^ 0xff;
    expect(await plain.completeUpload(s, { sha256: h, partMd5: [md5(other.subarray(0, PART)), md5(p2)] })).toEqual({
      sha256: h,
      size: bytes.length,
      stored: 'new',
    });
    expect(sha(await plain.read(h))).toBe(h);
  });

  it('an upload the caller knows is resumed by its id, and one it knows of none starts afresh, neither by listing the uploads', async () => {
    const store = storeFor(plainBucket);
    const commands: string[] = [];
    const send = store.client.send.bind(store.client) as (c: object) => Promise<unknown>;
    (store.client as unknown as { send: (c: object) => Promise<unknown> }).send = (c) => {
      commands.push(c.constructor.name);
      return send(c);
    };
    try {
      const bytes = randomBytes(PART + 10);
      const h = sha(bytes);
      const first = await store.beginUpload(h, bytes.length, { knownUploadId: null });
      expect(first.parts).toEqual([]);
      const p1 = bytes.subarray(0, PART);
      await store.uploadPart(first, 1, p1, createHash('md5').update(p1).digest('hex'));
      const again = await store.beginUpload(h, bytes.length, { knownUploadId: first.uploadId });
      expect(again.uploadId).toBe(first.uploadId);
      expect(again.parts.map((p) => p.number)).toEqual([1]);
      // An id the store no longer has (aborted, or completed and gone): a new upload.
      await store.abortUpload(first);
      const fresh = await store.beginUpload(h, bytes.length, { knownUploadId: first.uploadId });
      expect(fresh.uploadId).not.toBe(first.uploadId);
      expect(fresh.parts).toEqual([]);
      expect(commands).not.toContain('ListMultipartUploadsCommand');
      await store.abortUpload(fresh);
    } finally {
      await store.close();
    }
  });

  it('a wrong Content-MD5 is refused by the S3 server itself (BadDigest), not only by our check', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 1);
    const s = await plain.beginUpload(sha(bytes), bytes.length);
    const first = bytes.subarray(0, s.partSize);
    const wrong = createHash('md5').update(Buffer.from('other bytes')).digest('hex');
    const e = await plain.uploadPart(s, 1, first, wrong).then(
      () => null,
      (x: unknown) => x,
    );
    expect((e as StoreError).code).toBe('bad-digest');
    expect(((e as StoreError).cause as { name?: string })?.name).toBe('BadDigest');
    expect((e as StoreError).message).toContain('the store refused the bytes');
    await plain.abortUpload(s);
  });

  it('credentials come from a file or the environment, and never from the URL', async () => {
    const env = s3Env()!;
    const credFile = path.join(t.dir, 'credentials');
    fs.writeFileSync(credFile, `[default]\naws_access_key_id = ${env.accessKeyId}\naws_secret_access_key = ${env.secretAccessKey}\n`, { mode: 0o600 });
    const store = openClipStore({ s3: `${env.url}/${lockedBucket}`, s3CredentialsFile: credFile, env: {} });
    try {
      expect((await store.probe()).writable).toBe(true);
    } finally {
      await store.close();
    }
    expect(() => loadS3Credentials({ env: {} })).toThrow(/AWS_ACCESS_KEY_ID/);
    expect(() => parseS3Url(`http://${env.accessKeyId}:secret@127.0.0.1:9000/b`)).toThrow(/never go into the URL/);
    expect(parseS3Url('http://127.0.0.1:9000/bucket')).toEqual({ endpoint: 'http://127.0.0.1:9000', bucket: 'bucket' });
  });
});

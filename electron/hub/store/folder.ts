// The clip store on a folder: a local disk or a mounted NAS share (SMB/NFS). Every file is
// written under a temporary name, fsynced, then linked into place (link fails when the name
// exists, so different bytes can never replace a stored object; rename where the share has no
// hard links), and the folder is fsynced. Multipart uploads keep their parts under
// `.incoming/<sha256>/<n>.<md5>.part`, so a restarted sender finds what is there by listing it.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import {
  type ByteRange,
  type ClipStore,
  type ObjectKind,
  type ObjectStat,
  type PutResult,
  type StoreProbe,
  type UploadedPart,
  type UploadSession,
  KIND_SUFFIX,
  StoreError,
  checkSha256,
  expectedPartSize,
  objectKey,
  partCountFor,
} from './types.ts';
import { putFileByParts } from './putFile.ts';

export interface FolderStoreOptions {
  root: string;
  /** Bytes per part of a multipart upload (default 8 MiB). */
  partSize?: number;
}

const PART_RE = /^(\d+)\.([0-9a-f]{32})\.part$/;

export class FolderClipStore implements ClipStore {
  readonly kind = 'folder' as const;
  readonly location: string;
  readonly partSize: number;
  private readonly root: string;

  constructor(opts: FolderStoreOptions) {
    this.root = path.resolve(opts.root);
    this.location = this.root;
    this.partSize = opts.partSize ?? 8 * 1024 * 1024;
  }

  private file(sha256: string, kind: ObjectKind = 'clip'): string {
    return path.join(this.root, ...objectKey(sha256, kind).split('/'));
  }

  private incoming(sha256: string): string {
    checkSha256(sha256);
    return path.join(this.root, '.incoming', sha256);
  }

  async probe(): Promise<StoreProbe> {
    const name = path.join(this.root, `.probe-${randomBytes(6).toString('hex')}`);
    let writable = false;
    let message: string;
    try {
      await fs.mkdir(this.root, { recursive: true });
      const bytes = randomBytes(32);
      await writeDurably(name, bytes);
      writable = (await fs.readFile(name)).equals(bytes);
      message = writable ? `folder ${this.root}: writable; no Object Lock on a folder` : `folder ${this.root}: read back different bytes`;
    } catch (e) {
      message = `folder ${this.root}: not writable (${(e as Error).message})`;
    } finally {
      await fs.rm(name, { force: true }).catch(() => {});
    }
    return { writable, objectLock: 'unsupported', retention: null, message };
  }

  async beginUpload(sha256: string, size: number): Promise<UploadSession> {
    checkSha256(sha256);
    if (!Number.isSafeInteger(size) || size < 0) throw new StoreError('bad-input', `bad size ${size}`);
    const base = { sha256, size, uploadId: sha256, partSize: this.partSize, partCount: partCountFor(size, this.partSize) };
    const existing = await this.stat(sha256);
    if (existing) return { ...base, parts: [], complete: true };
    const dir = this.incoming(sha256);
    await fs.mkdir(dir, { recursive: true });
    const parts: UploadedPart[] = [];
    for (const name of await fs.readdir(dir)) {
      const m = PART_RE.exec(name);
      if (!m) continue;
      const number = Number(m[1]);
      const st = await fs.stat(path.join(dir, name));
      // A part of another size belongs to an upload with another part size or length: not reusable.
      if (st.size !== expectedPartSize(size, this.partSize, number)) {
        await fs.rm(path.join(dir, name), { force: true });
        continue;
      }
      parts.push({ number, size: st.size, md5: m[2]! });
    }
    parts.sort((a, b) => a.number - b.number);
    return { ...base, parts, complete: false };
  }

  async uploadPart(s: UploadSession, number: number, bytes: Buffer, md5?: string, opts?: { md5OfBytes?: boolean }): Promise<UploadedPart> {
    const want = expectedPartSize(s.size, s.partSize, number);
    if (want < 0) throw new StoreError('bad-part', `part ${number} is outside 1..${s.partCount}`);
    if (bytes.length !== want) throw new StoreError('bad-part', `part ${number} has ${bytes.length} bytes, expected ${want}`);
    const actual = opts?.md5OfBytes && md5 ? md5.toLowerCase() : createHash('md5').update(bytes).digest('hex');
    if (md5 !== undefined && md5.toLowerCase() !== actual) {
      throw new StoreError('bad-digest', `part ${number}: the bytes do not match their Content-MD5`);
    }
    const dir = this.incoming(s.sha256);
    await fs.mkdir(dir, { recursive: true });
    for (const name of await fs.readdir(dir)) {
      const m = PART_RE.exec(name);
      if (m && Number(m[1]) === number && m[2] !== actual) await fs.rm(path.join(dir, name), { force: true });
    }
    await writeDurably(path.join(dir, `${number}.${actual}.part`), bytes, { replace: true });
    return { number, size: bytes.length, md5: actual };
  }

  async completeUpload(s: UploadSession): Promise<PutResult> {
    const final = this.file(s.sha256);
    if (await exists(final)) {
      await fs.rm(this.incoming(s.sha256), { recursive: true, force: true });
      return { sha256: s.sha256, size: s.size, stored: 'existing' };
    }
    const dir = this.incoming(s.sha256);
    const names = new Map<number, string>();
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      const m = PART_RE.exec(name);
      if (m) names.set(Number(m[1]), name);
    }
    for (let n = 1; n <= s.partCount; n++) {
      if (!names.has(n)) throw new StoreError('bad-part', `part ${n} of ${s.partCount} was never stored`);
    }
    const tmp = path.join(dir, `joined.tmp-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    const fh = await fs.open(tmp, 'wx');
    let size = 0;
    try {
      for (let n = 1; n <= s.partCount; n++) {
        const bytes = await fs.readFile(path.join(dir, names.get(n)!));
        hash.update(bytes);
        size += bytes.length;
        await fh.write(bytes);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    const got = hash.digest('hex');
    if (got !== s.sha256 || size !== s.size) {
      // The parts are not this clip: keep none of them, so a retry starts clean.
      await fs.rm(dir, { recursive: true, force: true });
      throw new StoreError('hash-mismatch', `the uploaded bytes hash to ${got} (${size} bytes), not ${s.sha256} (${s.size} bytes)`);
    }
    const stored = await linkIntoPlace(tmp, final);
    await fs.rm(dir, { recursive: true, force: true });
    return { sha256: s.sha256, size, stored };
  }

  async abortUpload(s: UploadSession): Promise<void> {
    await fs.rm(this.incoming(s.sha256), { recursive: true, force: true });
  }

  putFile(sha256: string, file: string, opts?: { onPart?: (p: UploadedPart) => void }): Promise<PutResult> {
    return putFileByParts(this, sha256, file, opts);
  }

  async putSidecar(sha256: string, kind: Exclude<ObjectKind, 'clip'>, bytes: Buffer): Promise<PutResult> {
    const final = this.file(sha256, kind);
    const have = await fs.readFile(final).catch(() => null);
    if (have) return sameOrConflict(sha256, kind, have, bytes);
    await fs.mkdir(path.dirname(final), { recursive: true });
    const tmp = `${final}.tmp-${randomBytes(6).toString('hex')}`;
    await writeDurably(tmp, bytes);
    const stored = await linkIntoPlace(tmp, final);
    if (stored === 'existing') return sameOrConflict(sha256, kind, await fs.readFile(final), bytes);
    return { sha256, size: bytes.length, stored };
  }

  async stat(sha256: string, kind: ObjectKind = 'clip'): Promise<ObjectStat | null> {
    const st = await fs.stat(this.file(sha256, kind)).catch(() => null);
    if (!st) return null;
    return { sha256, kind, size: st.size, storedAt: st.mtimeMs };
  }

  async read(sha256: string, kind: ObjectKind = 'clip', range?: ByteRange): Promise<Buffer> {
    const file = this.file(sha256, kind);
    const fh = await fs.open(file, 'r').catch((e) => {
      throw new StoreError('not-found', `${objectKey(sha256, kind)} is not stored`, { cause: e });
    });
    try {
      const size = (await fh.stat()).size;
      const { start, end } = clampRange(range, size);
      const buf = Buffer.alloc(end - start + 1 > 0 ? end - start + 1 : 0);
      let off = 0;
      while (off < buf.length) {
        const { bytesRead } = await fh.read(buf, off, buf.length - off, start + off);
        if (bytesRead === 0) break;
        off += bytesRead;
      }
      return buf.subarray(0, off);
    } finally {
      await fh.close();
    }
  }

  async stream(sha256: string, kind: ObjectKind = 'clip', range?: ByteRange): Promise<Readable> {
    const st = await this.stat(sha256, kind);
    if (!st) throw new StoreError('not-found', `${objectKey(sha256, kind)} is not stored`);
    const { start, end } = clampRange(range, st.size);
    return createReadStream(this.file(sha256, kind), { start, end });
  }

  async delete(sha256: string): Promise<void> {
    for (const kind of Object.keys(KIND_SUFFIX) as ObjectKind[]) await fs.rm(this.file(sha256, kind), { force: true });
  }

  async *list(): AsyncIterable<string> {
    const top = path.join(this.root, 'clips');
    for (const a of (await fs.readdir(top).catch(() => [] as string[])).sort()) {
      for (const b of (await fs.readdir(path.join(top, a)).catch(() => [] as string[])).sort()) {
        const names = (await fs.readdir(path.join(top, a, b)).catch(() => [] as string[])).sort();
        for (const n of names) if (/^[0-9a-f]{64}\.mp4$/.test(n)) yield n.slice(0, 64);
      }
    }
  }

  async presignedUrl(): Promise<string | null> {
    return null;
  }

  async close(): Promise<void> {}
}

export function clampRange(range: ByteRange | undefined, size: number): { start: number; end: number } {
  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? size - 1, size - 1);
  if (start < 0 || (size > 0 && start >= size) || end < start - 1) {
    throw new StoreError('bad-input', `range ${start}-${range?.end ?? ''} is outside the object (${size} bytes)`);
  }
  return { start, end };
}

function sameOrConflict(sha256: string, kind: ObjectKind, have: Buffer, bytes: Buffer): PutResult {
  if (have.equals(bytes)) return { sha256, size: bytes.length, stored: 'existing' };
  throw new StoreError('conflict', `${objectKey(sha256, kind)} is stored with different bytes; it is never overwritten`);
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function writeDurably(file: string, bytes: Buffer, opts?: { replace?: boolean }): Promise<void> {
  const tmp = opts?.replace ? `${file}.tmp-${randomBytes(6).toString('hex')}` : file;
  const fh = await fs.open(tmp, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (opts?.replace) await fs.rename(tmp, file);
  await syncDir(path.dirname(file));
}

/** Puts `tmp` at `final` unless something is there already; removes `tmp` either way. */
async function linkIntoPlace(tmp: string, final: string): Promise<'new' | 'existing'> {
  await fs.mkdir(path.dirname(final), { recursive: true });
  try {
    await fs.link(tmp, final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await fs.rm(tmp, { force: true });
      return 'existing';
    }
    // Shares without hard links (some SMB mounts): a checked rename is the best available.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (await exists(final)) {
      await fs.rm(tmp, { force: true });
      return 'existing';
    }
    await fs.rename(tmp, final);
    await syncDir(path.dirname(final));
    return 'new';
  }
  await fs.rm(tmp, { force: true });
  await syncDir(path.dirname(final));
  return 'new';
}

async function syncDir(dir: string): Promise<void> {
  // Some network shares refuse to open a folder for fsync; the file itself was synced.
  const fh = await fs.open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync().catch(() => {});
  } finally {
    await fh.close();
  }
}

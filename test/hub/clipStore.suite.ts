// One suite for every ClipStore implementation (folder, S3): what the hub server relies on.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClipStoreConfig } from '../../electron/hub/store/open.ts';
import { type ClipStore, StoreError } from '../../electron/hub/store/types.ts';
import { tmpDir } from '../helpers/tmp.ts';

const MiB = 1024 * 1024;
export const PART = 5 * MiB;

export interface StoreFixture {
  /** Config for openClipStore, so a child process can open the same store. */
  config: ClipStoreConfig;
  store: ClipStore;
  cleanup?: () => Promise<void>;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function listAll(store: ClipStore): Promise<string[]> {
  const out: string[] = [];
  for await (const s of store.list()) out.push(s);
  return out;
}

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('expected the store to refuse');
}

export function clipStoreSuite(make: () => Promise<StoreFixture>): void {
  let fx: StoreFixture;
  let t: ReturnType<typeof tmpDir>;
  // 12.5 MiB: three parts of 5 MiB, the last one short.
  let clip: Buffer;
  let clipFile: string;
  let clipSha: string;

  beforeAll(async () => {
    fx = await make();
    t = tmpDir('pw-hubstore-');
    clip = randomBytes(12 * MiB + 512 * 1024);
    clipFile = path.join(t.dir, 'clip.mp4');
    fs.writeFileSync(clipFile, clip);
    clipSha = sha(clip);
  });
  afterAll(async () => {
    await fx?.store.close();
    await fx?.cleanup?.();
    t?.cleanup();
  });

  it('stores a clip in parts under its SHA-256, then reads it whole, by range and as a stream', async () => {
    const parts: number[] = [];
    const put = await fx.store.putFile(clipSha, clipFile, { onPart: (p) => parts.push(p.number) });
    expect(put).toEqual({ sha256: clipSha, size: clip.length, stored: 'new' });
    expect(parts).toEqual([1, 2, 3]);
    const st = await fx.store.stat(clipSha);
    expect(st?.size).toBe(clip.length);
    expect((await fx.store.read(clipSha)).equals(clip)).toBe(true);
    // A range across the part boundary, as a player seeking would ask.
    const a = PART - 100;
    expect((await fx.store.read(clipSha, 'clip', { start: a, end: a + 199 })).equals(clip.subarray(a, a + 200))).toBe(true);
    expect((await fx.store.read(clipSha, 'clip', { start: clip.length - 10 })).equals(clip.subarray(clip.length - 10))).toBe(true);
    const chunks: Buffer[] = [];
    for await (const c of await fx.store.stream(clipSha, 'clip', { start: 1000, end: 2 * PART })) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(clip.subarray(1000, 2 * PART + 1))).toBe(true);
    expect(await listAll(fx.store)).toContain(clipSha);
  });

  it('a second put of the same clip is "existing" and sends nothing', async () => {
    const parts: number[] = [];
    const again = await fx.store.putFile(clipSha, clipFile, { onPart: (p) => parts.push(p.number) });
    expect(again.stored).toBe('existing');
    expect(parts).toEqual([]);
    expect((await fx.store.beginUpload(clipSha, clip.length)).complete).toBe(true);
  });

  it('sidecars are stored with the clip; different bytes under a sidecar key are refused, the first stay', async () => {
    const manifest = Buffer.from(JSON.stringify({ sha256: clipSha, seq: 7 }));
    const sig = randomBytes(64);
    expect((await fx.store.putSidecar(clipSha, 'manifest', manifest)).stored).toBe('new');
    expect((await fx.store.putSidecar(clipSha, 'sig', sig)).stored).toBe('new');
    expect((await fx.store.putSidecar(clipSha, 'manifest', manifest)).stored).toBe('existing');
    const e = await refusal(fx.store.putSidecar(clipSha, 'manifest', Buffer.from('{"forged":true}')));
    expect(e.code).toBe('conflict');
    expect((await fx.store.read(clipSha, 'manifest')).equals(manifest)).toBe(true);
    expect((await fx.store.read(clipSha, 'sig')).equals(sig)).toBe(true);
    expect(await fx.store.stat(clipSha, 'tsr')).toBeNull();
    // Sidecars are not clips in the listing.
    expect((await listAll(fx.store)).filter((s) => s === clipSha)).toHaveLength(1);
  });

  it('a file that does not hash to the named SHA-256 is refused and never becomes visible', async () => {
    const other = randomBytes(6 * MiB);
    const file = path.join(t.dir, 'other.mp4');
    fs.writeFileSync(file, other);
    const claimed = sha(Buffer.from('some other clip'));
    expect((await refusal(fx.store.putFile(claimed, file))).code).toBe('hash-mismatch');
    expect(await fx.store.stat(claimed)).toBeNull();
    // The same through the part calls, past the sender's own check: the store's read-back refuses it.
    const s = await fx.store.beginUpload(claimed, other.length);
    for (let n = 1; n <= s.partCount; n++) {
      const b = other.subarray((n - 1) * s.partSize, n * s.partSize);
      await fx.store.uploadPart(s, n, b, md5(b));
    }
    expect((await refusal(fx.store.completeUpload(s))).code).toBe('hash-mismatch');
    expect(await fx.store.stat(claimed)).toBeNull();
    expect(await listAll(fx.store)).not.toContain(claimed);
  });

  it('a digest hashed on the way counts only for the parts it was hashed over: other stored parts are read back and refused', async () => {
    const bytes = randomBytes(6 * MiB);
    const h = sha(bytes);
    const s = await fx.store.beginUpload(h, bytes.length);
    const part = (n: number, b: Buffer) => b.subarray((n - 1) * s.partSize, n * s.partSize);
    // Part 2 stored with other bytes than the ones hashed (a resend that changed): the MD5s differ.
    const other = Buffer.from(bytes);
    other[bytes.length - 1] = other[bytes.length - 1]! ^ 0xff;
    await fx.store.uploadPart(s, 1, part(1, bytes), md5(part(1, bytes)));
    await fx.store.uploadPart(s, 2, part(2, other), md5(part(2, other)));
    const relayed = { sha256: h, partMd5: [md5(part(1, bytes)), md5(part(2, bytes))] };
    expect((await refusal(fx.store.completeUpload(s, relayed))).code).toBe('hash-mismatch');
    expect(await fx.store.stat(h)).toBeNull();
    // The parts that were hashed: stored, and the same bytes come back.
    const again = await fx.store.beginUpload(h, bytes.length);
    for (const n of [1, 2])
      if (!again.parts.some((p) => p.number === n && p.md5 === relayed.partMd5[n - 1]))
        await fx.store.uploadPart(again, n, part(n, bytes), md5(part(n, bytes)));
    expect(await fx.store.completeUpload(again, relayed)).toEqual({ sha256: h, size: bytes.length, stored: 'new' });
    expect(sha(await fx.store.read(h))).toBe(h);
  });

  it('a part whose bytes do not match its Content-MD5 is refused by the store', async () => {
    const bytes = randomBytes(5 * MiB + 10);
    const s = await fx.store.beginUpload(sha(bytes), bytes.length);
    const first = bytes.subarray(0, s.partSize);
    // The MD5 of the bytes as sent, but one byte changed on the way.
    const altered = Buffer.from(first);
    altered[12345] = altered[12345]! ^ 0xff;
    const e = await refusal(fx.store.uploadPart(s, 1, altered, md5(first)));
    expect(e.code).toBe('bad-digest');
    const resumed = await fx.store.beginUpload(sha(bytes), bytes.length);
    expect(resumed.parts.map((p) => p.number)).not.toContain(1);
    await fx.store.abortUpload(resumed);
  });

  it('an aborted upload leaves nothing; a new begin starts from part 1', async () => {
    const bytes = randomBytes(11 * MiB);
    const h = sha(bytes);
    const s = await fx.store.beginUpload(h, bytes.length);
    await fx.store.uploadPart(s, 1, bytes.subarray(0, s.partSize));
    await fx.store.abortUpload(s);
    expect(await fx.store.stat(h)).toBeNull();
    const again = await fx.store.beginUpload(h, bytes.length);
    expect(again.parts).toEqual([]);
    await fx.store.abortUpload(again);
  });

  it('an upload whose process is killed mid-way (SIGKILL) resumes from the parts stored; nothing is visible before', async () => {
    const bytes = randomBytes(4 * PART + 777);
    const file = path.join(t.dir, 'killed.mp4');
    fs.writeFileSync(file, bytes);
    const h = sha(bytes);
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'uploadChild.ts'), JSON.stringify(fx.config), file, h], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('stored 2')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`upload child ended (${code}) before the kill: ${out}${err}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(child.signalCode).toBe('SIGKILL');

    expect(await fx.store.stat(h)).toBeNull();
    expect(await listAll(fx.store)).not.toContain(h);
    const resumed = await fx.store.beginUpload(h, bytes.length);
    expect(resumed.complete).toBe(false);
    const held = resumed.parts.map((p) => p.number);
    expect(held).toEqual(expect.arrayContaining([1, 2]));
    const sent: number[] = [];
    const put = await fx.store.putFile(h, file, { onPart: (p) => sent.push(p.number) });
    expect(put.stored).toBe('new');
    // Only what was missing went again.
    expect(sent.sort()).toEqual([1, 2, 3, 4, 5].filter((n) => !held.includes(n)));
    expect((await fx.store.read(h)).equals(bytes)).toBe(true);
  });

  it('delete removes the clip and its sidecars; deleting what is gone is no error', async () => {
    await fx.store.delete(clipSha);
    expect(await fx.store.stat(clipSha)).toBeNull();
    expect(await fx.store.stat(clipSha, 'manifest')).toBeNull();
    expect(await listAll(fx.store)).not.toContain(clipSha);
    expect((await refusal(fx.store.read(clipSha))).code).toBe('not-found');
    await fx.store.delete(clipSha);
  });

  it('refuses keys that are not a SHA-256', async () => {
    expect((await refusal(fx.store.stat('../../etc/passwd'))).code).toBe('bad-input');
    expect((await refusal(fx.store.beginUpload('ABC', 1))).code).toBe('bad-input');
  });
}

// Whole-file upload on top of the multipart calls of any ClipStore: begin (or resume), send the
// parts the store does not have yet (each with its MD5), complete. Used by tests and by callers
// that have the clip on disk; the hub server drives the same calls part by part instead (and, like
// this, hashes the parts in order as they pass, so a wrong clip is refused before it is completed).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { type ClipStore, type PutResult, type UploadedPart, StoreError } from './types.ts';

export async function putFileByParts(store: ClipStore, sha256: string, file: string, opts?: { onPart?: (p: UploadedPart) => void }): Promise<PutResult> {
  const size = (await fs.stat(file)).size;
  const session = await store.beginUpload(sha256, size);
  if (session.complete) return { sha256, size, stored: 'existing' };
  const have = new Map(session.parts.map((p) => [p.number, p]));
  const whole = createHash('sha256');
  const partMd5: string[] = [];
  const fh = await fs.open(file, 'r');
  try {
    for (let n = 1; n <= session.partCount; n++) {
      const start = (n - 1) * session.partSize;
      const len = Math.min(session.partSize, size - start);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, start);
      if (bytesRead !== len) throw new StoreError('bad-input', `${file} changed while it was uploaded`);
      whole.update(buf);
      const md5 = createHash('md5').update(buf).digest('hex');
      partMd5.push(md5);
      const stored = have.get(n);
      // A stored part with the same MD5 is this part: a resumed upload skips it.
      if (stored && stored.md5 === md5 && stored.size === len) continue;
      const part = await store.uploadPart(session, n, buf, md5, { md5OfBytes: true });
      opts?.onPart?.(part);
    }
  } finally {
    await fh.close();
  }
  const digest = whole.digest('hex');
  if (digest !== sha256) {
    await store.abortUpload(session).catch(() => {});
    throw new StoreError('hash-mismatch', `${file} hashes to ${digest}, not ${sha256}; nothing was stored`);
  }
  // Every byte was hashed here in order, so the store may verify by the parts' MD5s.
  return store.completeUpload(session, { sha256: digest, partMd5 });
}

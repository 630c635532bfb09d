import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportCancelled } from '../../electron/engine/ffmpeg.ts';
import { copyOriginal } from '../../electron/engine/export/verifiedCopy.ts';
import { copyVerified } from '../helpers/copyVerified.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-verified-copy-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Larger than the whole ring of read buffers and not a multiple of a chunk: buffers are reused.
const data = crypto.randomBytes(11 * 2 ** 20 + 12345);
const src = path.join(dir, 'clip.mp4');
fs.writeFileSync(src, data);
const sealed = crypto.createHash('sha256').update(data).digest('hex');

describe('copyVerified / copyOriginal (the "Original" export copy)', () => {
  it('writes the clip byte for byte and returns its SHA-256 and size', async () => {
    const dest = path.join(dir, 'out.mp4');
    expect(await copyVerified(src, dest, sealed)).toEqual({ sha256: sealed, bytes: data.length });
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
  });

  it('refuses a clip altered on disk and leaves no copy behind', async () => {
    const altered = path.join(dir, 'altered.mp4');
    const bytes = Buffer.from(data);
    bytes[7 * 2 ** 20] = bytes[7 * 2 ** 20]! ^ 1;
    fs.writeFileSync(altered, bytes);
    const dest = path.join(dir, 'altered-out.mp4');
    await expect(copyVerified(altered, dest, sealed)).rejects.toThrow(/does not match its sealed SHA-256/);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.readFileSync(altered).equals(bytes)).toBe(true);
  });

  it('never overwrites an existing file', async () => {
    const dest = path.join(dir, 'existing.mp4');
    fs.writeFileSync(dest, 'keep me');
    await expect(copyVerified(src, dest, sealed)).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(dest, 'utf8')).toBe('keep me');
  });

  it('an empty file copies as empty', async () => {
    const empty = path.join(dir, 'empty.mp4');
    fs.writeFileSync(empty, '');
    const sha = crypto.createHash('sha256').digest('hex');
    expect(await copyVerified(empty, path.join(dir, 'empty-out.mp4'), sha)).toEqual({ sha256: sha, bytes: 0 });
  });

  it('the check of a copy altered after it was written refuses it and removes it', async () => {
    const dest = path.join(dir, 'late.mp4');
    const { bytes, checked } = await copyOriginal(src, dest, sealed);
    expect(bytes).toBe(data.length);
    // Stands for a disk or filesystem that did not keep what it was given: the read-back catches it.
    const fd = fs.openSync(dest, 'r+');
    fs.writeSync(fd, Buffer.from([data[5]! ^ 0xff]), 0, 1, 5);
    fs.closeSync(fd);
    await expect(checked).rejects.toThrow(/does not match its sealed SHA-256/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('a cancelled export stops the check and leaves no copy behind', async () => {
    const dest = path.join(dir, 'cancelled.mp4');
    const ac = new AbortController();
    const { checked } = await copyOriginal(src, dest, sealed, ac.signal);
    ac.abort();
    await expect(checked).rejects.toBeInstanceOf(ExportCancelled);
    expect(fs.existsSync(dest)).toBe(false);
  });
});

// The local clip store: a clip and its sidecars are kept and removed together, ranges read the
// bytes a player asks for, and no key reaches outside the clips folder.
import fs from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalClipStore } from '../../electron/engine/store/local.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('local clip store', () => {
  const t = tmpDir();
  afterAll(() => t.cleanup());
  const root = path.join(t.dir, 'clips');
  fs.mkdirSync(root);
  const store = new LocalClipStore(root);
  const key = path.join('2026-12-06', 'SF1_120000_abc.mp4');

  it('stores a clip from a finished file, reads it whole, in ranges and as a stream', async () => {
    const done = path.join(t.dir, 'done.mp4');
    fs.writeFileSync(done, '0123456789');
    await store.put(key, { file: done });
    expect(fs.existsSync(done)).toBe(false); // moved in, not copied
    expect((await store.get(key))!.toString()).toBe('0123456789');
    expect(await store.stat(key)).toMatchObject({ size: 10 });
    expect((await store.readRange(key, 2, 5)).toString()).toBe('2345');
    expect(await text(store.stream(key, { start: 7, end: 9 }))).toBe('789');
    expect(await store.get('2026-12-06/none.mp4')).toBeNull();
    expect(await store.stat('2026-12-06/none.mp4')).toBeNull();
  });

  it('deletes a clip and its sidecars together', async () => {
    await store.putSidecar(key, 'manifest', Buffer.from('{"a":1}'));
    await store.putSidecar(key, 'timestamp', Buffer.from('tsr'));
    expect((await store.getSidecar(key, 'manifest'))!.toString()).toBe('{"a":1}');
    expect(fs.readdirSync(path.join(root, '2026-12-06')).sort()).toEqual(['SF1_120000_abc.manifest.json', 'SF1_120000_abc.mp4', 'SF1_120000_abc.tsr']);
    expect(await store.delete(key)).toEqual({ existed: true });
    expect(fs.readdirSync(path.join(root, '2026-12-06'))).toEqual([]);
    expect(await store.delete(key)).toEqual({ existed: false });
  });

  it('refuses a key outside the clips folder', async () => {
    await expect(store.get('../outside.mp4')).rejects.toThrow(/outside/);
    expect(() => store.stream('/etc/passwd')).toThrow(/outside/);
  });

  it('hands out a writer for a recording that appends each chunk and never reuses a file', async () => {
    fs.mkdirSync(path.join(root, '.recording'));
    const w = await store.writer('.recording/r1.webm');
    await w.append(Buffer.from('ab'));
    await w.append(Buffer.from('cd'));
    expect(w.bytes).toBe(4);
    expect(fs.readFileSync(path.join(root, '.recording', 'r1.webm'), 'utf8')).toBe('abcd');
    await expect(store.writer('.recording/r1.webm')).rejects.toThrow(/EEXIST/);
    // The file gone (its folder moved away): the next chunk fails instead of starting a new file.
    fs.rmSync(path.join(root, '.recording'), { recursive: true });
    await expect(w.append(Buffer.from('ef'))).rejects.toThrow(/ENOENT/);
    expect(fs.existsSync(path.join(root, '.recording'))).toBe(false);
  });

  it('lists the files under it that a caller asks for, with size and mtime, never the hidden working folders', async () => {
    const day = '2026-12-07';
    await store.put(`${day}/SF2_120000_def.mp4`, { bytes: Buffer.from('clip') });
    await store.putSidecar(`${day}/SF2_120000_def.mp4`, 'manifest', Buffer.from('{}'));
    fs.mkdirSync(path.join(root, '.thumbs'), { recursive: true });
    fs.writeFileSync(path.join(root, '.thumbs', 'x.mp4'), 'thumb');
    fs.writeFileSync(path.join(root, day, 'SF3_120000_ghi.mp4.part'), 'half');
    const mp4 = await store.list((k) => /\.mp4(\.part)?$/.test(k));
    expect(mp4.map((e) => e.key).sort()).toEqual([`${day}/SF2_120000_def.mp4`, `${day}/SF3_120000_ghi.mp4.part`]);
    expect(mp4.find((e) => e.key.endsWith('def.mp4'))).toMatchObject({ size: 4, mtimeMs: expect.any(Number) });
    expect((await store.list()).map((e) => e.key)).toContain(`${day}/SF2_120000_def.manifest.json`);
  });

  it('sets the sidecars beside a clip aside under a suffix, so they no longer pass for its own', async () => {
    const k = '2026-12-07/SF2_120000_def.mp4';
    expect(await store.setSidecarsAside(k, '.before-adoption')).toEqual(['SF2_120000_def.manifest.json.before-adoption']);
    expect(await store.getSidecar(k, 'manifest')).toBeNull();
    expect(await store.get(k)).not.toBeNull();
  });
});

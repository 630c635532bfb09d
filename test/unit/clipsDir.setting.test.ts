// The storage folder chosen in Settings: checked when saved (the sentence says what is wrong),
// not switched under the running station, used at the next start (engine and `packwitness serve`),
// and overridden for one run by --clips.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { MARKER_FILE } from '../../electron/engine/storage.ts';
import { ROOT, startServe } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

const http = { door: 'http' } as const;

describe('storage folder setting', () => {
  let t: ReturnType<typeof tmpDir>;
  let dataDir: string;
  beforeAll(() => {
    t = tmpDir('pw-clipsdir-');
    dataDir = path.join(t.dir, 'data');
  });
  afterAll(() => t.cleanup());

  it('refuses what the next start could not use, each with its reason', async () => {
    const engine = await Engine.open({ dataDir, timestampWorker: false });
    const save = (clipsDir: string) => engine.call('settings.update', { clipsDir }, http);
    try {
      await expect(save('clips/elsewhere')).rejects.toThrow('must be an absolute path');
      await expect(save(path.join(ROOT, 'clips'))).rejects.toThrow('is inside the PackWitness program folder');
      const file = path.join(t.dir, 'a-file');
      fs.writeFileSync(file, 'x');
      await expect(save(file)).rejects.toThrow('is a file, not a folder');
      await expect(save(path.join(file, 'clips'))).rejects.toThrow(`cannot be created: ${file} is a file`);
      const photos = path.join(t.dir, 'photos');
      fs.mkdirSync(photos);
      fs.writeFileSync(path.join(photos, 'holiday.jpg'), 'x');
      await expect(save(photos)).rejects.toThrow('already holds other files and is not a PackWitness clips folder');
      if (process.getuid?.() !== 0) {
        const locked = path.join(t.dir, 'locked');
        fs.mkdirSync(locked, { mode: 0o555 });
        await expect(save(locked)).rejects.toThrow('cannot be written');
        await expect(save(path.join(locked, 'clips'))).rejects.toThrow('cannot be created');
      }
      // Nothing refused was stored.
      expect(engine.settings.get().clipsDir).toBeNull();
    } finally {
      await engine.close();
    }
  });

  it('a folder this station recorded into must still carry its marker (an unplugged disk looks empty)', async () => {
    const usb = path.join(t.dir, 'usb', 'clips');
    await (await Engine.open({ dataDir, clipsDir: usb, timestampWorker: false })).close();
    fs.rmSync(usb, { recursive: true });
    fs.mkdirSync(usb); // the bare mount point
    const engine = await Engine.open({ dataDir, timestampWorker: false });
    try {
      await expect(engine.call('settings.update', { clipsDir: usb }, http)).rejects.toThrow(`recorded into it before, but its ${MARKER_FILE} file is missing`);
    } finally {
      await engine.close();
    }
  });

  it('a new, an empty or a marked folder is accepted and used from the next start on; --clips overrides it', async () => {
    const engine = await Engine.open({ dataDir, timestampWorker: false });
    const before = engine.paths.clipsDir;
    const empty = path.join(t.dir, 'empty');
    fs.mkdirSync(empty);
    expect((await engine.call('settings.update', { clipsDir: empty }, http)).clipsDir).toBe(empty);
    expect((await engine.call('settings.update', { clipsDir: before }, http)).clipsDir).toBe(before); // marked: ours
    const next = path.join(t.dir, 'disk2', 'evidence', 'clips');
    const saved = await engine.call('settings.update', { clipsDir: next + path.sep }, http);
    expect(saved.clipsDir).toBe(next); // normalised
    // Not switched under the running station.
    expect(engine.paths.clipsDir).toBe(before);
    expect(fs.existsSync(next)).toBe(false);
    await engine.close();

    const reopened = await Engine.open({ dataDir, timestampWorker: false });
    try {
      expect(reopened.paths.clipsDir).toBe(next);
      expect(fs.existsSync(path.join(next, MARKER_FILE))).toBe(true);
      expect((await reopened.call('station.info', {}, http)).clipsDir).toBe(next);
    } finally {
      await reopened.close();
    }
    const once = path.join(t.dir, 'one-run');
    const overridden = await Engine.open({ dataDir, clipsDir: once, timestampWorker: false });
    expect(overridden.paths.clipsDir).toBe(once);
    expect(overridden.settings.get().clipsDir).toBe(next); // --clips does not change the setting
    await overridden.close();
  });

  it('packwitness serve picks the stored folder up at its next start, and null goes back to <data>/clips', async () => {
    const data = path.join(t.dir, 'serve-data');
    const chosen = path.join(t.dir, 'serve-clips');
    const call = async (base: string, name: string, body: unknown) => {
      const r = await fetch(`${base}api/call/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await r.json()) as { ok: boolean; result: { clipsDir: string | null }; error?: { message: string } };
    };
    const first = await startServe(['--data', data]);
    try {
      expect((await call(first.url, 'station.info', {})).result.clipsDir).toBe(path.join(data, 'clips'));
      const bad = await call(first.url, 'settings.update', { clipsDir: 'relative' });
      expect(bad.ok).toBe(false);
      expect(bad.error!.message).toContain('must be an absolute path');
      expect((await call(first.url, 'settings.update', { clipsDir: chosen })).result.clipsDir).toBe(chosen);
      expect((await call(first.url, 'station.info', {})).result.clipsDir).toBe(path.join(data, 'clips'));
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const second = await startServe(['--data', data]);
    try {
      expect((await call(second.url, 'station.info', {})).result.clipsDir).toBe(chosen);
      expect(fs.existsSync(path.join(chosen, MARKER_FILE))).toBe(true);
      await call(second.url, 'settings.update', { clipsDir: null });
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const third = await startServe(['--data', data]);
    try {
      expect((await call(third.url, 'station.info', {})).result.clipsDir).toBe(path.join(data, 'clips'));
    } finally {
      expect(await third.stop()).toBe(0);
    }
  }, 90_000);
});

// Trusted time out of the box: a fresh station is configured with the public TSA list,
// tried in order, and what it sends a TSA is the hash and nothing else (every request a local TSA
// stand-in receives is rebuilt byte for byte from a SHA-256 and a nonce).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { DEFAULT_TSAS } from '../../electron/engine/evidence/defaultTsas.ts';
import { children, readTlv } from '../../electron/engine/evidence/der.ts';
import { buildTimestampRequest } from '../../electron/engine/evidence/tsa.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { recordClip } from '../helpers/orderClip.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

const ctx = { door: 'http' as const };

describe('the default timestamp authorities', () => {
  let t: ReturnType<typeof tmpDir>;
  let tsa: LocalTsa;
  const saved = process.env.PACKWITNESS_DEFAULT_TSA;

  beforeAll(async () => {
    t = tmpDir('pw-default-tsa-');
    tsa = await startLocalTsa(path.join(t.dir, 'tsa'));
    // The suite starts stations without the public list (vitest.config.ts); these tests are about it.
    delete process.env.PACKWITNESS_DEFAULT_TSA;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.PACKWITNESS_DEFAULT_TSA;
    else process.env.PACKWITNESS_DEFAULT_TSA = saved;
    await tsa?.close();
    t?.cleanup();
  });

  it('a fresh station asks DigiCert, Sectigo and FreeTSA in that order, each with its root named and sourced', async () => {
    expect(DEFAULT_TSAS.map((d) => d.name)).toEqual(['DigiCert', 'Sectigo', 'FreeTSA']);
    for (const d of DEFAULT_TSAS) {
      expect(d.root.length).toBeGreaterThan(5);
      expect(d.source).toMatch(/^https:\/\//);
    }
    // One-shot (no worker): this test must not reach the internet.
    const engine = await Engine.open({ dataDir: path.join(t.dir, 'fresh'), timestampWorker: false });
    try {
      expect((await engine.call('settings.get', {}, ctx)).tsaUrls).toEqual(DEFAULT_TSAS.map((d) => d.url));
      expect((await engine.call('evidence.key', {}, ctx)).tsaUrls).toEqual(DEFAULT_TSAS.map((d) => d.url));
    } finally {
      await engine.close();
    }
    process.env.PACKWITNESS_DEFAULT_TSA = 'off';
    const off = await Engine.open({ dataDir: path.join(t.dir, 'off'), timestampWorker: false });
    try {
      expect((await off.call('settings.get', {}, ctx)).tsaUrls).toEqual([]);
    } finally {
      await off.close();
      delete process.env.PACKWITNESS_DEFAULT_TSA;
    }
  });

  it('sends nothing but the hash: every request a TSA stand-in receives is a SHA-256 and a nonce', async () => {
    const webm = path.join(t.dir, 'clip.webm');
    makeWebmH264(webm, 1, '320x240', 15);
    const dataDir = path.join(t.dir, 'station');
    const engine = await Engine.open({ dataDir });
    let sha: string;
    try {
      // The stand-in in the place of the public list.
      await engine.call('settings.update', { tsaUrls: [tsa.url], stationName: 'Bench SECRET-NAME' }, ctx);
      const clip = await recordClip(engine, 'SF1234567890', webm);
      sha = clip.sha256!;
      await expect.poll(async () => (await engine.call('clips.get', { id: clip.id }, ctx)).evidence?.timestamp, { timeout: 20_000 }).toBe('done');
    } finally {
      await engine.close(); // the shutdown anchor asks once more, over the chain head
    }
    const requests = fs
      .readdirSync(path.join(t.dir, 'tsa'))
      .filter((f) => /^q\d+\.tsq$/.test(f))
      .map((f) => fs.readFileSync(path.join(t.dir, 'tsa', f)));
    expect(requests.length).toBe(2);
    const hashes: string[] = [];
    for (const der of requests) {
      const [, imprint, nonce] = children(readTlv(der).body);
      const hash = children(imprint!.body)[1]!.body.toString('hex');
      hashes.push(hash);
      // Rebuilt from the hash and the nonce alone, the request is the same bytes: nothing else is in it.
      expect(buildTimestampRequest(hash, Buffer.from(nonce!.body)).der.equals(der)).toBe(true);
      for (const secret of ['SF1234567890', 'SECRET-NAME']) expect(der.includes(Buffer.from(secret))).toBe(false);
    }
    expect(hashes[0]).toBe(sha!);
    // The second is the chain head at shutdown, an entry of the station's chain.
    const again = await Engine.open({ dataDir, timestampWorker: false });
    try {
      const head = again.db.prepare('SELECT seq FROM chain WHERE entry_hash=?').get(hashes[1]) as { seq: number } | undefined;
      expect(head).toBeTruthy();
    } finally {
      await again.close();
    }
  });
});

// A clip stamped by a TSA whose root is in no public store: the console's verify on demand says
// the token chains to no known root while hub.json names no TSA certificates, and that it chains
// to an added root once hub.json's `tsaCerts` names that TSA's root (a file, or a folder of them), read as
// `hub serve` reads it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTimestamp } from '../../electron/engine/evidence/tsa.ts';
import { hubTsaCerts } from '../../electron/hub/console/verify.ts';
import { newEnrollCode, writeHubSettings } from '../../electron/hub/server/identity.ts';
import type { ConsoleVerifyAnswer } from '../../shared/consoleWire.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { embeddedBackend, enrolledClient, FakeStation, hubFolder, publishInput, type Backend, type FakeClip } from './hubFixture.ts';
import { ask, login, startConsoleHub } from './consoleFixture.ts';

const PASSWORD = 'correct horse battery';

describe('console verify with the TSA certificates hub.json names', () => {
  let t: ReturnType<typeof tmpDir>;
  let b: Backend;
  let folder: Awaited<ReturnType<typeof hubFolder>>;
  let tsa: LocalTsa;
  let st: FakeStation;
  let clip: FakeClip;

  beforeAll(async () => {
    t = tmpDir('pw-hub-tsacerts-verify-');
    tsa = await startLocalTsa(path.join(t.dir, 'tsa'));
    b = await embeddedBackend();
    folder = await hubFolder(b);
    const h = await startConsoleHub(b, folder);
    try {
      st = new FakeStation('Packing 9', t.dir);
      const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
      st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
      clip = st.clip('SF1700000000901', 50_000);
      await client.publishChain(st.chain);
      const stamped = await requestTimestamp(tsa.url, clip.sha256);
      await client.publishClip({ ...publishInput(clip), tsr: stamped.response });
      await h.console.accounts.addUser('sam', 'service', PASSWORD);
    } finally {
      await h.close();
    }
  });
  afterAll(async () => {
    await tsa?.close();
    folder?.cleanup();
    t?.cleanup();
  });

  /** Starts the hub with hub.json's `tsaCerts` as given, verifies the clip from the console and stops the hub. */
  async function verifyWith(tsaCerts: string | null): Promise<ConsoleVerifyAnswer> {
    const settings = { ...folder.settings, tsaCerts };
    writeHubSettings(folder.dir, settings);
    const lines: string[] = [];
    const certs = hubTsaCerts(settings.tsaCerts ? path.resolve(folder.dir, settings.tsaCerts) : null, (l) => lines.push(l));
    expect(lines).toEqual([]);
    const h = await startConsoleHub(b, { dir: folder.dir, settings }, { tsaCerts: certs });
    try {
      const a = await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${clip.row.clipId}/verify`, {
        cookie: await login(h, 'sam', PASSWORD),
        body: {},
      });
      expect(a.status, a.body.toString()).toBe(200);
      return a.json() as ConsoleVerifyAnswer;
    } finally {
      await h.close();
    }
  }
  const timestampLine = (v: ConsoleVerifyAnswer) => v.answer.checks.find((c) => c.what === 'timestamp')!;

  it('no tsaCerts: the token is said to chain to no known root', async () => {
    const line = timestampLine(await verifyWith(null));
    // The token holds, but its root is no known one: said so, with the fingerprint to compare and the advice to add the root.
    expect(line.message).toMatchObject({ code: 'verify-timestamp-ok-unknown', params: { tsa: 'PackWitness Test TSA' } });
    expect(line.text.split('not a known root')).toHaveLength(2);
  });

  it('tsaCerts naming the TSA root file: the time is trusted', async () => {
    const line = timestampLine(await verifyWith(tsa.caFile));
    expect(line.ok).toBe(true);
    expect(line.message).toMatchObject({ code: 'verify-timestamp-ok-added', params: { tsa: 'PackWitness Test TSA', root: 'PackWitness Test Root' } });
    expect(line.text).not.toContain('not a known root');
    expect(line.text.split('chains to')).toHaveLength(2);
  });

  it('tsaCerts naming a folder (relative to the hub folder) holding the root: the time is trusted', async () => {
    fs.mkdirSync(path.join(folder.dir, 'tsa-certs'));
    fs.copyFileSync(tsa.caFile, path.join(folder.dir, 'tsa-certs', 'root.pem'));
    const v = await verifyWith('tsa-certs');
    expect(timestampLine(v).message).toMatchObject({ code: 'verify-timestamp-ok-added', params: { root: 'PackWitness Test Root' } });
    expect(v.answer.verdict).toBe('intact');
  });
});

// A TSA whose tokens carry no certificate (a real `openssl ts` TSA with the certificates taken out
// of its replies, as Sigstore's "no-embedded-cert" answer): the station keeps the token, every
// checker calls it unverifiable without the TSA's certificate (not altered, not a failure), and
// the TSA's certificate, added in Settings, given to `packwitness verify --tsa-cert`, or dropped
// into verify.html with the package, makes it trusted time anchored at "a certificate you added".
// Then the genuine public tokens of test/fixtures/tsa, a key-identifier re-encoding and an
// RSASSA-PSS token, checked by verify.html's script in Chromium's own WebCrypto.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clip } from '../../shared/contract.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { stationCustodyOf } from '../../electron/engine/evidence/handlers.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { bySki, certElements, resignPss } from '../helpers/tsaTokens.ts';
import { sidecarsOf } from '../../electron/engine/evidence/manifest.ts';
import { parseTimestampResponse } from '../../electron/engine/evidence/tsa.ts';
import { readCert } from '../../electron/engine/evidence/tsaTrust.ts';
import { clipPath } from '../helpers/clipPath.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), ...args], { encoding: 'utf8' });
const ctx = { door: 'http' as const };
const UNVERIFIABLE = /unverifiable without the TSA's certificate \(the token carries no certificate of its TSA/;

describe.runIf(chromiumAvailable())('a TSA whose tokens carry no certificate', () => {
  let t: ReturnType<typeof tmpDir>;
  let tsa: LocalTsa;
  let engine: Engine;
  let clip: Clip;
  let pkg: ExportResult;
  let chainPem: string;
  let dataDir: string;

  beforeAll(async () => {
    t = tmpDir('pw-tsa-nocert-');
    const tsaDir = path.join(t.dir, 'tsa');
    tsa = await startLocalTsa(tsaDir, { withoutCerts: true, name: 'Bare TSA' });
    // What the TSA publishes: its certificate and its root.
    chainPem = path.join(t.dir, 'bare-tsa-chain.pem');
    fs.writeFileSync(chainPem, fs.readFileSync(path.join(tsaDir, 'tsa.pem'), 'utf8') + fs.readFileSync(path.join(tsaDir, 'ca.pem'), 'utf8'));
    dataDir = path.join(t.dir, 'data');
    engine = await Engine.open({ dataDir, timestampWorker: false });
    await engine.call('settings.update', { tsaUrls: [tsa.url] }, ctx);
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, 'BARE-1', 3, '320x180', 15);
    clip = await recordClip(engine, 'BARE-1', webm);
    await stationCustodyOf(engine).timestamps.runDue();
    pkg = await runExport(engine, { order: 'BARE-1', preset: 'original' }, path.join(t.dir, 'pkg'));
  });
  afterAll(async () => {
    await engine?.close().catch(() => {});
    await tsa?.close();
    t?.cleanup();
  });

  const timestampCheck = async () => {
    const v = await engine.call('evidence.verifyHash', { sha256: clip.sha256! }, ctx);
    return { verdict: v.verdict, headline: v.headline, check: v.checks.find((c) => c.what === 'timestamp')! };
  };

  it('the station keeps the token; the clip is intact, its time unverifiable until the TSA certificate is added in Settings', async () => {
    expect(tsa.served()).toBe(3); // the clip's token, the chain anchor the export asked for, and the export manifest's
    // The lookup shows it with the clip, and says it cannot vouch yet.
    expect((await engine.call('clips.get', { id: clip.id }, ctx)).evidence).toMatchObject({
      timestamp: 'done',
      tsaName: 'Bare TSA',
      tsaTrust: 'unverifiable',
      tsaAnchor: null,
    });
    const before = await timestampCheck();
    expect(before.verdict).toBe('intact');
    expect(before.headline).not.toContain('existed at');
    expect(before.check.ok).toBeNull();
    expect(before.check.text).toMatch(UNVERIFIABLE);
    expect(before.check.text).toContain(
      "That is not a sign it was altered: add the TSA's certificate (Settings → TSA certificates, or verify --tsa-cert FILE)",
    );

    // A pasted chain is kept as one certificate per entry; junk is refused by name.
    await expect(engine.call('settings.update', { tsaCerts: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'] }, ctx)).rejects.toThrow(
      /TSA certificate 1: not a readable X.509 certificate/,
    );
    const saved = await engine.call('settings.update', { tsaCerts: [fs.readFileSync(chainPem, 'utf8')] }, ctx);
    expect(saved.tsaCerts).toHaveLength(2);
    try {
      const after = await timestampCheck();
      expect(after.verdict).toBe('intact');
      expect(after.check.ok).toBe(true);
      expect(after.check.text).toMatch(
        /^Trusted time: Bare TSA attests the file existed at .* UTC\. The TSA's timestamping certificate chains to PackWitness Test Root, a certificate you added\.$/,
      );
      expect(after.headline).toMatch(/existed at .* per Bare TSA/);
      expect((await engine.call('clips.get', { id: clip.id }, ctx)).evidence).toMatchObject({ tsaTrust: 'added', tsaAnchor: 'PackWitness Test Root' });
    } finally {
      await engine.call('settings.update', { tsaCerts: [] }, ctx);
    }
    expect((await engine.call('clips.get', { id: clip.id }, ctx)).evidence?.tsaTrust).toBe('unverifiable');
  });

  it('verify.html stays VERIFIED and says the token is unverifiable; given the TSA chain with the package, it shows the trusted time', async () => {
    const browser = await launchBrowser();
    try {
      const check = async (extra: string[]) => {
        const page = await browser.context.newPage();
        try {
          await page.goto(pathToFileURL(path.join(pkg.outDir, 'verify.html')).href);
          await page.setInputFiles('#files', [...pkg.files.filter((f) => f.kind !== 'zip').map((f) => f.path), ...extra]);
          await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 60_000 });
          return { status: await page.getAttribute('#result', 'data-status'), log: (await page.textContent('#log')) ?? '' };
        } finally {
          await page.close();
        }
      };
      const bare = await check([]);
      expect(bare.status).toBe('ok');
      expect(bare.log).toMatch(
        /the trusted timestamp \S+\.tsr names Bare TSA and \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC, but it is unverifiable without the TSA's certificate \(the token carries no certificate of its TSA, and none was given\)/,
      );
      expect(bare.log).not.toContain('Trusted time:');
      const given = await check([chainPem]);
      expect(given.status).toBe('ok');
      expect(given.log).toContain('Trusted time: ');
      expect(given.log).toContain('from Bare TSA (Test Time Co), token signature valid');
      expect(given.log).toContain('The chain ends at CN=PackWitness Test Root, a certificate you gave with the package');
    } finally {
      await browser.close();
    }
  });

  it('packwitness verify --tsa-cert FILE checks it with the certificate for that run only', async () => {
    await engine.close();
    const plain = cli(['verify', clipPath(path.join(dataDir, 'clips'), clip), '--data', dataDir]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(UNVERIFIABLE);
    const withCert = cli(['verify', clipPath(path.join(dataDir, 'clips'), clip), '--data', dataDir, '--tsa-cert', chainPem]);
    expect(withCert.stdout).toContain('chains to PackWitness Test Root, a certificate you added.');
    expect(withCert.status).toBe(0);
    const all = cli(['verify', '--all', '--data', dataDir, '--tsa-cert', chainPem]);
    expect(all.stdout).toContain('ALL VERIFIED');
    const missing = cli(['verify', clipPath(path.join(dataDir, 'clips'), clip), '--data', dataDir, '--tsa-cert', path.join(t.dir, 'nope.pem')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--tsa-cert .*nope\.pem/);
  });

  it("verify.html's check in Chromium reads genuine public tokens as the engine does, and RSASSA-PSS and key-identifier signers", async () => {
    const browser = await launchBrowser();
    const page = await browser.context.newPage();
    try {
      await page.goto(pathToFileURL(path.join(pkg.outDir, 'verify.html')).href);
      type Out = { ok: true; genTime: string; serial: string; fingerprint: string; given: boolean } | { ok: false; message: string; unverifiable: boolean };
      const inPage = (reply: Buffer, given: Buffer[] = []): Promise<Out> =>
        page.evaluate(
          async ([bytes, certs]) => {
            const check = (
              window as unknown as {
                checkTimestampToken: (
                  b: Uint8Array,
                  sha: null,
                  c: Uint8Array[],
                ) => Promise<{ genTime: string; serial: string; cert: { fingerprint: string }; chain: { anchor: { given: boolean } } }>;
              }
            ).checkTimestampToken;
            try {
              const r = await check(
                new Uint8Array(bytes),
                null,
                certs.map((c) => new Uint8Array(c)),
              );
              return { ok: true as const, genTime: r.genTime, serial: r.serial, fingerprint: r.cert.fingerprint, given: r.chain.anchor.given };
            } catch (e) {
              return { ok: false as const, message: (e as Error).message, unverifiable: !!(e as { unverifiable?: boolean }).unverifiable };
            }
          },
          [[...reply], given.map((g) => [...g])] as [number[], number[][]],
        );
      const fix = (f: string) => fs.readFileSync(path.join(root, 'test', 'fixtures', 'tsa', f));
      for (const f of ['identrust/issue-104.tsr', 'sigstage/response-sha256.tsr', 'sigstage/response-sha384.tsr', 'sigstage/response-sha512.tsr']) {
        const engineSays = parseTimestampResponse(fix(f));
        const r = await inPage(fix(f));
        expect(r, f).toMatchObject({ ok: true, serial: engineSays.serial, fingerprint: engineSays.trust.signer!.fingerprint });
        expect(Date.parse((r as { genTime: string }).genTime.replace(' UTC', 'Z').replace(' ', 'T'))).toBe(engineSays.time);
      }
      expect(await inPage(fix('sigstage/response-no-embedded-cert.tsr'))).toMatchObject({ ok: false, unverifiable: true });
      expect(await inPage(fix('sigstage/response-invalid-signature.tsr'))).toMatchObject({
        ok: false,
        unverifiable: false,
        message: expect.stringMatching(/NOT valid/),
      });
      // IdenTrust with its signer named by key identifier, the intermediate listed first.
      const idt = fix('identrust/issue-104.tsr');
      const signer = certElements(idt)
        .map((c) => readCert(c.raw)!)
        .find((c) => c.subject.endsWith('CN=TrustID Timestamp Authority'))!;
      expect(await inPage(bySki(idt, signer.ski!))).toMatchObject({ ok: true, fingerprint: signer.fingerprint });
      // This station's bare RSA TSA, signed again with RSASSA-PSS, its certificate given.
      const reply = fs.readFileSync(sidecarsOf(clipPath(path.join(dataDir, 'clips'), clip)).timestamp);
      const pss = resignPss(reply, fs.readFileSync(path.join(t.dir, 'tsa', 'tsa.key')));
      const tsaCert = readCert(Buffer.from(fs.readFileSync(path.join(t.dir, 'tsa', 'tsa.pem'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'))!;
      expect(await inPage(pss, [tsaCert.raw])).toMatchObject({ ok: true, fingerprint: tsaCert.fingerprint, given: true });
      const bad = Buffer.from(pss);
      bad[bad.length - 1]! ^= 1;
      expect(await inPage(bad, [tsaCert.raw])).toMatchObject({ ok: false, message: expect.stringMatching(/NOT valid/) });
    } finally {
      await browser.close();
    }
  });
});

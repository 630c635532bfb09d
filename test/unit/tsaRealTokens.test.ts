// Genuine RFC 3161 tokens from public timestamp authorities (test/fixtures/tsa: IdenTrust and
// Sigstore's staging TSA, each over the five bytes "hello"), checked by both checkers: the engine
// (evidence/tsa.ts, tsaTrust.ts, the verdicts of checks.ts) and verify.html's script on WebCrypto.
// Besides the tokens as issued: re-encodings that keep them valid (signer named by subject key
// identifier, certificates in another order), a token issued without certificates, one with a
// broken signature, and local `openssl ts` tokens signed with SHA-1, RSASSA-PSS and a TSA whose
// name has L, ST, emailAddress and description. openssl is asked wherever it can judge too.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../electron/engine/db.ts';
import { tokenCheck } from '../../electron/engine/evidence/checks.ts';
import { oid, readTlv, seq, tlv } from '../../electron/engine/evidence/der.ts';
import { parseTimestampResponse } from '../../electron/engine/evidence/tsa.ts';
import { certsFromFile, checkTsaCertsSetting, nameToString, readCert } from '../../electron/engine/evidence/tsaTrust.ts';
import { webCrypto } from '../../renderer/verify/webCrypto.ts';
import { checkTimestampToken } from '../../shared/evidence/tsaToken.ts';
import { SettingsStore } from '../../electron/engine/settingsStore.ts';
import { makeTsaFiles } from '../helpers/localTsa.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { bySki, certElements, resignPss, tokenOf } from '../helpers/tsaTokens.ts';

interface PageCheck {
  genTime: string;
  tsa: string;
  serial: string;
  hashAlg: string;
  hashed: string;
  cert: { subject: string; issuer: string; fingerprint: string };
  chain: { path: string[]; anchor: { subject: string; issuer: string; selfSigned: boolean; fingerprint: string; given: boolean }; unchecked: string[] };
}
// verify.html's token check and name reading: the same modules the page bundles, on WebCrypto.
const page = {
  checkTimestampToken: (tsr: Uint8Array, sha256: string | null, added?: Uint8Array[]): Promise<PageCheck> =>
    checkTimestampToken(webCrypto(), tsr, sha256, added),
  derName: nameToString,
  derRead: readTlv,
};

const FIX = path.join(import.meta.dirname, '..', 'fixtures', 'tsa');
const fixture = (f: string): Buffer => fs.readFileSync(path.join(FIX, f));
const HELLO = fixture('hello.txt');
const SHA256_HELLO = createHash('sha256').update(HELLO).digest('hex');
const ders = (f: string): Buffer[] => certsFromFile(fixture(f)).map((c) => c.raw);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** What `openssl ts -reply -text` says of a reply: its time (as epoch ms), serial, hash algorithm and imprint. */
function openssl(file: string): { time: number; serial: string; hashAlgorithm: string; imprint: string } {
  const text = execFileSync('openssl', ['ts', '-reply', '-in', file, '-text'], { encoding: 'utf8', stdio: 'pipe' });
  const m = /Time stamp: (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(\.\d+)? (\d{4}) GMT/.exec(text)!;
  const imprint = [
    ...text
      .split('Message data:')[1]!
      .split('Serial number')[0]!
      .matchAll(/ - ([0-9a-f -]+?) {2,}/g),
  ]
    .map((x) => x[1]!.replace(/[ -]/g, ''))
    .join('');
  return {
    time: Date.UTC(+m[7]!, MONTHS.indexOf(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!) + (m[6] ? Math.round(Number(m[6]) * 1000) : 0),
    serial: /Serial number: 0x([0-9A-F]+)/.exec(text)![1]!,
    hashAlgorithm: /Hash Algorithm: (\S+)/.exec(text)![1]!,
    imprint,
  };
}
/** "2025-05-09 11:58:55 UTC" (verify.html) as epoch ms. */
const pageMs = (s: string): number => Date.parse(s.replace(' UTC', 'Z').replace(' ', 'T'));

describe('genuine tokens of public TSAs, checked by the engine and by verify.html', () => {
  let t: ReturnType<typeof tmpDir>;
  let db: Db;
  const check = (reply: Buffer, sha = SHA256_HELLO) => tokenCheck(db, 'no-such-clip', sha, reply);
  const setAdded = (pems: string[]) => new SettingsStore(db).update({ tsaCerts: checkTsaCertsSetting(pems) });

  beforeAll(() => {
    t = tmpDir('pw-tsa-real-');
    db = openDb(path.join(t.dir, 'index.sqlite'));
  });
  afterAll(() => {
    db?.close();
    t?.cleanup();
  });

  const GENUINE = ['identrust/issue-104.tsr', 'sigstage/response-sha256.tsr', 'sigstage/response-sha384.tsr', 'sigstage/response-sha512.tsr'];
  it.each(GENUINE)('%s: the same time, serial and imprint as openssl in both checkers, and a signature that holds', async (f) => {
    const o = openssl(path.join(FIX, f));
    const info = parseTimestampResponse(fixture(f));
    expect(info).toMatchObject({ time: o.time, serial: o.serial, hashAlgorithm: o.hashAlgorithm, hashedMessage: o.imprint });
    expect(o.imprint).toBe(createHash(o.hashAlgorithm).update(HELLO).digest('hex'));
    expect(info.trust.status).toBe('valid');
    const r = await page.checkTimestampToken(fixture(f), null);
    expect(pageMs(r.genTime)).toBe(o.time);
    expect(r.serial).toBe(o.serial);
    expect(r.hashed).toBe(o.imprint);
    // Both name the same signer and the same chain.
    expect(r.cert.fingerprint).toBe(info.trust.signer!.fingerprint);
    expect(r.cert.subject).toBe(info.trust.signer!.subject);
    expect(r.chain.path).toEqual(info.trust.path.slice(0, r.chain.path.length));
  });

  it('a serial whose top bit is set is printed without the leading 00, as openssl does', () => {
    const der = fixture('sigstage/response-sha512.tsr');
    expect(der.includes(Buffer.from('0215' + '00d866f00c', 'hex')) || der.includes(Buffer.from('021500d866f00c', 'hex'))).toBe(true);
    expect(parseTimestampResponse(der).serial).toBe('D866F00C4BD9D57430C008BBAC44D02DA49D9A7E');
  });

  it('IdenTrust: trusted time from TrustID Timestamp Authority, anchored at a publicly trusted root the token does not carry', async () => {
    const reply = fixture('identrust/issue-104.tsr');
    const info = parseTimestampResponse(reply);
    expect(info.trust.path).toEqual([
      'C=US, O=IdenTrust, CN=TrustID Timestamp Authority',
      'C=US, O=IdenTrust, CN=TrustID Timestamping CA 3',
      'C=US, O=IdenTrust, CN=IdenTrust Commercial Root CA 1',
    ]);
    const root = new X509Certificate(fixture('identrust/ts_chain.pem'));
    expect(info.trust.anchor).toMatchObject({
      kind: 'public',
      subject: 'C=US, O=IdenTrust, CN=IdenTrust Commercial Root CA 1',
      fingerprint: root.fingerprint256.replace(/:/g, '').toLowerCase(),
    });
    // openssl agrees with that root as the only trust anchor.
    const rootPem = path.join(t.dir, 'identrust-root.pem');
    fs.writeFileSync(rootPem, root.toString());
    // (at the token's time: the TSA's certificate has expired since, which does not undo a timestamp made before)
    const at = String(info.time / 1000);
    execFileSync(
      'openssl',
      ['ts', '-verify', '-data', path.join(FIX, 'hello.txt'), '-in', path.join(FIX, 'identrust/issue-104.tsr'), '-CAfile', rootPem, '-attime', at],
      { stdio: 'pipe' },
    );
    // The token stamps SHA-512 of "hello": for a clip, both say so plainly.
    const v = await check(reply);
    expect(v.ok).toBe(false);
    expect(v.text).toBe("This token stamps a SHA-512 hash; PackWitness clips are sealed with SHA-256, so it is not this clip's.");
    await expect(page.checkTimestampToken(reply, SHA256_HELLO)).rejects.toThrow(
      "this token stamps a SHA-512 hash; PackWitness clips are sealed with SHA-256, so it is not this clip's",
    );
    // verify.html cannot know public roots offline; given the root, it walks up to it.
    const r = await page.checkTimestampToken(reply, null, ders('identrust/ts_chain.pem'));
    expect(r.chain.anchor).toMatchObject({
      subject: 'C=US, O=IdenTrust, CN=IdenTrust Commercial Root CA 1',
      selfSigned: true,
      given: true,
      fingerprint: info.trust.anchor!.fingerprint,
    });
  });

  it('SHA-384 imprints are reported plainly too', async () => {
    expect((await check(fixture('sigstage/response-sha384.tsr'))).text).toBe(
      "This token stamps a SHA-384 hash; PackWitness clips are sealed with SHA-256, so it is not this clip's.",
    );
    await expect(page.checkTimestampToken(fixture('sigstage/response-sha384.tsr'), SHA256_HELLO)).rejects.toThrow(/stamps a SHA-384 hash/);
  });

  it('Sigstore staging (ECDSA): trusted time whose root is not a known one, named with its fingerprint; with its chain added, anchored there', async () => {
    const reply = fixture('sigstage/response-sha256.tsr');
    const v = await check(reply);
    expect(v.ok).toBe(true);
    expect(v.text).toMatch(/^Trusted time: sigstore-tsa attests the file existed at 2025-05-09 11:58:55 UTC\. /);
    expect(v.text).toContain(
      'chains to sigstore-tsa (issued by sigstore-tsa-selfsigned, whose certificate is not at hand), not a known root (SHA-256 fingerprint 06f4ffe047feb35999b733b0d7a323501cfc18e4c03366a845d77536e74b2744)',
    );
    const r = await page.checkTimestampToken(reply, SHA256_HELLO);
    expect(r.tsa).toBe('sigstore-tsa (sigstore.dev)');
    expect(r.chain.anchor).toMatchObject({
      subject: 'O=sigstore.dev, CN=sigstore-tsa',
      issuer: 'O=sigstore.dev, CN=sigstore-tsa-selfsigned',
      given: false,
      fingerprint: '06f4ffe047feb35999b733b0d7a323501cfc18e4c03366a845d77536e74b2744',
    });

    setAdded([fixture('sigstage/ts_chain.pem').toString('utf8')]);
    try {
      const added = await check(reply);
      expect(added.ok).toBe(true);
      expect(added.text).toContain('chains to sigstore-tsa-selfsigned, a certificate you added.');
      const rootFp = new X509Certificate(ders('sigstage/ts_chain.pem')[1]!).fingerprint256.replace(/:/g, '').toLowerCase();
      const withChain = await page.checkTimestampToken(reply, SHA256_HELLO, ders('sigstage/ts_chain.pem'));
      expect(withChain.chain.anchor).toEqual({
        subject: 'O=sigstore.dev, CN=sigstore-tsa-selfsigned',
        issuer: 'O=sigstore.dev, CN=sigstore-tsa-selfsigned',
        selfSigned: true,
        given: true,
        fingerprint: rootFp,
      });
      expect(parseTimestampResponse(reply, { addedCerts: certsFromFile(fixture('sigstage/ts_chain.pem')) }).trust.anchor!.fingerprint).toBe(rootFp);
    } finally {
      setAdded([]);
    }
  });

  it('a token issued without certificates is unverifiable, not altered, until the TSA certificate is added', async () => {
    const reply = fixture('sigstage/response-no-embedded-cert.tsr');
    const v = await check(reply);
    expect(v.ok).toBeNull();
    expect(v.text).toBe(
      "The timestamp token names sigstore-tsa and 2025-06-18 08:13:02 UTC, but it is unverifiable without the TSA's certificate (the token carries no certificate of its TSA, and no TSA certificate was added to check it). " +
        "That is not a sign it was altered: add the TSA's certificate (Settings → TSA certificates, or verify --tsa-cert FILE) to check it.",
    );
    const err = (await page.checkTimestampToken(reply, SHA256_HELLO).catch((e: unknown) => e)) as Error & { unverifiable?: boolean };
    expect(err.unverifiable).toBe(true);
    expect(err.message).toMatch(
      /^it is unverifiable without the TSA's certificate \(the token carries no certificate of its TSA, and none was given\)\. That is not a sign it was altered/,
    );

    setAdded([fixture('sigstage/ts_chain.pem').toString('utf8')]);
    try {
      const added = await check(reply);
      expect(added.ok).toBe(true);
      expect(added.text).toMatch(
        /^Trusted time: sigstore-tsa attests the file existed at 2025-06-18 08:13:02 UTC\. The TSA's timestamping certificate chains to sigstore-tsa-selfsigned, a certificate you added\.$/,
      );
      const r = await page.checkTimestampToken(reply, SHA256_HELLO, ders('sigstage/ts_chain.pem'));
      expect(r.cert.subject).toBe('O=sigstore.dev, CN=sigstore-tsa');
      expect(r.chain.anchor.given).toBe(true);
    } finally {
      setAdded([]);
    }
    // The TSA's certificate alone (no root) is enough to check it, and is what vouches.
    const leafOnly = certsFromFile(fixture('sigstage/ts_chain.pem')).filter((c) => c.subject.endsWith('CN=sigstore-tsa'));
    expect(parseTimestampResponse(reply, { addedCerts: leafOnly }).trust).toMatchObject({
      status: 'valid',
      anchor: { kind: 'added', subject: 'O=sigstore.dev, CN=sigstore-tsa' },
    });
    // A certificate of some other TSA does not make it checkable.
    const other = certsFromFile(fixture('identrust/ts_chain.pem'));
    expect(parseTimestampResponse(reply, { addedCerts: other }).trust.status).toBe('unverifiable');
  });

  it('no one-byte change of a genuine token makes either checker vouch for something else', async () => {
    // Every byte of Sigstore's token flipped in turn: each checker either refuses it (altered or
    // unverifiable) or, for the unsigned bytes, still vouches for exactly the original time, hash,
    // serial and signer. Nothing inside the TSTInfo or the signature gets through.
    const reply = fixture('sigstage/response-sha256.tsr');
    const good = parseTimestampResponse(reply);
    const goodPage = await page.checkTimestampToken(reply, SHA256_HELLO);
    const same = (i: ReturnType<typeof parseTimestampResponse>) => [i.time, i.hashedMessage, i.serial, i.trust.signer?.fingerprint, i.name];
    const tstStart = reply.indexOf(Buffer.from('2cf24dba', 'hex')) - 20;
    const tstEnd = reply.indexOf(Buffer.from([0x18, 0x0f]), tstStart) + 17;
    const vouched: number[] = [];
    for (let i = 0; i < reply.length; i++) {
      const bad = Buffer.from(reply);
      bad[i]! ^= 0x04;
      let info: ReturnType<typeof parseTimestampResponse> | null = null;
      try {
        info = parseTimestampResponse(bad);
      } catch {
        // unreadable: refused
      }
      if (info?.trust.status === 'valid') {
        vouched.push(i);
        expect(same(info)).toEqual(same(good));
      }
      const r = await page.checkTimestampToken(bad, SHA256_HELLO).catch(() => null);
      if (r)
        expect([r.genTime, r.hashed, r.serial, r.cert.fingerprint]).toEqual([goodPage.genTime, goodPage.hashed, goodPage.serial, goodPage.cert.fingerprint]);
    }
    expect(vouched.filter((i) => i >= tstStart && i < tstEnd)).toEqual([]);
    expect(vouched.filter((i) => i >= reply.length - 100)).toEqual([]); // the ECDSA signature
  });

  it('a genuine token with a broken signature is altered, for both', async () => {
    const reply = fixture('sigstage/response-invalid-signature.tsr');
    const v = await check(reply);
    expect(v.ok).toBe(false);
    expect(v.text).toBe("The timestamp token does not hold: the TSA's signature over the token does not hold: it was altered.");
    await expect(page.checkTimestampToken(reply, SHA256_HELLO)).rejects.toThrow(/signature over the token is NOT valid/);
  });

  it.each([
    ['identrust/issue-104.tsr', 'identrust/ts_chain.pem', false],
    ['sigstage/response-sha256.tsr', 'sigstage/ts_chain.pem', true],
  ])('%s re-encoded with the signer named by key identifier and the certificates in another order still holds', async (f, chainFile, rootFirst) => {
    const reply = fixture(f);
    const signer = certElements(reply)
      .map((c) => readCert(c.raw)!)
      .find((c) => c.fingerprint === parseTimestampResponse(reply).trust.signer!.fingerprint)!;
    expect(signer.ski).not.toBeNull();
    const root = ders(chainFile).find((d) => readCert(d)!.subject !== signer.subject)!;
    const ski = bySki(reply, signer.ski!, rootFirst ? [root] : []);
    // The signer is no longer the first certificate: a checker that takes the first one fails here.
    expect(readCert(certElements(ski)[0]!.raw)!.fingerprint).not.toBe(signer.fingerprint);
    const before = parseTimestampResponse(reply);
    const after = parseTimestampResponse(ski);
    expect(after.trust.status).toBe('valid');
    expect(after.trust.signer).toEqual(before.trust.signer);
    expect(after.trust.path[0]).toBe(before.trust.path[0]);
    if (rootFirst) expect(after.trust.anchor).toMatchObject({ kind: 'unknown', selfSigned: true, fingerprint: readCert(root)!.fingerprint });
    else expect(after.trust.anchor).toEqual(before.trust.anchor);
    const r = await page.checkTimestampToken(ski, null);
    expect(r.cert.fingerprint).toBe(signer.fingerprint);
    // openssl's CMS verifier agrees (its ts verifier reads PKCS#7, which has no key-identifier signers).
    const tok = path.join(t.dir, `ski-${path.basename(f)}.der`);
    fs.writeFileSync(tok, tokenOf(ski));
    const ca = path.join(t.dir, `ca-${path.basename(f)}.pem`);
    fs.writeFileSync(
      ca,
      certsFromFile(fixture(chainFile))
        .map((c) => c.x509.toString())
        .join(''),
    );
    const at = String(before.time / 1000);
    execFileSync(
      'openssl',
      ['cms', '-verify', '-inform', 'DER', '-in', tok, '-CAfile', ca, '-purpose', 'timestampsign', '-attime', at, '-out', path.join(t.dir, 'tst.der')],
      { stdio: 'pipe' },
    );
    // A key identifier that names no certificate at hand: unverifiable, not altered.
    const wrong = bySki(reply, Buffer.alloc(20, 7));
    expect(parseTimestampResponse(wrong).trust.status).toBe('unverifiable');
    await expect(page.checkTimestampToken(wrong, null)).rejects.toMatchObject({ unverifiable: true });
  });
});

describe('algorithms and names of real TSAs, on local openssl tokens', () => {
  let t: ReturnType<typeof tmpDir>;
  let n = 0;
  beforeAll(() => {
    t = tmpDir('pw-tsa-algs-');
  });
  afterAll(() => t?.cleanup());

  /** A TSA in its own folder; `tweak` edits its openssl ts config. Returns a reply over sha. */
  function stamp(name: string, sha: string, tweak: (cfg: string) => string = (c) => c): { reply: Buffer; file: string; dir: string; caFile: string } {
    const dir = path.join(t.dir, `tsa${++n}`);
    const { config, caFile } = makeTsaFiles(dir, name);
    fs.writeFileSync(config, tweak(fs.readFileSync(config, 'utf8')));
    const q = path.join(dir, 'q.tsq');
    const file = path.join(dir, 'r.tsr');
    execFileSync('openssl', ['ts', '-query', '-digest', sha, '-sha256', '-cert', '-out', q], { stdio: 'pipe' });
    execFileSync('openssl', ['ts', '-reply', '-config', config, '-queryfile', q, '-out', file], { cwd: dir, stdio: 'pipe' });
    return { reply: fs.readFileSync(file), file, dir, caFile };
  }
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');

  it('a SHA-1 signer digest with an ESSCertID v1 (older tokens) holds for both, as for openssl', async () => {
    const h = sha('sha1 token');
    const { reply, file, caFile } = stamp('SHA1 TSA', h, (c) =>
      c.replace('signer_digest = sha256', 'signer_digest = sha1').replace('ess_cert_id_alg = sha256', 'ess_cert_id_alg = sha1'),
    );
    fs.writeFileSync(`${file}.token`, tokenOf(reply));
    const text = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `${file}.token`], { encoding: 'utf8' });
    expect(text).toMatch(/digestAlgorithm:\s+algorithm: sha1/);
    expect(text).toContain('id-smime-aa-signingCertificate');
    execFileSync('openssl', ['ts', '-verify', '-digest', h, '-in', file, '-CAfile', caFile], { stdio: 'pipe' });
    expect(parseTimestampResponse(reply).trust.status).toBe('valid');
    expect((await page.checkTimestampToken(reply, h)).tsa).toBe('SHA1 TSA (Test Time Co)');
  });

  it('an RSASSA-PSS signature holds for both; one flipped bit in it fails both', async () => {
    const h = sha('pss token');
    const { reply, dir, caFile } = stamp('PSS TSA', h);
    const pss = resignPss(reply, fs.readFileSync(path.join(dir, 'tsa.key')));
    const tok = path.join(dir, 'pss.der');
    fs.writeFileSync(tok, tokenOf(pss));
    execFileSync(
      'openssl',
      ['cms', '-verify', '-inform', 'DER', '-in', tok, '-CAfile', caFile, '-purpose', 'timestampsign', '-out', path.join(dir, 'tst.der')],
      { stdio: 'pipe' },
    );
    expect(parseTimestampResponse(pss).trust).toMatchObject({ status: 'valid', signer: { subject: 'O=Test Time Co, CN=PSS TSA' } });
    expect((await page.checkTimestampToken(pss, h)).tsa).toBe('PSS TSA (Test Time Co)');
    const bad = Buffer.from(pss);
    bad[bad.length - 1]! ^= 1;
    expect(parseTimestampResponse(bad).trust).toMatchObject({ status: 'invalid', reason: "the TSA's signature over the token does not hold: it was altered" });
    await expect(page.checkTimestampToken(bad, h)).rejects.toThrow(/signature over the token is NOT valid/);
  });

  it('a TSA that calls itself "DigiCert Timestamp 2023" under a root of its own gets no trust it has not earned', async () => {
    const dir = path.join(t.dir, 'fake-digicert');
    const { config, caFile } = makeTsaFiles(dir, 'DigiCert Timestamp 2023', 'rsa', 'root');
    const h = sha('fake');
    const q = path.join(dir, 'q.tsq');
    const file = path.join(dir, 'r.tsr');
    execFileSync('openssl', ['ts', '-query', '-digest', h, '-sha256', '-cert', '-out', q], { stdio: 'pipe' });
    execFileSync('openssl', ['ts', '-reply', '-config', config, '-queryfile', q, '-out', file], { cwd: dir, stdio: 'pipe' });
    const fp = new X509Certificate(fs.readFileSync(caFile)).fingerprint256.replace(/:/g, '').toLowerCase();
    const info = parseTimestampResponse(fs.readFileSync(file));
    expect(info.trust.anchor).toMatchObject({ kind: 'unknown', subject: 'CN=PackWitness Test Root', selfSigned: true, fingerprint: fp });
    const db = openDb(path.join(dir, 'index.sqlite'));
    try {
      const v = await tokenCheck(db, 'x', h, fs.readFileSync(file));
      expect(v.text).toMatch(
        /^Trusted time: DigiCert Timestamp 2023 attests the file existed at .* UTC\. The TSA's timestamping certificate chains to PackWitness Test Root, not a known root \(SHA-256 fingerprint ([0-9a-f]{64})\)/,
      );
      expect(v.text).toContain(fp);
    } finally {
      db.close();
    }
  });

  it.each([
    ['intermediate-not-ca', /PackWitness Test Timestamping CA issued .*Chain Test TSA but is not a CA certificate/],
    ['impostor', /Chain Test TSA is NOT signed by CN=PackWitness Test Root/],
  ] as const)('a chain through a %s certificate fails the engine as it fails verify.html', async (chain, why) => {
    const dir = path.join(t.dir, `chain-${chain}`);
    const { config, caFile } = makeTsaFiles(dir, 'Chain Test TSA', 'rsa', chain);
    const h = sha(chain);
    const q = path.join(dir, 'q.tsq');
    const file = path.join(dir, 'r.tsr');
    execFileSync('openssl', ['ts', '-query', '-digest', h, '-sha256', '-cert', '-out', q], { stdio: 'pipe' });
    execFileSync('openssl', ['ts', '-reply', '-config', config, '-queryfile', q, '-out', file], { cwd: dir, stdio: 'pipe' });
    const opensslAccepts = () => {
      try {
        execFileSync('openssl', ['ts', '-verify', '-digest', h, '-in', file, '-CAfile', caFile], { stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    };
    const reply = fs.readFileSync(file);
    expect(parseTimestampResponse(reply).trust).toMatchObject({ status: 'invalid', reason: expect.stringMatching(why) });
    await expect(page.checkTimestampToken(reply, h)).rejects.toThrow(why);
    // With the real root at hand (openssl's -CAfile), a same-named impostor the token carries no
    // longer hides it: all three accept. A certificate that is no CA stays refused by all three.
    const real = certsFromFile(fs.readFileSync(caFile));
    const withRoot = parseTimestampResponse(reply, { addedCerts: real }).trust;
    const pageWithRoot = await page
      .checkTimestampToken(
        reply,
        h,
        real.map((c) => c.raw),
      )
      .then(
        () => true,
        () => false,
      );
    expect([opensslAccepts(), withRoot.status === 'valid', pageWithRoot]).toEqual(chain === 'impostor' ? [true, true, true] : [false, false, false]);
    if (chain === 'impostor') expect(withRoot.anchor).toMatchObject({ kind: 'added', subject: 'CN=PackWitness Test Root' });
  });

  it('a TSA name with L, ST, emailAddress and description is shown with every attribute by name, as openssl names them', async () => {
    const h = sha('names');
    const { reply, dir } = stamp('Names TSA/L=Hangzhou/ST=Zhejiang/emailAddress=tsa@example.com/description=Test timestamps', h);
    const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-in', path.join(dir, 'tsa.pem')], { encoding: 'utf8' })
      .trim()
      .replace(/^subject=/, '')
      .replace(/ = /g, '=');
    expect(subject).toBe('O=Test Time Co, CN=Names TSA, L=Hangzhou, ST=Zhejiang, emailAddress=tsa@example.com, description=Test timestamps');
    expect(parseTimestampResponse(reply).trust.signer!.subject).toBe(subject);
    expect((await page.checkTimestampToken(reply, h)).cert.subject).toBe(subject);
  });

  it('name strings are decoded by their ASN.1 type (UTF8, Printable, IA5, Teletex, BMP, Universal) the same way by both', () => {
    const atv = (o: string, tag: number, body: Buffer) => tlv(0x31, seq(oid(o), tlv(tag, body)));
    const utf32 = (s: string) =>
      Buffer.concat(
        [...s].map((ch) => {
          const b = Buffer.alloc(4);
          b.writeUInt32BE(ch.codePointAt(0)!);
          return b;
        }),
      );
    const name = seq(
      atv('2.5.4.6', 0x13, Buffer.from('CN')),
      atv('2.5.4.8', 0x0c, Buffer.from('浙江', 'utf8')),
      atv('2.5.4.7', 0x1e, Buffer.from('杭州', 'utf16le').swap16()),
      atv('2.5.4.10', 0x14, Buffer.from('Zeitstempel Müller', 'latin1')),
      atv('2.5.4.13', 0x1c, utf32('时间 𝄞')),
      atv('1.2.840.113549.1.9.1', 0x16, Buffer.from('tsa@example.com')),
      atv('2.5.4.3', 0x0c, Buffer.from('时间戳服务', 'utf8')),
    );
    const want = 'C=CN, ST=浙江, L=杭州, O=Zeitstempel Müller, description=时间 𝄞, emailAddress=tsa@example.com, CN=时间戳服务';
    expect(nameToString(readTlv(name))).toBe(want);
    expect(page.derName(page.derRead(new Uint8Array(name), 0))).toBe(want);
  });
});

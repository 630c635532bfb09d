// The timestamp check of verify.html, run as it is (the same module, on the page's WebCrypto adapter) on Node's WebCrypto, against
// real `openssl ts -reply` tokens from an RSA and an ECDSA P-256 TSA, and against damaged ones.
// test/e2e/export.verify.e2e.test.ts runs it in Chromium inside a real package.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webCrypto } from '../../renderer/verify/webCrypto.ts';
import { checkTimestampToken as checkToken } from '../../shared/evidence/tsaToken.ts';
import { makeTsaFiles, type TsaChain } from '../helpers/localTsa.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

interface TokenCheck {
  genTime: string;
  tsa: string;
  tsaName: string | null;
  serial: string;
  hashed: string;
  cert: { subject: string; issuer: string; fingerprint: string };
  chain: { path: string[]; anchor: { subject: string; issuer: string; selfSigned: boolean; fingerprint: string; given: boolean }; unchecked: string[] };
}
const checkTimestampToken = (tsr: ArrayBuffer | Uint8Array, sha256: string): Promise<TokenCheck> => checkToken(webCrypto(), tsr, sha256);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Time stamp: Nov 25 17:40:01 2026 GMT" (what `openssl ts -reply -text` prints) as "2026-11-25 17:40:01 UTC". */
function opensslTime(text: string): string {
  const m = /Time stamp: (\w{3}) +(\d+) (\d\d:\d\d:\d\d(?:\.\d+)?) (\d{4}) GMT/.exec(text);
  if (!m) throw new Error(`no time in ${text}`);
  return `${m[4]}-${String(MONTHS.indexOf(m[1]!) + 1).padStart(2, '0')}-${m[2]!.padStart(2, '0')} ${m[3]} UTC`;
}

describe('verify.html timestamp check (script on WebCrypto)', () => {
  let t: ReturnType<typeof tmpDir>;
  const tsas: Record<'rsa' | 'ec', { config: string; caFile: string; dir: string }> = {} as never;
  let n = 0;

  const stamp = (kind: 'rsa' | 'ec', sha: string): { der: Buffer; text: string; file: string } => {
    const { dir, config } = tsas[kind];
    const q = path.join(dir, `q${++n}.tsq`);
    const r = path.join(dir, `r${n}.tsr`);
    execFileSync('openssl', ['ts', '-query', '-digest', sha, '-sha256', '-cert', '-out', q], { stdio: 'pipe' });
    execFileSync('openssl', ['ts', '-reply', '-config', config, '-queryfile', q, '-out', r], { cwd: dir, stdio: 'pipe' });
    return { der: fs.readFileSync(r), text: execFileSync('openssl', ['ts', '-reply', '-in', r, '-text'], { encoding: 'utf8', stdio: 'pipe' }), file: r };
  };
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

  beforeAll(() => {
    t = tmpDir('pw-tsa-script-');
    for (const kind of ['rsa', 'ec'] as const) {
      const dir = path.join(t.dir, kind);
      tsas[kind] = { dir, ...makeTsaFiles(dir, `${kind.toUpperCase()} Test TSA`, kind) };
    }
  });
  afterAll(() => t?.cleanup());

  it.each(['rsa', 'ec'] as const)('accepts a %s token for the right hash and reads its time, TSA and certificate', async (kind) => {
    const h = sha(`clip ${kind}`);
    const { der, text, file } = stamp(kind, h);
    // openssl agrees the token holds (chain included), so the page must accept it too
    execFileSync('openssl', ['ts', '-verify', '-digest', h, '-in', file, '-CAfile', tsas[kind].caFile], { stdio: 'pipe' });
    const r = await checkTimestampToken(der, h);
    expect(r.genTime).toBe(opensslTime(text));
    expect(r.tsa).toBe(`${kind.toUpperCase()} Test TSA (Test Time Co)`);
    expect(r.tsaName).toContain(`CN=${kind.toUpperCase()} Test TSA`);
    expect(r.hashed).toBe(h);
    expect(r.cert.issuer).toBe('CN=PackWitness Test Root');
    const pem = fs.readFileSync(path.join(tsas[kind].dir, 'tsa.pem'), 'utf8');
    const fp = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' });
    expect(fp.replace(/.*=|:|\s/g, '').toLowerCase()).toBe(r.cert.fingerprint);
    // The token carries the TSA's certificate alone: the chain ends there, named by its issuer.
    expect(r.chain).toEqual({
      path: [`O=Test Time Co, CN=${kind.toUpperCase()} Test TSA`],
      anchor: {
        subject: `O=Test Time Co, CN=${kind.toUpperCase()} Test TSA`,
        issuer: 'CN=PackWitness Test Root',
        selfSigned: false,
        fingerprint: r.cert.fingerprint,
        given: false,
      },
      unchecked: [],
    });
  });

  describe('the TSA certificate chain the token carries', () => {
    const fingerprint = (file: string) =>
      execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', file], { encoding: 'utf8' })
        .replace(/.*=|:|\s/g, '')
        .toLowerCase();
    const stampWith = (chain: TsaChain, h: string) => {
      const dir = path.join(t.dir, `chain-${chain}`);
      const { config, caFile } = makeTsaFiles(dir, 'Chain Test TSA', 'rsa', chain);
      const q = path.join(dir, 'q.tsq');
      const r = path.join(dir, 'r.tsr');
      execFileSync('openssl', ['ts', '-query', '-digest', h, '-sha256', '-cert', '-out', q], { stdio: 'pipe' });
      execFileSync('openssl', ['ts', '-reply', '-config', config, '-queryfile', q, '-out', r], { cwd: dir, stdio: 'pipe' });
      const opensslAccepts = () => {
        try {
          execFileSync('openssl', ['ts', '-verify', '-digest', h, '-in', r, '-CAfile', caFile], { stdio: 'pipe' });
          return true;
        } catch {
          return false;
        }
      };
      return { der: fs.readFileSync(r), dir, opensslAccepts };
    };

    it('with the root: the chain holds up to the self-signed root, whose fingerprint is shown', async () => {
      const h = sha('chain root');
      const { der, dir, opensslAccepts } = stampWith('root', h);
      expect(opensslAccepts()).toBe(true);
      const r = await checkTimestampToken(der, h);
      expect(r.chain.path).toEqual(['O=Test Time Co, CN=Chain Test TSA', 'CN=PackWitness Test Root']);
      expect(r.chain.anchor).toEqual({
        subject: 'CN=PackWitness Test Root',
        issuer: 'CN=PackWitness Test Root',
        selfSigned: true,
        fingerprint: fingerprint(path.join(dir, 'ca.pem')),
        given: false,
      });
    });

    it('with an intermediate CA (P-384) and no root: holds up to the intermediate, named by the root above it', async () => {
      const h = sha('chain intermediate');
      const { der, dir, opensslAccepts } = stampWith('intermediate', h);
      expect(opensslAccepts()).toBe(true);
      const r = await checkTimestampToken(der, h);
      expect(r.chain.path).toEqual(['O=Test Time Co, CN=Chain Test TSA', 'O=Test Time Co, CN=PackWitness Test Timestamping CA']);
      expect(r.chain.anchor).toEqual({
        subject: 'O=Test Time Co, CN=PackWitness Test Timestamping CA',
        issuer: 'CN=PackWitness Test Root',
        selfSigned: false,
        fingerprint: fingerprint(path.join(dir, 'int.pem')),
        given: false,
      });
      expect(r.chain.unchecked).toEqual([]);
    });

    it('refuses a chain through a certificate that is no CA, as openssl does', async () => {
      const h = sha('chain not ca');
      const { der, opensslAccepts } = stampWith('intermediate-not-ca', h);
      expect(opensslAccepts()).toBe(false);
      await expect(checkTimestampToken(der, h)).rejects.toThrow(/PackWitness Test Timestamping CA issued .*Chain Test TSA but is not a CA certificate/);
    });

    it('refuses a token carrying another "root" of the same name that did not sign the TSA certificate', async () => {
      const h = sha('chain impostor');
      const { der } = stampWith('impostor', h);
      await expect(checkTimestampToken(der, h)).rejects.toThrow(/Chain Test TSA is NOT signed by CN=PackWitness Test Root/);
    });
  });

  it.each(['rsa', 'ec'] as const)('rejects a %s token whose signature has one flipped bit', async (kind) => {
    const h = sha(`sig ${kind}`);
    const der = stamp(kind, h).der;
    der[der.length - 1]! ^= 0x01; // the SignerInfo's signature is the last element of the reply
    await expect(checkTimestampToken(der, h)).rejects.toThrow(/signature over the token is NOT valid/);
  });

  it('rejects a token whose TSTInfo time was changed', async () => {
    const h = sha('time');
    const der = stamp('rsa', h).der;
    const at = der.indexOf(Buffer.from([0x18, 0x0f]));
    expect(at).toBeGreaterThan(0);
    der[at + 2 + 13]! ^= 0x01; // the last digit of the seconds: still a valid time, but not the signed one
    await expect(checkTimestampToken(der, h)).rejects.toThrow(/TSTInfo .* was changed after signing/);
  });

  it('rejects a token for another file', async () => {
    const der = stamp('ec', sha('other clip')).der;
    await expect(checkTimestampToken(der, sha('this clip'))).rejects.toThrow(/covers a different file/);
  });

  it('never accepts a token with one flipped byte as saying something else', async () => {
    // Every byte of a real token flipped in turn: the check either rejects with a readable reason or,
    // for the unsigned bytes (versions, the status "granted" vs "granted with mods", the spare copy
    // of the TSA certificate openssl puts in), still reports exactly the original's time, hash,
    // serial and certificate. Nothing inside the TSTInfo or the signature gets through.
    const h = sha('fuzz');
    const der = stamp('ec', h).der;
    const good = await checkTimestampToken(der, h);
    const imprint = der.indexOf(Buffer.from(h, 'hex'));
    const genTime = der.indexOf(Buffer.from([0x18, 0x0f]));
    expect(imprint).toBeGreaterThan(0);
    const accepted: number[] = [];
    for (let i = 0; i < der.length; i++) {
      const bad = Buffer.from(der);
      bad[i]! ^= 0x04;
      try {
        const r = await checkTimestampToken(bad, h);
        accepted.push(i);
        expect(r).toEqual(good);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        expect(errorMessage(err)).not.toMatch(/undefined|null/);
      }
    }
    const inside = (from: number, to: number) => accepted.filter((i) => i >= from && i < to);
    expect(inside(imprint - 20, genTime + 17)).toEqual([]); // imprint algorithm, hash, serial, genTime
    expect(inside(der.length - 64, der.length)).toEqual([]); // the ECDSA signature's r and s
  });

  it('rejects bytes that are not a timestamp reply', async () => {
    await expect(checkTimestampToken(Buffer.from('not a token at all'), sha('x'))).rejects.toThrow(/not a timestamp reply|does not parse/);
    const der = stamp('rsa', sha('cut')).der;
    await expect(checkTimestampToken(der.subarray(0, der.length - 10), sha('cut'))).rejects.toThrow(/not a timestamp reply/);
  });
});

// The RFC 3161 timestamp check verify.html makes in the reviewer's browser, offline: the
// TimeStampResp → CMS SignedData → TSTInfo walk, the signed attributes (contentType, messageDigest,
// the ESS signing certificate when present) and the TSA's signature (RSA PKCS#1 v1.5, RSASSA-PSS or
// ECDSA; SHA-1 to SHA-512) against the signer's certificate, found by issuer and serial or by subject
// key identifier among the token's certificates and those the reviewer gave; then the certificate
// chain: a timestamping certificate (EKU timeStamping, RFC 3161 2.3) valid at the stated time, each
// certificate above it a CA that really signed the one below. The walk ends at a self-signed root
// or at an issuer nobody gave; whether that anchor is to be trusted is not decided here (the page
// names it and its fingerprint, and `openssl ts -verify -CAfile` decides). The engine makes the
// same checks with Node's X.509 and the public roots (electron/engine/evidence/tsa.ts, tsaTrust.ts).
import type { EvidenceCrypto, HashName, SignatureScheme } from './crypto.ts';
import { bytesEqual, children, expectTag, nameToString, namePart, oidToString, readTlv, serialHex, toHex, type Tlv } from './der.ts';
import { pkgWord, wordPackage, type PackageCode, type PackageParams, type PackageWord } from './packageWords.ts';

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCert: '1.2.840.113549.1.9.16.2.12',
  signingCertV2: '1.2.840.113549.1.9.16.2.47',
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  ski: '2.5.29.14',
  pss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  eku: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  timeStamping: '1.3.6.1.5.5.7.3.8',
};
const HASHES: Record<string, HashName> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
interface SigAlg {
  kind: 'RSA' | 'PSS' | 'EC';
  /** The hash when the OID fixes one, else the signer's digestAlgorithm. */
  hash?: HashName;
}
const SIGALGS: Record<string, SigAlg> = {
  '1.2.840.113549.1.1.1': { kind: 'RSA' },
  '1.2.840.113549.1.1.10': { kind: 'PSS' },
  '1.2.840.113549.1.1.5': { kind: 'RSA', hash: 'SHA-1' },
  '1.2.840.10045.4.1': { kind: 'EC', hash: 'SHA-1' },
  '1.2.840.113549.1.1.11': { kind: 'RSA', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { kind: 'RSA', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { kind: 'RSA', hash: 'SHA-512' },
  '1.2.840.10045.2.1': { kind: 'EC' },
  '1.2.840.10045.4.3.2': { kind: 'EC', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { kind: 'EC', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { kind: 'EC', hash: 'SHA-512' },
};
const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 32 },
  '1.3.132.0.34': { name: 'P-384', size: 48 },
  '1.3.132.0.35': { name: 'P-521', size: 66 },
};

/** What the page prints of a token. */
export interface TokenFacts {
  hashAlg: string;
  /** Hex of the hash the token covers. */
  hashed: string;
  /** As openssl prints it: upper-case hex, no leading 00. */
  serial: string;
  /** "YYYY-MM-DD HH:MM:SS[.f] UTC" */
  genTime: string;
  /** The TSTInfo's own tsa field, when it has one. */
  tsaName: string | null;
}
export interface TokenCheck extends TokenFacts {
  cert: { subject: string; issuer: string; fingerprint: string };
  /** "CN (O)" of the signer's certificate: what a person calls the TSA. */
  tsa: string;
  chain: ChainCheck;
}
export interface ChainCheck {
  path: string[];
  anchor: { subject: string; issuer: string; selfSigned: boolean; fingerprint: string; given: boolean };
  /** Certificates whose signature uses an algorithm this check cannot verify. */
  unchecked: string[];
}

/** A reason the token does not verify, with its code in the package check's table, so verify.html words it in its language. */
export class TokenError extends Error {
  readonly word: PackageWord;
  constructor(code: PackageCode, params: PackageParams = {}) {
    super(wordPackage(code, params));
    this.word = { code, params };
  }
}

/** The signer's certificate is nowhere at hand: not a sign of alteration, and nothing vouches for the token. */
export class UnverifiableToken extends Error {
  readonly unverifiable = true;
  readonly tsa: TokenFacts;
  /** What the message says, for a page that words it in another language: whether the token carries certificates, whether any were given. */
  readonly reason: { carriesCerts: boolean; given: boolean } | null;
  constructor(message: string, tsa: TokenFacts, reason: { carriesCerts: boolean; given: boolean } | null = null) {
    super(message);
    this.tsa = tsa;
    this.reason = reason;
  }
}

// A Uint8Array over its own buffer, never a view into a larger one (WebCrypto reads a view's bytes only, yet be plain).
const own = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

/** GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" as "YYYY-MM-DD HH:MM:SS[.f] UTC". */
function genTimeText(body: Uint8Array): string {
  const s = new TextDecoder().decode(body);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([.,]\d+)?Z$/.exec(s);
  if (!m) throw new Error(`the time ${s} is not a UTC GeneralizedTime`);
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${m[7] ? `.${m[7].slice(1)}` : ''} UTC`;
}
/** "YYYY-MM-DD HH:MM:SS[.f] UTC" as epoch ms. */
export function genTimeMs(genTime: string): number {
  return Date.parse(genTime.replace(' UTC', 'Z').replace(' ', 'T'));
}

interface Pss {
  hash: string;
  mgf: string;
  saltLength: number;
  ok: boolean;
}
// RSASSA-PSS parameters (RFC 4055), defaults SHA-1 and salt 20; ok false when MGF1 uses another hash than the signature.
function pssParams(params: Tlv | undefined | null): Pss {
  const r = { hash: 'SHA-1', mgf: 'SHA-1', saltLength: 20 };
  if (params && params.tag === 0x30)
    for (const f of children(params.body)) {
      const inner = children(f.body)[0];
      if (!inner) continue;
      if (f.tag === 0xa0) r.hash = HASHES[oidToString(children(inner.body)[0]!.body)] ?? 'an unknown hash';
      if (f.tag === 0xa1) {
        const m = children(inner.body);
        r.mgf =
          m[0] && oidToString(m[0].body) === OID.mgf1 && m[1]
            ? (HASHES[oidToString(children(m[1].body)[0]!.body)] ?? 'an unknown hash')
            : 'an unknown function';
      }
      if (f.tag === 0xa2) {
        r.saltLength = 0;
        for (const x of inner.body) r.saltLength = r.saltLength * 256 + x;
      }
    }
  return { ...r, ok: r.hash === r.mgf && r.hash.startsWith('SHA') };
}

// DER ECDSA-Sig-Value (SEQUENCE of r, s) as the raw r||s the interface verifies.
function ecdsaRaw(sig: Uint8Array, size: number): Uint8Array {
  const rs = children(expectTag(readTlv(sig, 0), 0x30, 'an ECDSA signature').body);
  const out = new Uint8Array(2 * size);
  for (const k of [0, 1]) {
    let v = expectTag(rs[k], 0x02, 'an ECDSA signature').body;
    let j = 0;
    while (j < v.length - 1 && v[j] === 0) j++;
    v = v.subarray(j);
    if (v.length > size) throw new Error('the ECDSA signature does not fit the curve');
    out.set(v, (k + 1) * size - v.length);
  }
  return out;
}

// Verifies signature over data with the public key spki (a DER SubjectPublicKeyInfo element).
// true / false; throws when the key does not fit the algorithm.
async function verifyWith(
  c: EvidenceCrypto,
  spki: Tlv,
  sigAlg: SigAlg,
  hash: HashName,
  pss: Pss | null,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const keyAlg = children(children(spki.body)[0]!.body);
  const keyOid = oidToString(keyAlg[0]!.body);
  let scheme: SignatureScheme;
  let sig = signature;
  if (sigAlg.kind === 'RSA' && keyOid === OID.rsa) scheme = { name: 'RSASSA-PKCS1-v1_5', hash };
  else if (sigAlg.kind === 'PSS' && pss && (keyOid === OID.rsa || keyOid === OID.pss))
    scheme = { name: 'RSA-PSS', hash: pss.hash as HashName, saltLength: pss.saltLength };
  else if (sigAlg.kind === 'EC' && keyOid === OID.ec) {
    const curve = CURVES[keyAlg[1] ? oidToString(keyAlg[1].body) : ''];
    if (!curve) throw new Error("the key's curve is not supported here");
    scheme = { name: 'ECDSA', hash, namedCurve: curve.name };
    sig = ecdsaRaw(signature, curve.size);
  } else throw new Error("the signature algorithm does not match the certificate's key");
  return c.verify(own(spki.raw), scheme, own(sig), own(data));
}

interface Cert {
  raw: Uint8Array;
  serial: Uint8Array;
  issuerRaw: Uint8Array;
  issuer: string;
  subject: string;
  spki: Tlv;
  ski: Uint8Array | null;
}
// The certificate fields the signer lookup needs.
function certOf(c: Tlv): Cert {
  const tbs = children(expectTag(children(c.body)[0], 0x30, 'a certificate').body);
  const i = tbs[0] && tbs[0].tag === 0xa0 ? 1 : 0; // [0] version
  const serial = expectTag(tbs[i], 0x02, 'a certificate serial');
  const issuer = expectTag(tbs[i + 2], 0x30, 'a certificate issuer');
  const subject = expectTag(tbs[i + 4], 0x30, 'a certificate subject');
  const spki = expectTag(tbs[i + 5], 0x30, 'a certificate public key');
  let ski: Uint8Array | null = null;
  for (const t of tbs.slice(i + 6)) {
    if (t.tag !== 0xa3) continue;
    for (const ext of children(children(t.body)[0]!.body)) {
      const e = children(ext.body);
      if (oidToString(e[0]!.body) === OID.ski) ski = readTlv(e[e.length - 1]!.body, 0).body;
    }
  }
  return { raw: c.raw, serial: serial.body, issuerRaw: issuer.raw, issuer: nameToString(issuer), subject: nameToString(subject), spki, ski };
}

interface FullCert extends Cert {
  tbsRaw: Uint8Array;
  subjectRaw: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  sigAlgOid: string;
  sigAlgParams: Tlv | null;
  signature: Uint8Array;
  eku: string[] | null;
  ca: boolean;
}

// X.509 Time (UTCTime or GeneralizedTime, UTC) as a Date.
function x509Time(t: Tlv): Date {
  const s = new TextDecoder().decode(t.body);
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new Error(`the certificate time ${s} is not a UTC time`);
  let y = Number(m[1]);
  if (t.tag === 0x17) y += y < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
  return new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
const day = (d: Date): string => d.toISOString().slice(0, 10);

// Everything the chain walk needs of one certificate.
function fullCertOf(c: Tlv): FullCert {
  const info = certOf(c);
  const top = children(expectTag(c, 0x30, 'a certificate').body);
  const tbsEl = expectTag(top[0], 0x30, 'a certificate body');
  const tbs = children(tbsEl.body);
  const i = tbs[0] && tbs[0].tag === 0xa0 ? 1 : 0;
  const validity = children(expectTag(tbs[i + 3], 0x30, 'a certificate validity').body);
  const sigAlgKids = children(expectTag(top[1], 0x30, 'a certificate signature algorithm').body);
  const bits = expectTag(top[2], 0x03, 'a certificate signature').body;
  let eku: string[] | null = null;
  let ca = false;
  for (const t of tbs.slice(i + 6)) {
    if (t.tag !== 0xa3) continue;
    for (const ext of children(children(t.body)[0]!.body)) {
      const e = children(ext.body);
      const oid = oidToString(e[0]!.body);
      const value = readTlv(e[e.length - 1]!.body, 0);
      if (oid === OID.eku) eku = children(value.body).map((k) => oidToString(k.body));
      if (oid === OID.basicConstraints) {
        const bc = children(value.body);
        ca = !!(bc[0] && bc[0].tag === 0x01 && bc[0].body[0]);
      }
    }
  }
  return {
    ...info,
    tbsRaw: tbsEl.raw,
    subjectRaw: tbs[i + 4]!.raw,
    notBefore: x509Time(validity[0]!),
    notAfter: x509Time(validity[1]!),
    sigAlgOid: oidToString(sigAlgKids[0]!.body),
    sigAlgParams: sigAlgKids[1] ?? null,
    signature: bits.subarray(1), // the BIT STRING's unused-bits byte
    eku,
    ca,
  };
}

// true / false: cert is signed by issuer's key or not; null: not checkable here.
async function signedBy(c: EvidenceCrypto, issuer: FullCert, cert: FullCert): Promise<boolean | null> {
  const alg = SIGALGS[cert.sigAlgOid];
  if (!alg || (!alg.hash && alg.kind !== 'PSS')) return null;
  const pss = alg.kind === 'PSS' ? pssParams(cert.sigAlgParams) : null;
  if (pss && !pss.ok) return null;
  try {
    return await verifyWith(c, issuer.spki, alg, alg.hash ?? 'SHA-1', pss, cert.signature, cert.tbsRaw);
  } catch {
    return false; // a key or signature that does not even import, or an RSA signature on an EC key: not a valid signature
  }
}

function validAt(cert: FullCert, when: Date, what: PackageWord): void {
  if (when < cert.notBefore || when > cert.notAfter) {
    throw new TokenError('pkg-token-cert-not-valid', { what, subject: cert.subject, from: day(cert.notBefore), to: day(cert.notAfter) });
  }
}

/**
 * The chain above the TSA's certificate. certEls: every certificate in the token; added: those the
 * reviewer gave, issuers and anchors like the token's own.
 */
async function checkChain(c: EvidenceCrypto, signerRaw: Uint8Array, certEls: Tlv[], genTime: string, added: Tlv[]): Promise<ChainCheck> {
  const when = new Date(genTimeMs(genTime));
  const signer = fullCertOf(readTlv(signerRaw, 0));
  if (!signer.eku || !signer.eku.includes(OID.timeStamping)) throw new TokenError('pkg-token-not-timestamping', { subject: signer.subject });
  validAt(signer, when, pkgWord('pkg-token-tsa-cert'));
  const pool: FullCert[] = [];
  for (const el of [...certEls, ...added]) {
    try {
      pool.push(fullCertOf(el));
    } catch {
      // not a certificate this walk can read: not used
    }
  }
  const given = (x: FullCert): boolean => added.some((a) => bytesEqual(a.raw, x.raw));
  const path = [signer];
  const unchecked: string[] = [];
  let cur = signer;
  let selfSigned = false;
  for (let depth = 0; depth < 8; depth++) {
    if (bytesEqual(cur.issuerRaw, cur.subjectRaw)) {
      const ownSig = await signedBy(c, cur, cur);
      if (ownSig === false) throw new TokenError('pkg-token-root-not-self-signed', { subject: cur.subject });
      if (ownSig === null) unchecked.push(cur.subject);
      selfSigned = true;
      break;
    }
    // Of the certificates named as its issuer, the one that signed it (a same-named impostor in the
    // token must not hide the real one the reviewer gave).
    const at = cur;
    const named = pool.filter((p) => bytesEqual(p.subjectRaw, at.issuerRaw) && !bytesEqual(p.raw, at.raw));
    if (!named.length) break;
    let issuer: FullCert | null = null;
    let good: boolean | null = false;
    for (let i = 0; i < named.length && good !== true; i++) {
      const g = await signedBy(c, named[i]!, cur);
      if (g === true || (g === null && !issuer)) {
        issuer = named[i]!;
        good = g;
      }
    }
    if (!issuer) throw new TokenError('pkg-token-not-signed-by-issuer', { subject: cur.subject, issuer: named[0]!.subject });
    if (good === null) unchecked.push(cur.subject);
    if (!issuer.ca) throw new TokenError('pkg-token-issuer-not-ca', { issuer: issuer.subject, subject: cur.subject });
    validAt(issuer, when, pkgWord('pkg-token-issuing-cert'));
    path.push(issuer);
    cur = issuer;
  }
  return {
    path: path.map((x) => x.subject),
    anchor: {
      subject: cur.subject,
      issuer: cur.issuer,
      selfSigned,
      fingerprint: toHex(await c.digest('SHA-256', own(cur.raw))),
      given: path.some(given),
    },
    unchecked,
  };
}

/**
 * Checks a TimeStampResp: resolves to what the page prints, or rejects with an Error whose message
 * says in plain words what did not match (an UnverifiableToken when the signer's certificate is
 * nowhere at hand). wantSha256 null reads a token of other data (an anchor's, a public TSA's).
 */
export async function checkTimestampToken(
  c: EvidenceCrypto,
  tsr: Uint8Array | ArrayBuffer,
  wantSha256: string | null,
  addedCerts: Uint8Array[] = [],
): Promise<TokenCheck> {
  try {
    return await checkToken(c, new Uint8Array(tsr), wantSha256, addedCerts);
  } catch (e) {
    // A damaged token can leave a piece missing where the walk expects one: say so, not "undefined".
    if (e instanceof TypeError || e instanceof RangeError) throw new TokenError('pkg-token-damaged', { detail: e.message });
    throw e;
  }
}

/** The parts of a TimeStampToken (CMS ContentInfo) both checks read; views of the same kind as the input. */
export interface TokenStructure<B extends Uint8Array> {
  signedData: Tlv<B>[];
  /** The TSTInfo's DER: what the signed messageDigest covers. */
  eContent: B;
  policy: string;
  hashOid: string;
  hashed: B;
  /** The serial number INTEGER's bytes. */
  serial: B;
  /** The GeneralizedTime's bytes. */
  genTime: B;
  nonce: B | null;
  /** The TSTInfo's own tsa field, when it has one. */
  tsaName: string | null;
}

/**
 * The token parser of both checks (verify.html here, the engine in evidence/tsa.ts): ContentInfo →
 * SignedData → TSTInfo. Throws "DER: expected …" or a plain reason when a piece is not what RFC 3161 says.
 */
export function readTimestampToken<B extends Uint8Array>(contentInfo: Tlv<B> | undefined): TokenStructure<B> {
  const ci = children(expectTag(contentInfo, 0x30, 'a TimeStampToken').body);
  if (oidToString(expectTag(ci[0], 0x06, 'a content type').body) !== OID.signedData) throw new Error('the token is not CMS SignedData');
  const signedData = children(expectTag(children(expectTag(ci[1], 0xa0, 'the SignedData').body)[0], 0x30, 'the SignedData').body);
  const encap = children(expectTag(signedData[2], 0x30, 'the encapsulated content').body);
  if (oidToString(expectTag(encap[0], 0x06, 'a content type').body) !== OID.tstInfo) throw new Error('the token does not hold a TSTInfo');
  const eContent = expectTag(children(expectTag(encap[1], 0xa0, 'the TSTInfo').body)[0], 0x04, 'the TSTInfo octets').body;
  const tstTop = readTlv(eContent, 0);
  if (tstTop.end !== eContent.length) throw new Error('extra bytes after the TSTInfo');
  const tst = children(expectTag(tstTop, 0x30, 'the TSTInfo').body);
  const imprint = children(expectTag(tst[2], 0x30, 'the message imprint').body);
  let nonce: B | null = null;
  let tsaName: string | null = null;
  for (const t of tst.slice(5)) {
    if (t.tag === 0x02) nonce = t.body;
    if (t.tag !== 0xa0) continue;
    const gn = children(t.body)[0];
    tsaName = gn && gn.tag === 0xa4 ? nameToString(children(gn.body)[0]!) : gn ? new TextDecoder().decode(gn.body) : null;
  }
  return {
    signedData,
    eContent,
    policy: oidToString(expectTag(tst[1], 0x06, 'the policy').body),
    hashOid: oidToString(expectTag(children(expectTag(imprint[0], 0x30, 'the imprint algorithm').body)[0], 0x06, 'the imprint algorithm').body),
    hashed: expectTag(imprint[1], 0x04, 'the hashed message').body,
    serial: expectTag(tst[3], 0x02, 'the token serial number').body,
    genTime: expectTag(tst[4], 0x18, 'the time (genTime)').body,
    nonce,
    tsaName,
  };
}

interface Parts {
  eContent: Uint8Array;
  certs: Tlv[];
  sid: Tlv | undefined;
  digestAlg: HashName | undefined;
  signedAttrs: Tlv | null;
  sigAlg: SigAlg | undefined;
  pss: Pss | null;
  signature: Uint8Array;
}

async function checkToken(c: EvidenceCrypto, der: Uint8Array, wantSha256: string | null, addedCerts: Uint8Array[]): Promise<TokenCheck> {
  let top;
  try {
    top = readTlv(der, 0);
  } catch (e) {
    throw new TokenError('pkg-token-not-reply', { detail: (e as Error).message.replace(/^DER: /, '') });
  }
  if (top.end !== der.length) throw new TokenError('pkg-token-extra-bytes');
  let facts: TokenFacts;
  let parts: Parts;
  try {
    const resp = children(expectTag(top, 0x30, 'a TimeStampResp').body);
    const statusInfo = children(expectTag(resp[0], 0x30, 'the reply status').body);
    const status = expectTag(statusInfo[0], 0x02, 'the reply status').body;
    if (status.length !== 1 || status[0]! > 1) throw new Error(`the TSA did not grant this timestamp (status ${toHex(status)})`);
    const tok = readTimestampToken(resp[1]);
    const sd = tok.signedData;
    const eContent = tok.eContent;
    facts = {
      hashAlg: HASHES[tok.hashOid] ?? 'an unknown hash',
      hashed: toHex(tok.hashed),
      serial: serialHex(tok.serial), // as openssl prints it
      genTime: genTimeText(tok.genTime),
      tsaName: tok.tsaName,
    };
    const certs: Tlv[] = [];
    for (const t of sd) if (t.tag === 0xa0) for (const x of children(t.body)) if (x.tag === 0x30) certs.push(x);
    const signerInfos = expectTag(sd[sd.length - 1], 0x31, 'the signer infos');
    const si = children(expectTag(children(signerInfos.body)[0], 0x30, 'a signer info').body);
    let k = 1;
    const sid = si[k++];
    const digestAlg = HASHES[oidToString(children(expectTag(si[k++], 0x30, "the signer's digest algorithm").body)[0]!.body)];
    const signedAttrs = si[k] && si[k]!.tag === 0xa0 ? si[k++]! : null;
    const sigAlgKids = children(expectTag(si[k++], 0x30, 'the signature algorithm').body);
    const sigAlg = SIGALGS[oidToString(sigAlgKids[0]!.body)];
    const pss = sigAlg && sigAlg.kind === 'PSS' ? pssParams(sigAlgKids[1]) : null;
    const signature = expectTag(si[k], 0x04, 'the signature').body;
    parts = { eContent, certs, sid, digestAlg, signedAttrs, sigAlg, pss, signature };
  } catch (e) {
    throw new TokenError('pkg-token-unparsable', { detail: (e as Error).message.replace(/^DER: /, '') });
  }

  // 1. What the token covers must be this recording.
  if (wantSha256 !== null) {
    if (facts.hashAlg !== 'SHA-256') throw new TokenError('pkg-token-other-hash-alg', { alg: facts.hashAlg });
    if (facts.hashed !== String(wantSha256).toLowerCase()) throw new TokenError('pkg-token-other-file', { hashed: facts.hashed, want: wantSha256 });
  }

  // 2. The signer's certificate, as the SignerInfo names it (issuer and serial, or subject key
  // identifier), in the token or among the certificates the reviewer gave; never "the first one".
  const added: Tlv[] = [];
  for (const d of addedCerts) {
    try {
      added.push(readTlv(new Uint8Array(d), 0));
    } catch {
      // not DER: not used
    }
  }
  const candidates = [...parts.certs, ...added];
  let cert: Cert | null = null;
  for (let i = 0; i < candidates.length && !cert; i++) {
    let cand: Cert;
    try {
      cand = certOf(candidates[i]!);
    } catch {
      continue;
    }
    if (namesSigner(parts.sid, { issuerRaw: cand.issuerRaw, serial: serialHex(cand.serial), ski: cand.ski })) cert = cand;
  }
  if (!cert) {
    throw new UnverifiableToken(
      `it is unverifiable without the TSA's certificate (${parts.certs.length ? 'the token does not carry the certificate of its signer' : 'the token carries no certificate of its TSA'}${
        added.length ? ', and none of the certificates given matches it' : ', and none was given'
      }). That is not a sign it was altered: give the TSA's certificate (a .pem, .crt or .cer file) with the package to check it`,
      facts,
      { carriesCerts: parts.certs.length > 0, given: added.length > 0 },
    );
  }
  const cn = namePart(cert.subject, 'CN');
  const org = namePart(cert.subject, 'O');
  const out: TokenCheck = {
    ...facts,
    cert: { subject: cert.subject, issuer: cert.issuer, fingerprint: toHex(await c.digest('SHA-256', own(cert.raw))) },
    tsa: cn && org ? `${cn} (${org})` : cn || org || cert.subject || 'an unnamed TSA',
    chain: { path: [], anchor: { subject: '', issuer: '', selfSigned: false, fingerprint: '', given: false }, unchecked: [] },
  };

  // 3. The signed attributes: the token's type and the digest of exactly this TSTInfo.
  if (!parts.digestAlg) throw new Error("the token's signature uses an unsupported digest");
  if (!parts.signedAttrs) throw new Error('the token has no signed attributes');
  let contentTypeOk = false;
  let md: Uint8Array | null = null;
  let essOk = true;
  const certDigests: Partial<Record<HashName, Uint8Array>> = {};
  for (const attr of children(parts.signedAttrs.body)) {
    const kv = children(attr.body);
    const type = oidToString(kv[0]!.body);
    const val = children(expectTag(kv[1], 0x31, 'an attribute value').body)[0]!;
    if (type === OID.contentType) contentTypeOk = oidToString(val.body) === OID.tstInfo;
    else if (type === OID.messageDigest) md = expectTag(val, 0x04, 'the message digest').body;
    else if (type === OID.signingCertV2 || type === OID.signingCert) {
      // ESS: the token names the hash of its signer's certificate; a swapped certificate with the same key fails here.
      const first = children(children(val.body)[0]!.body)[0]!;
      const f = children(first.body);
      let alg: HashName | undefined = 'SHA-1';
      let h: Uint8Array;
      if (type === OID.signingCertV2) {
        if (f[0]!.tag === 0x30) {
          alg = HASHES[oidToString(children(f[0]!.body)[0]!.body)];
          h = f[1]!.body;
        } else {
          alg = 'SHA-256';
          h = f[0]!.body;
        }
      } else h = f[0]!.body;
      if (alg) {
        const d = (certDigests[alg] ??= await c.digest(alg, own(cert.raw)));
        if (!bytesEqual(d, h)) essOk = false;
      }
    }
  }
  if (!contentTypeOk) throw new Error('the signed content type is not a TSTInfo');
  if (!md) throw new Error('the token has no signed message digest');
  const tstDigest = await c.digest(parts.digestAlg, own(parts.eContent));
  if (!bytesEqual(md, tstDigest)) throw new TokenError('pkg-token-tstinfo-changed');
  if (!essOk) throw new TokenError('pkg-token-other-signer');

  // 4. The TSA's signature over the signed attributes, re-tagged as SET OF (RFC 5652, 5.4).
  if (!parts.sigAlg) throw new Error("the token's signature algorithm is not supported here (RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA are)");
  if (parts.pss && !parts.pss.ok) throw new Error("the token's RSASSA-PSS parameters are not supported here");
  const signedBytes = own(parts.signedAttrs.raw);
  signedBytes[0] = 0x31;
  let valid: boolean;
  try {
    valid = await verifyWith(c, cert.spki, parts.sigAlg, parts.sigAlg.hash ?? parts.digestAlg, parts.pss, parts.signature, signedBytes);
  } catch (e) {
    throw new Error(`the token's signature cannot be checked: ${(e as Error).message}`);
  }
  if (!valid) throw new TokenError('pkg-token-signature-invalid');

  // 5. The TSA's certificate and the chain above it, as far as the token carries it.
  out.chain = await checkChain(c, cert.raw, parts.certs, out.genTime, added);
  return out;
}

/**
 * Whether a certificate is the one a SignerInfo's sid names (RFC 5652 5.3): by issuer and serial
 * (serial as serialHex prints it), or by subject key identifier. Never "the first certificate":
 * tokens list theirs in any order. The engine finds its signer the same way (evidence/tsa.ts).
 */
export function namesSigner(sid: Tlv | undefined, cert: { issuerRaw: Uint8Array; serial: string; ski: Uint8Array | null }): boolean {
  if (sid?.tag === 0x30) {
    const [issuer, serial] = children(sid.body);
    return !!issuer && !!serial && bytesEqual(issuer.raw, cert.issuerRaw) && serialHex(serial.body) === cert.serial;
  }
  return sid?.tag === 0x80 && !!cert.ski && bytesEqual(sid.body, cert.ski);
}

/** The TSA certificates a reviewer gives with the package: .pem, .crt, .cer or .der files other than station.pem (a PEM file may hold a whole chain). */
export function givenCertDers(files: ReadonlyMap<string, Uint8Array>): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const [name, bytes] of files) {
    if (!isCertName(name)) continue;
    const blocks = new TextDecoder('latin1').decode(bytes).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    if (!blocks) {
      if (bytes[0] === 0x30) out.push(bytes);
      continue;
    }
    for (const b of blocks) out.push(base64Bytes(b.replace(/-----[A-Z ]+-----|\s/g, '')));
  }
  return out;
}

/** A certificate file given beside the package (a TSA's, to check its tokens); station.pem is the station's key. */
export function isCertName(name: string): boolean {
  return /\.(pem|crt|cer|der)$/i.test(name) && name !== 'station.pem';
}

export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(String(b64).replace(/\s+/g, ''));
  const a = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
  return a;
}

// Whose time a timestamp token carries: the TSA certificate that signed it (found by the
// SignerInfo's issuer-and-serial or subject key identifier, in the token or among the certificates
// the user added), that it is a timestamping certificate valid at the stated time, that each
// certificate above it is a CA that really signed the one below, and where that chain ends (its
// anchor): one of the publicly trusted roots Node ships (`tls.rootCertificates`, Mozilla's list), a
// certificate the user added (Settings → TSA certificates, `verify --tsa-cert FILE`), or a root
// that is not a known one, named with its SHA-256 fingerprint for the reviewer to compare.
// verify.html runs the same checks in the browser (shared/evidence/tsaToken.ts).
import { createHash, X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { PwError } from '../../../shared/contract.ts';
import { nameToString, serialHex } from '../../../shared/evidence/der.ts';
import { children, oidToString, readTlv } from './der.ts';

const OID_SKI = '2.5.29.14';
const OID_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

// Names, directory strings and serials read as verify.html reads them (one reader: shared/evidence/der.ts).
export { derString, nameToString, serialHex } from '../../../shared/evidence/der.ts';

export interface CertInfo {
  x509: X509Certificate;
  raw: Buffer;
  subject: string;
  issuer: string;
  subjectRaw: Buffer;
  issuerRaw: Buffer;
  serial: string;
  ski: Buffer | null;
  fingerprint: string;
}

/** Reads one DER certificate; null when it is not one (an attribute certificate, junk). */
export function readCert(raw: Buffer): CertInfo | null {
  try {
    const x509 = new X509Certificate(raw);
    const tbs = children(children(readTlv(raw).body)[0]!.body);
    const i = tbs[0]?.tag === 0xa0 ? 1 : 0;
    let ski: Buffer | null = null;
    for (const t of tbs.slice(i + 6)) {
      if (t.tag !== 0xa3) continue;
      for (const ext of children(children(t.body)[0]!.body)) {
        const e = children(ext.body);
        if (oidToString(e[0]!.body) === OID_SKI) ski = Buffer.from(readTlv(e[e.length - 1]!.body).body);
      }
    }
    return {
      x509,
      raw: Buffer.from(raw),
      subject: nameToString(tbs[i + 4]!),
      issuer: nameToString(tbs[i + 2]!),
      subjectRaw: Buffer.from(tbs[i + 4]!.raw),
      issuerRaw: Buffer.from(tbs[i + 2]!.raw),
      serial: serialHex(tbs[i]!.body),
      ski,
      fingerprint: createHash('sha256').update(raw).digest('hex'),
    };
  } catch {
    return null;
  }
}

/** Every certificate in PEM text (one file may hold a whole chain); DER when no PEM block is found. */
export function certsFromFile(bytes: Buffer): CertInfo[] {
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  const ders = blocks ? blocks.map((b) => Buffer.from(b.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64')) : [bytes];
  return ders.map(readCert).filter((c): c is CertInfo => c !== null);
}

let publicRoots: Map<string, CertInfo> | null = null;
/** Node's bundled root list (Mozilla's, as browsers and most systems trust), by fingerprint. */
function roots(): Map<string, CertInfo> {
  if (!publicRoots) {
    publicRoots = new Map();
    for (const pem of tls.rootCertificates) for (const c of certsFromFile(Buffer.from(pem))) publicRoots.set(c.fingerprint, c);
  }
  return publicRoots;
}

export type AnchorKind = 'public' | 'added' | 'unknown';
export interface Anchor {
  kind: AnchorKind;
  subject: string;
  fingerprint: string;
  selfSigned: boolean;
  /** Who issued it, when it is not self-signed and its issuer is not at hand. */
  issuer: string;
}

export interface ChainResult {
  /** Subjects from the TSA certificate up to the anchor. */
  path: string[];
  anchor: Anchor;
}

const validAt = (c: CertInfo, at: number): boolean => at >= Date.parse(c.x509.validFrom) && at <= Date.parse(c.x509.validTo);
const day = (s: string): string => new Date(Date.parse(s)).toISOString().slice(0, 10);

function signedBy(cert: CertInfo, issuer: CertInfo): boolean {
  try {
    return cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/**
 * The chain above the TSA's certificate, as verify.html walks it; throws with a plain reason when
 * the certificate is no timestamping one, a certificate was not valid at `at`, or an issuer did not
 * sign or is no CA. `carried` are the token's certificates, `added` the user's.
 */
export function checkTsaChain(signer: CertInfo, carried: CertInfo[], added: CertInfo[], at: number): ChainResult {
  if (!(signer.x509.keyUsage ?? []).includes(OID_TIME_STAMPING)) {
    throw new Error(`the TSA's certificate (${signer.subject}) is not a timestamping certificate: it lacks the timeStamping extended key usage`);
  }
  if (!validAt(signer, at)) {
    throw new Error(
      `the TSA's certificate (${signer.subject}) was not valid at the time the token states: valid from ${day(signer.x509.validFrom)} to ${day(signer.x509.validTo)}`,
    );
  }
  const addedFps = new Set(added.map((c) => c.fingerprint));
  const pool = [...carried, ...added, ...roots().values()];
  const path = [signer];
  let cur = signer;
  let selfSigned = false;
  for (let depth = 0; depth < 8; depth++) {
    if (cur.issuerRaw.equals(cur.subjectRaw)) {
      if (!signedBy(cur, cur)) throw new Error(`the root certificate ${cur.subject} is not signed by its own key`);
      selfSigned = true;
      break;
    }
    if (roots().has(cur.fingerprint)) break; // a publicly trusted CA that is not self-signed (cross-signed): the chain ends here
    const named = pool.filter((p) => p.subjectRaw.equals(cur.issuerRaw) && !p.raw.equals(cur.raw));
    if (named.length === 0) break;
    const issuer = named.find((p) => signedBy(cur, p));
    if (!issuer) throw new Error(`the certificate ${cur.subject} is NOT signed by ${named[0]!.subject}, the issuer certificate at hand`);
    if (!issuer.x509.ca) throw new Error(`${issuer.subject} issued ${cur.subject} but is not a CA certificate`);
    if (!validAt(issuer, at)) {
      throw new Error(
        `the issuing certificate (${issuer.subject}) was not valid at the time the token states: valid from ${day(issuer.x509.validFrom)} to ${day(issuer.x509.validTo)}`,
      );
    }
    path.push(issuer);
    cur = issuer;
  }
  const kind: AnchorKind = roots().has(cur.fingerprint) ? 'public' : addedFps.has(cur.fingerprint) ? 'added' : 'unknown';
  // A chain that ends at an unknown root may still pass through a certificate the user added: that one vouches.
  const vouching = kind === 'unknown' ? path.find((c) => addedFps.has(c.fingerprint)) : undefined;
  const top = vouching ?? cur;
  return {
    path: path.map((c) => c.subject),
    anchor: {
      kind: vouching ? 'added' : kind,
      subject: top.subject,
      fingerprint: top.fingerprint,
      selfSigned: vouching ? false : selfSigned,
      issuer: top.issuer,
    },
  };
}

const cnOf = (name: string): string => /(?:^|, )CN=([^,]+)/.exec(name)?.[1] ?? name;

/** How a verdict names the anchor: "…, a publicly trusted root" and so on (verify.html says the same). */
export function anchorText(a: Anchor): string {
  if (a.kind === 'public') return `${cnOf(a.subject)}, a publicly trusted root`;
  if (a.kind === 'added') return `${cnOf(a.subject)}, a certificate you added`;
  const what = a.selfSigned ? cnOf(a.subject) : `${cnOf(a.subject)} (issued by ${cnOf(a.issuer)}, whose certificate is not at hand)`;
  return `${what}, not a known root (SHA-256 fingerprint ${a.fingerprint}): compare it with the one the TSA publishes, or add the TSA's root certificate to check it`;
}

/**
 * The Settings list of TSA certificates, checked when saved: each entry one readable certificate
 * in PEM (a pasted chain is split into its certificates), duplicates dropped.
 */
export function checkTsaCertsSetting(pems: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [n, pem] of pems.entries()) {
    const certs = certsFromFile(Buffer.from(pem));
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    if (certs.length === 0 || certs.length !== blocks.length)
      throw new PwError('bad-input', `TSA certificate ${n + 1}: not a readable X.509 certificate in PEM`);
    for (const c of certs) {
      if (seen.has(c.fingerprint)) continue;
      seen.add(c.fingerprint);
      out.push(c.x509.toString().trim());
    }
  }
  if (out.length > 20) throw new PwError('bad-input', `At most 20 TSA certificates (${out.length} given)`);
  return out;
}

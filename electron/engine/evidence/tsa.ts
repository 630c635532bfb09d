// RFC 3161 trusted timestamps without the openssl binary: build the TimeStampReq DER, POST it to a
// TSA, and read back what a reviewer will see (the TSA's time and name), checking that the token
// really covers our hash, that its CMS signature holds against its signer's certificate and whose
// time it is (the chain above that certificate and where it ends: tsaTrust.ts).
import { constants, createHash, randomBytes, verify as cryptoVerify } from 'node:crypto';
import { bool, children, expectTag, int, nullValue, octets, oid, oidToString, parseGeneralizedTime, readTlv, seq, uintFromBytes, type Tlv } from './der.ts';
import { checkTsaChain, readCert, serialHex, type Anchor, type CertInfo } from './tsaTrust.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { requestSignal } from '../requestSignal.ts';
import { namesSigner, readTimestampToken } from '../../../shared/evidence/tsaToken.ts';

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export interface TimestampRequest {
  der: Buffer;
  nonce: Buffer;
}

/** TimeStampReq for a SHA-256 hash, asking for the TSA certificate so `-CAfile` alone verifies. */
export function buildTimestampRequest(sha256Hex: string, nonce: Buffer = randomBytes(8)): TimestampRequest {
  if (!/^[0-9a-f]{64}$/i.test(sha256Hex)) throw new Error('a timestamp needs a SHA-256 hash (64 hex digits)');
  const messageImprint = seq(seq(oid(OID_SHA256), nullValue()), octets(Buffer.from(sha256Hex, 'hex')));
  const der = seq(int(1), messageImprint, uintFromBytes(nonce), bool(true));
  return { der, nonce };
}

export interface TimestampInfo {
  /** The TSA's time (genTime), epoch ms. */
  time: number;
  /** The TSA's name: its `tsa` field, else the signing certificate's subject. */
  name: string;
  hashAlgorithm: string;
  /** Hex of the hash the token covers. */
  hashedMessage: string;
  nonce: string | null;
  /** The token's serial number as openssl prints it (upper-case hex, no leading 00). */
  serial: string;
  policy: string;
  /** The TimeStampToken (CMS ContentInfo) DER inside the response. */
  token: Buffer;
  /** trust.status === 'valid': the signature holds, and so does the chain above its certificate. */
  signatureValid: boolean;
  signerSubject: string | null;
  trust: TokenTrust;
}

/** The CN of a "C=.., O=.., CN=.." string, else the whole string: what a person calls the TSA. */
export function shortTsaName(full: string): string {
  const cn = /(?:^|[,\n]\s*)CN=([^,\n]+)/.exec(full);
  return (cn?.[1] ?? full).trim();
}

export interface TrustOptions {
  /** TSA certificates the user added (Settings, `verify --tsa-cert`): signers and anchors. */
  addedCerts?: CertInfo[];
}

/** What the engine found about who signed a token and whether that holds. */
export interface TokenTrust {
  /**
   * valid: signed by a timestamping certificate whose chain holds (anchor says how far);
   * invalid: something signed was changed or the certificates do not hold (reason);
   * unverifiable: the signer's certificate is neither in the token nor added, so nothing can be said.
   */
  status: 'valid' | 'invalid' | 'unverifiable';
  reason: string | null;
  signer: { subject: string; issuer: string; serial: string; fingerprint: string } | null;
  path: string[];
  anchor: Anchor | null;
}

// Signature algorithms: the hash when the OID fixes one; rsaEncryption and ecPublicKey take the
// SignerInfo's digest algorithm.
const SIG_HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.1': null,
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.2.1': null,
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_SIGNING_CERT = '1.2.840.113549.1.9.16.2.12';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';

/** RSASSA-PSS parameters (RFC 4055): hash, MGF1 hash and salt length, with their SHA-1/20 defaults. */
function pssParams(params: Tlv | undefined): { hash: string; mgfHash: string; saltLength: number } {
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  for (const f of params && params.tag === 0x30 ? children(params.body) : []) {
    const inner = children(f.body)[0];
    if (!inner) continue;
    if (f.tag === 0xa0) hash = DIGESTS[oidToString(children(inner.body)[0]!.body)] ?? 'unknown';
    if (f.tag === 0xa1) {
      const [mgf, mgfParams] = children(inner.body);
      mgfHash = mgf && oidToString(mgf.body) === OID_MGF1 && mgfParams ? (DIGESTS[oidToString(children(mgfParams.body)[0]!.body)] ?? 'unknown') : 'unknown';
    }
    if (f.tag === 0xa2) saltLength = inner.body.readUIntBE(0, Math.min(6, inner.body.length));
  }
  return { hash, mgfHash, saltLength };
}

function attrValue(attrs: Tlv[], oidWanted: string): Tlv | undefined {
  const a = attrs.find((x) => oidToString(children(x.body)[0]!.body) === oidWanted);
  return a ? children(children(a.body)[1]!.body)[0] : undefined;
}

/** The signer, the signature and the certificates above it: the same checks verify.html makes. */
function verifySignedData(signedData: Tlv[], eContent: Buffer, genTime: number, added: CertInfo[]): TokenTrust {
  const fail = (status: TokenTrust['status'], reason: string, signer: CertInfo | null = null): TokenTrust => ({
    status,
    reason,
    signer: signer && { subject: signer.subject, issuer: signer.issuer, serial: signer.serial, fingerprint: signer.fingerprint },
    path: [],
    anchor: null,
  });
  const certsTlv = signedData.find((t) => t.tag === 0xa0);
  const signerInfos = signedData[signedData.length - 1];
  if (!signerInfos || signerInfos.tag !== 0x31) return fail('invalid', 'it has no signer');
  const carried: CertInfo[] = [];
  for (const c of certsTlv ? children(certsTlv.body) : []) {
    const info = c.tag === 0x30 ? readCert(c.raw) : null;
    if (info) carried.push(info);
  }
  const signerInfo = children(signerInfos.body)[0];
  if (!signerInfo) return fail('invalid', 'it has no signer');
  const f = children(signerInfo.body);
  const sid = f[1];
  const digestAlg = f[2];
  let i = 3;
  const signedAttrs = f[i]?.tag === 0xa0 ? f[i++] : undefined;
  const sigAlg = f[i++];
  const signature = f[i];
  if (!sid || !digestAlg || !sigAlg || !signature) return fail('invalid', 'its signer info is incomplete');

  // The signer, as the SignerInfo names it (RFC 5652 5.3): by issuer and serial, or by the
  // certificate's subject key identifier. Never "the first certificate": tokens list theirs in any order.
  const matches = (c: CertInfo): boolean => namesSigner(sid, c);
  const cert = carried.find(matches) ?? added.find(matches);
  if (!cert) {
    return fail(
      'unverifiable',
      carried.length === 0
        ? 'the token carries no certificate of its TSA, and no TSA certificate was added to check it'
        : 'the token does not carry the certificate of its signer, and no added TSA certificate matches it',
    );
  }

  const hashName = DIGESTS[oidToString(children(digestAlg.body)[0]!.body)];
  if (!hashName) return fail('unverifiable', "the token's signature uses a digest this checker does not know", cert);
  if (!signedAttrs) return fail('invalid', 'the token has no signed attributes', cert);
  const attrs = children(signedAttrs.body);
  const ct = attrValue(attrs, OID_CONTENT_TYPE);
  if (!ct || oidToString(ct.body) !== OID_TST_INFO) return fail('invalid', 'the signed content type is not a TSTInfo: it was altered', cert);
  // The messageDigest attribute must be the digest of the TSTInfo, and the signature covers the
  // attributes re-tagged as a SET (RFC 5652 5.4).
  const md = attrValue(attrs, OID_MESSAGE_DIGEST);
  if (!md || !md.body.equals(createHash(hashName).update(eContent).digest())) {
    return fail('invalid', 'the TSTInfo (time, hash, serial) was changed after signing: it was altered', cert);
  }
  // ESS signing certificate (v1: SHA-1; v2: SHA-256 unless named): the hash of the signer's certificate.
  for (const [attrOid, v2] of [
    [OID_SIGNING_CERT, false],
    [OID_SIGNING_CERT_V2, true],
  ] as const) {
    const v = attrValue(attrs, attrOid);
    if (!v) continue;
    const first = children(children(v.body)[0]!.body)[0];
    const fields = first ? children(first.body) : [];
    let alg = 'sha1';
    let want = fields[0]?.body;
    if (v2 && fields[0]?.tag === 0x30) {
      alg = DIGESTS[oidToString(children(fields[0].body)[0]!.body)] ?? '';
      want = fields[1]?.body;
    } else if (v2) alg = 'sha256';
    if (alg && want && !createHash(alg).update(cert.raw).digest().equals(want)) {
      return fail('invalid', 'the token names another signing certificate than the one that signs it', cert);
    }
  }
  const toVerify = Buffer.concat([Buffer.from([0x31]), signedAttrs.raw.subarray(1)]);
  const sigOid = oidToString(children(sigAlg.body)[0]!.body);
  let valid: boolean;
  try {
    if (sigOid === OID_RSA_PSS) {
      const p = pssParams(children(sigAlg.body)[1]);
      // Node's PSS uses MGF1 with the signature's own hash, as every TSA we know does.
      if (p.hash === 'unknown' || p.mgfHash !== p.hash) return fail('unverifiable', "the token's RSASSA-PSS parameters are not supported here", cert);
      valid = cryptoVerify(p.hash, toVerify, { key: cert.x509.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: p.saltLength }, signature.body);
    } else {
      if (!(sigOid in SIG_HASHES)) return fail('unverifiable', `the token's signature algorithm (${sigOid}) is not supported here`, cert);
      valid = cryptoVerify(SIG_HASHES[sigOid] ?? hashName, toVerify, cert.x509.publicKey, signature.body);
    }
  } catch {
    valid = false;
  }
  if (!valid) return fail('invalid', "the TSA's signature over the token does not hold: it was altered", cert);
  try {
    const chain = checkTsaChain(cert, carried, added, genTime);
    return { ...fail('valid', '', cert), reason: null, path: chain.path, anchor: chain.anchor };
  } catch (err) {
    return fail('invalid', errorMessage(err), cert);
  }
}

/** Reads a TimeStampToken (CMS ContentInfo DER). Throws with a readable reason when it is not one. */
export function parseTimestampToken(token: Buffer, opts: TrustOptions = {}): TimestampInfo {
  // The token parser verify.html runs too (shared/evidence/tsaToken.ts); the checks of its signature
  // and certificates below use Node's X.509 and know the public roots.
  const ci = readTlv(token);
  const tok = readTimestampToken(ci);
  const sd = tok.signedData;
  const eContent = tok.eContent;
  const policy = tok.policy;
  const hashOid = tok.hashOid;
  const serial = serialHex(tok.serial);
  const time = parseGeneralizedTime(tok.genTime);
  const nonce = tok.nonce ? tok.nonce.toString('hex').replace(/^(00)+(?=.)/, '') : null;
  const tsaName = tok.tsaName;
  const trust = verifySignedData(sd, eContent, time, opts.addedCerts ?? []);
  // The name the signature vouches for: the signer certificate's subject; the TSTInfo's own tsa
  // field only when the signer is not at hand.
  const name = trust.signer?.subject ?? tsaName ?? 'unnamed TSA';
  return {
    time,
    name,
    hashAlgorithm: DIGESTS[hashOid] ?? hashOid,
    hashedMessage: tok.hashed.toString('hex'),
    nonce,
    serial,
    policy,
    token: ci.raw,
    signatureValid: trust.status === 'valid',
    signerSubject: trust.signer?.subject ?? null,
    trust,
  };
}

/** Reads a TimeStampResp: the token when granted, else an error saying what the TSA answered. */
export function parseTimestampResponse(der: Buffer, opts: TrustOptions = {}): TimestampInfo {
  const resp = children(expectTag(readTlv(der), 0x30, 'a TimeStampResp').body);
  const statusInfo = children(expectTag(resp[0], 0x30, 'PKIStatusInfo').body);
  const status = expectTag(statusInfo[0], 0x02, 'status').body.readUIntBE(0, Math.min(6, statusInfo[0]!.body.length));
  if (status !== 0 && status !== 1) {
    const text =
      statusInfo[1]?.tag === 0x30
        ? children(statusInfo[1].body)
            .map((s) => s.body.toString('utf8'))
            .join('; ')
        : '';
    throw new Error(`the TSA refused (status ${status}${text ? `: ${text}` : ''})`);
  }
  if (!resp[1]) throw new Error('the TSA granted but sent no token');
  return parseTimestampToken(resp[1].raw, opts);
}

/** Checks a response against what we asked for; returns the parsed info or throws why not. */
export function checkResponse(der: Buffer, sha256Hex: string, nonce: Buffer | null): TimestampInfo {
  const info = parseTimestampResponse(der);
  if (info.hashAlgorithm !== 'sha256' || info.hashedMessage !== sha256Hex.toLowerCase()) {
    throw new Error('the token covers a different hash than the clip');
  }
  if (nonce && info.nonce !== nonce.toString('hex').replace(/^(00)+(?=.)/, '')) throw new Error('the token answers another request (nonce differs)');
  // A token that cannot be checked yet (no certificate of its TSA) is kept: adding the TSA's
  // certificate later checks it. One whose signature or certificates do not hold is refused.
  if (info.trust.status === 'invalid') throw new Error(`the token does not hold: ${info.trust.reason}`);
  return info;
}

/** One request to one TSA; throws on network errors, HTTP errors and bad answers. */
export async function requestTimestamp(
  url: string,
  sha256Hex: string,
  timeoutMs = 20_000,
  abort?: AbortSignal,
): Promise<{ response: Buffer; info: TimestampInfo }> {
  const req = buildTimestampRequest(sha256Hex);
  // The timeout covers reading the answer too; `abort` lives as long as the queue (requestSignal.ts).
  const signal = requestSignal(timeoutMs, abort);
  let response: Buffer;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(req.der), // a plain view: fetch's types take no Buffer
      signal: signal.signal,
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
    response = Buffer.from(await res.arrayBuffer());
  } finally {
    signal.release();
  }
  if (response.length > 1 << 20) throw new Error(`the answer of ${url} is too large to be a timestamp`);
  return { response, info: checkResponse(response, sha256Hex, req.nonce) };
}

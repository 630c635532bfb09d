// RFC 3161 trusted timestamps without the openssl binary: build the TimeStampReq DER, POST it to a
// TSA, and read back what a reviewer will see (the TSA's time and name), checking that the token
// really covers our hash and that its CMS signature holds against the certificate it carries.
// Trust in the TSA itself (its CA) is the reviewer's call: `openssl ts -verify -CAfile TSA-CA.pem`.
import { createHash, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { bool, children, expectTag, int, nullValue, octets, oid, oidToString, parseGeneralizedTime, readTlv, seq, uintFromBytes, type Tlv } from './der.ts';

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const NAME_ATTRS: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C' };

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
  serial: string;
  policy: string;
  /** The TimeStampToken (CMS ContentInfo) DER inside the response. */
  token: Buffer;
  /** Whether the CMS signature over the TSTInfo holds against the certificate in the token. */
  signatureValid: boolean;
  signerSubject: string | null;
}

function nameToString(name: Tlv): string {
  const parts: string[] = [];
  for (const rdn of children(name.body)) {
    for (const atv of children(rdn.body)) {
      const [type, value] = children(atv.body);
      if (!type || !value) continue;
      const key = NAME_ATTRS[oidToString(type.body)] ?? oidToString(type.body);
      parts.push(`${key}=${value.body.toString('utf8')}`);
    }
  }
  return parts.join(', ');
}

/** The CN of a "C=.., O=.., CN=.." string, else the whole string: what a person calls the TSA. */
export function shortTsaName(full: string): string {
  const cn = /(?:^|[,\n]\s*)CN=([^,\n]+)/.exec(full);
  return (cn?.[1] ?? full).trim();
}

function verifySignedData(signedData: Tlv[], eContent: Buffer): { valid: boolean; subject: string | null } {
  const certsTlv = signedData.find((t) => t.tag === 0xa0);
  const signerInfos = signedData[signedData.length - 1];
  if (!signerInfos || signerInfos.tag !== 0x31) return { valid: false, subject: null };
  const certs: X509Certificate[] = [];
  for (const c of certsTlv ? children(certsTlv.body) : []) {
    try {
      if (c.tag === 0x30) certs.push(new X509Certificate(c.raw));
    } catch {
      // an attribute certificate or junk: not a signer candidate
    }
  }
  const signer = children(signerInfos.body)[0];
  if (!signer) return { valid: false, subject: null };
  const f = children(signer.body);
  const sid = f[1];
  const digestAlg = f[2];
  let i = 3;
  const signedAttrs = f[i]?.tag === 0xa0 ? f[i++] : undefined;
  i++; // signatureAlgorithm
  const signature = f[i];
  if (!sid || !digestAlg || !signedAttrs || !signature) return { valid: false, subject: null };
  const hashName = DIGESTS[oidToString(children(digestAlg.body)[0]!.body)];
  if (!hashName) return { valid: false, subject: null };
  let cert: X509Certificate | undefined;
  if (sid.tag === 0x30) {
    const serialTlv = children(sid.body)[1];
    const serial = serialTlv ? serialTlv.body.toString('hex').replace(/^(00)+(?=.)/, '').toUpperCase() : '';
    cert = certs.find((c) => c.serialNumber.replace(/^(00)+(?=.)/, '').toUpperCase() === serial);
  }
  cert ??= certs[0];
  if (!cert) return { valid: false, subject: null };
  // The messageDigest attribute must be the digest of the TSTInfo, and the signature covers the
  // attributes re-tagged as a SET (RFC 5652 §5.4).
  const digest = createHash(hashName).update(eContent).digest();
  const mdAttr = children(signedAttrs.body).find((a) => oidToString(children(a.body)[0]!.body) === OID_MESSAGE_DIGEST);
  const mdValue = mdAttr ? children(children(mdAttr.body)[1]!.body)[0]?.body : undefined;
  if (!mdValue || !mdValue.equals(digest)) return { valid: false, subject: cert.subject };
  const toVerify = Buffer.concat([Buffer.from([0x31]), signedAttrs.raw.subarray(1)]);
  let valid = false;
  try {
    valid = cryptoVerify(hashName, toVerify, cert.publicKey, signature.body);
  } catch {
    valid = false;
  }
  return { valid, subject: cert.subject };
}

/** Reads a TimeStampToken (CMS ContentInfo DER). Throws with a readable reason when it is not one. */
export function parseTimestampToken(token: Buffer): TimestampInfo {
  const ci = readTlv(token);
  const [ctype, content] = children(expectTag(ci, 0x30, 'a ContentInfo').body);
  if (!ctype || oidToString(ctype.body) !== OID_SIGNED_DATA || !content) throw new Error('the token is not CMS SignedData');
  const sd = children(expectTag(children(content.body)[0], 0x30, 'SignedData').body);
  const encap = children(expectTag(sd[2], 0x30, 'encapsulated content').body);
  if (!encap[0] || oidToString(encap[0].body) !== OID_TST_INFO || !encap[1]) throw new Error('the token does not hold a TSTInfo');
  const eContent = expectTag(children(encap[1].body)[0], 0x04, 'TSTInfo octets').body;
  const tst = children(expectTag(readTlv(eContent), 0x30, 'TSTInfo').body);
  const policy = oidToString(expectTag(tst[1], 0x06, 'policy').body);
  const [alg, hashed] = children(expectTag(tst[2], 0x30, 'messageImprint').body);
  const hashOid = oidToString(children(alg!.body)[0]!.body);
  const serial = expectTag(tst[3], 0x02, 'serialNumber').body.toString('hex');
  const time = parseGeneralizedTime(expectTag(tst[4], 0x18, 'genTime').body);
  let nonce: string | null = null;
  let tsaName: string | null = null;
  for (const t of tst.slice(5)) {
    if (t.tag === 0x02) nonce = t.body.toString('hex').replace(/^(00)+(?=.)/, '');
    if (t.tag === 0xa0) {
      const gn = children(t.body)[0];
      if (gn?.tag === 0xa4) tsaName = nameToString(children(gn.body)[0]!);
      else if (gn) tsaName = gn.body.toString('utf8');
    }
  }
  const sig = verifySignedData(sd, eContent);
  const name = tsaName ?? sig.subject?.replace(/\n/g, ', ') ?? 'unnamed TSA';
  return {
    time,
    name,
    hashAlgorithm: DIGESTS[hashOid] ?? hashOid,
    hashedMessage: expectTag(hashed, 0x04, 'hashedMessage').body.toString('hex'),
    nonce,
    serial,
    policy,
    token: ci.raw,
    signatureValid: sig.valid,
    signerSubject: sig.subject,
  };
}

/** Reads a TimeStampResp: the token when granted, else an error saying what the TSA answered. */
export function parseTimestampResponse(der: Buffer): TimestampInfo {
  const resp = children(expectTag(readTlv(der), 0x30, 'a TimeStampResp').body);
  const statusInfo = children(expectTag(resp[0], 0x30, 'PKIStatusInfo').body);
  const status = expectTag(statusInfo[0], 0x02, 'status').body.readUIntBE(0, Math.min(6, statusInfo[0]!.body.length));
  if (status !== 0 && status !== 1) {
    const text = statusInfo[1]?.tag === 0x30 ? children(statusInfo[1].body).map((s) => s.body.toString('utf8')).join('; ') : '';
    throw new Error(`the TSA refused (status ${status}${text ? `: ${text}` : ''})`);
  }
  if (!resp[1]) throw new Error('the TSA granted but sent no token');
  return parseTimestampToken(resp[1].raw);
}

/** Checks a response against what we asked for; returns the parsed info or throws why not. */
export function checkResponse(der: Buffer, sha256Hex: string, nonce: Buffer | null): TimestampInfo {
  const info = parseTimestampResponse(der);
  if (info.hashAlgorithm !== 'sha256' || info.hashedMessage !== sha256Hex.toLowerCase()) {
    throw new Error('the token covers a different hash than the clip');
  }
  if (nonce && info.nonce !== nonce.toString('hex').replace(/^(00)+(?=.)/, '')) throw new Error('the token answers another request (nonce differs)');
  if (!info.signatureValid) throw new Error("the token's signature does not hold");
  return info;
}

/** One request to one TSA; throws on network errors, HTTP errors and bad answers. */
export async function requestTimestamp(url: string, sha256Hex: string, timeoutMs = 20_000, abort?: AbortSignal): Promise<{ response: Buffer; info: TimestampInfo }> {
  const req = buildTimestampRequest(sha256Hex);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
    body: new Uint8Array(req.der), // a plain view: fetch's types take no Buffer
    signal: abort ? AbortSignal.any([AbortSignal.timeout(timeoutMs), abort]) : AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  const response = Buffer.from(await res.arrayBuffer());
  if (response.length > 1 << 20) throw new Error(`the answer of ${url} is too large to be a timestamp`);
  return { response, info: checkResponse(response, sha256Hex, req.nonce) };
}

// What the evidence module left next to a clip, read for the sheet and the package:
// X.manifest.json (signed chain entry), X.manifest.json.sig (raw Ed25519), X.tsr (RFC 3161), and
// the station public key <dataDir>/keys/station.pem. Every piece is optional: a clip sealed before
// the evidence module existed still exports, and the sheet says what is missing.
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { continuityOf } from '../continuity.ts';
import { continuityShort } from '../../../shared/continuityText.ts';

export interface EvidenceInfo {
  manifestFile: string | null;
  signatureFile: string | null;
  timestampFile: string | null;
  publicKeyFile: string | null;
  /** Chain sequence number of the clip's entry. */
  seq: number | null;
  /** SHA-256 (hex) of the station public key's SPKI DER. */
  keyFingerprint: string | null;
  /** The clip hash the signed manifest names. */
  manifestSha256: string | null;
  signature: 'valid' | 'invalid' | 'missing';
  signatureText: string;
  trustedTime: string | null;
  trustedTimeText: string;
  /** X.continuity.json: the frames the station read back from the clip, in one line; null when absent. */
  continuityText?: string | null;
  /** X.continuity.json and its signature, copied into packages (verify.html explains the gaps). */
  continuityFile?: string | null;
  continuitySignatureFile?: string | null;
}

const exists = async (f: string): Promise<boolean> => (await fsp.stat(f).catch(() => null))?.isFile() ?? false;

export async function readEvidence(clipFile: string, dataDir: string): Promise<EvidenceInfo> {
  const base = clipFile.replace(/\.mp4$/i, '');
  const manifestFile = `${base}.manifest.json`;
  const signatureFile = `${base}.manifest.json.sig`;
  const timestampFile = `${base}.tsr`;
  const publicKeyFile = path.join(dataDir, 'keys', 'station.pem');
  const has = {
    manifest: await exists(manifestFile),
    sig: await exists(signatureFile),
    tsr: await exists(timestampFile),
    key: await exists(publicKeyFile),
  };
  const info: EvidenceInfo = {
    manifestFile: has.manifest ? manifestFile : null,
    signatureFile: has.sig ? signatureFile : null,
    timestampFile: has.tsr ? timestampFile : null,
    publicKeyFile: has.key ? publicKeyFile : null,
    seq: null,
    keyFingerprint: null,
    manifestSha256: null,
    signature: 'missing',
    signatureText: 'not signed (no manifest signature found next to the clip)',
    trustedTime: null,
    trustedTimeText: 'no trusted timestamp yet',
  };
  let pub: ReturnType<typeof createPublicKey> | null = null;
  if (has.key) {
    try {
      pub = createPublicKey(await fsp.readFile(publicKeyFile));
      info.keyFingerprint = createHash('sha256')
        .update(pub.export({ type: 'spki', format: 'der' }))
        .digest('hex');
    } catch {
      info.publicKeyFile = null;
    }
  }
  if (has.manifest) {
    const bytes = await fsp.readFile(manifestFile);
    try {
      const m = JSON.parse(bytes.toString('utf8')) as { seq?: unknown; sha256?: unknown };
      info.seq = typeof m.seq === 'number' ? m.seq : null;
      info.manifestSha256 = typeof m.sha256 === 'string' ? m.sha256 : null;
    } catch {
      /* an unreadable manifest shows up as an invalid signature below */
    }
    if (has.sig && pub) {
      const ok = cryptoVerify(null, bytes, pub, await fsp.readFile(signatureFile));
      info.signature = ok ? 'valid' : 'invalid';
      info.signatureText = ok
        ? `valid Ed25519 signature by station key ${info.keyFingerprint?.slice(0, 16)}…`
        : 'INVALID: the manifest does not match its signature';
    } else if (has.sig) {
      info.signatureText = 'signed, but the station public key is missing';
    }
  }
  info.continuityText = await readContinuity(base, pub);
  if (info.continuityText !== null) {
    info.continuityFile = `${base}.continuity.json`;
    info.continuitySignatureFile = (await exists(`${base}.continuity.json.sig`)) ? `${base}.continuity.json.sig` : null;
  }
  if (has.tsr) {
    info.trustedTimeText = 'timestamp token present (time unreadable)';
    try {
      // The evidence module's RFC 3161 reader; loaded lazily so exports work without it.
      const modulePath = '../evidence/tsa.ts';
      const tsa = (await import(modulePath)) as { parseTimestampResponse(der: Buffer): { time: number; name: string } };
      const t = tsa.parseTimestampResponse(await fsp.readFile(timestampFile));
      info.trustedTime = new Date(t.time).toISOString();
      info.trustedTimeText = `${info.trustedTime} (${t.name})`;
    } catch {
      /* keep the text above */
    }
  }
  return info;
}

/** The continuity sidecar (continuity.ts) in one line, said to be unverified when its signature fails. */
async function readContinuity(base: string, pub: ReturnType<typeof createPublicKey> | null): Promise<string | null> {
  const bytes = await fsp.readFile(`${base}.continuity.json`).catch(() => null);
  if (!bytes) return null;
  const sig = await fsp.readFile(`${base}.continuity.json.sig`).catch(() => null);
  const ok = sig !== null && pub !== null && cryptoVerify(null, bytes, pub, sig);
  let text = 'record unreadable';
  try {
    const body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    const c = continuityOf(Number(body.seq ?? 0), body);
    if (c) text = continuityShort(c);
  } catch {
    /* shown as unreadable */
  }
  return ok ? text : `UNVERIFIED (signature does not hold): ${text}`;
}

// What the evidence module left with a clip, read through the clip store for the sheet and the
// package: X.manifest.json (signed chain entry), X.manifest.json.sig (raw Ed25519), X.tsr (RFC 3161),
// the continuity record and its signature, and the station public key <dataDir>/keys/station.pem.
// Every piece is optional: a clip sealed before the evidence module existed still exports, and the
// sheet says what is missing.
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { continuityOf } from '../continuity.ts';
import { sidecarsOf } from '../evidence/manifest.ts';
import type { ClipStore, SidecarKind } from '../store/types.ts';
import { continuityShort } from '../../../shared/continuityText.ts';

/** A sidecar as read from the store, with the file name it has beside the clip (and in a package). */
export interface SidecarCopy {
  name: string;
  bytes: Buffer;
}

export interface EvidenceInfo {
  /** The clip's sidecars that are present; the continuity signature only with its record. */
  sidecars: Partial<Record<SidecarKind, SidecarCopy>>;
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
}

const exists = async (f: string): Promise<boolean> => (await fsp.stat(f).catch(() => null))?.isFile() ?? false;

/** The evidence of the clip stored under `key` (its index `file`). */
export async function readEvidence(store: Pick<ClipStore, 'getSidecar'>, key: string, dataDir: string): Promise<EvidenceInfo> {
  const names = sidecarsOf(key);
  const sidecars: EvidenceInfo['sidecars'] = {};
  const read = async (kind: SidecarKind): Promise<Buffer | null> => {
    const bytes = await store.getSidecar(key, kind);
    if (bytes) sidecars[kind] = { name: path.basename(names[kind]), bytes };
    return bytes;
  };
  const manifest = await read('manifest');
  const sig = await read('signature');
  const tsr = await read('timestamp');
  const publicKeyFile = path.join(dataDir, 'keys', 'station.pem');
  const has = { key: await exists(publicKeyFile) };
  const info: EvidenceInfo = {
    sidecars,
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
  if (manifest) {
    const bytes = manifest;
    try {
      const m = JSON.parse(bytes.toString('utf8')) as { seq?: unknown; sha256?: unknown };
      info.seq = typeof m.seq === 'number' ? m.seq : null;
      info.manifestSha256 = typeof m.sha256 === 'string' ? m.sha256 : null;
    } catch {
      /* an unreadable manifest shows up as an invalid signature below */
    }
    if (sig && pub) {
      const ok = cryptoVerify(null, bytes, pub, sig);
      info.signature = ok ? 'valid' : 'invalid';
      info.signatureText = ok
        ? `valid Ed25519 signature by station key ${info.keyFingerprint?.slice(0, 16)}…`
        : 'INVALID: the manifest does not match its signature';
    } else if (sig) {
      info.signatureText = 'signed, but the station public key is missing';
    }
  }
  const continuity = await read('continuity');
  // The record's signature travels only with the record it signs.
  info.continuityText = continuity ? continuityText(continuity, await read('continuitySignature'), pub) : null;
  if (tsr) {
    info.trustedTimeText = 'timestamp token present (time unreadable)';
    try {
      // The evidence module's RFC 3161 reader; loaded lazily so exports work without it.
      const modulePath = '../evidence/tsa.ts';
      const tsa = (await import(modulePath)) as { parseTimestampResponse(der: Buffer): { time: number; name: string } };
      const t = tsa.parseTimestampResponse(tsr);
      info.trustedTime = new Date(t.time).toISOString();
      info.trustedTimeText = `${info.trustedTime} (${t.name})`;
    } catch {
      /* keep the text above */
    }
  }
  return info;
}

/** The continuity sidecar (continuity.ts) in one line, said to be unverified when its signature fails. */
function continuityText(bytes: Buffer, sig: Buffer | null, pub: ReturnType<typeof createPublicKey> | null): string {
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

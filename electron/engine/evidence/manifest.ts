// A clip's manifest: the chain entry that seals it, and its sidecar files next to the MP4 so the
// evidence travels with the file (to a NAS, to a reviewer):
//   X.mp4  X.manifest.json (exact signed bytes)  X.manifest.json.sig (raw Ed25519)  X.tsr (RFC 3161)
//   X.continuity.json, X.continuity.json.sig: the frame counters read back after sealing (continuity.ts)
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClipRow } from '../index/types.ts';
import type { JsonValue } from './canonicalJson.ts';

export interface Sidecars {
  manifest: string;
  signature: string;
  timestamp: string;
  continuity: string;
  continuitySignature: string;
}

export function sidecarsOf(clipFile: string): Sidecars {
  const base = clipFile.replace(/\.mp4$/i, '');
  return {
    manifest: `${base}.manifest.json`,
    signature: `${base}.manifest.json.sig`,
    timestamp: `${base}.tsr`,
    continuity: `${base}.continuity.json`,
    continuitySignature: `${base}.continuity.json.sig`,
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The clip fields that go into its 'clip' chain entry (chain.ts adds v, seq, prev, kind, at, key). */
export function clipManifestFields(row: ClipRow): Record<string, JsonValue> {
  if (!row.sha256 || !row.file) throw new Error(`clip ${row.id} has no file or hash to seal`);
  return {
    clipId: row.id,
    orders: [row.order_code],
    station: row.station,
    operator: row.operator,
    mode: row.mode,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    startedAtUtc: iso(row.started_at),
    endedAtUtc: iso(row.ended_at),
    durationMs: row.duration_ms,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    file: path.basename(row.file),
    status: row.status,
    recovered: row.status === 'recovered',
    stopReason: row.stop_reason,
    note: row.note,
  };
}

/** Written to a temporary name and renamed: a sidecar with the final name is always whole. */
export async function writeAtomically(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

export async function writeSealSidecars(clipFile: string, body: Buffer, signature: Buffer): Promise<void> {
  const s = sidecarsOf(clipFile);
  await Promise.all([writeAtomically(s.manifest, body), writeAtomically(s.signature, signature)]);
}

export async function removeSidecars(clipFile: string): Promise<void> {
  const s = sidecarsOf(clipFile);
  await Promise.all([s.manifest, s.signature, s.timestamp, s.continuity, s.continuitySignature].map((f) => fs.rm(f, { force: true })));
}

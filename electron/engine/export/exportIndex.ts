// Every file the station ever exported, by SHA-256: `verify FILE` and Check a clip recognise a part,
// still or sheet through the export's chain entry, which lists each file of the signed export
// manifest with its hash and origin. The table is an index of the chain, nothing more: it is
// brought up to date from the chain's export entries before each lookup (one query when nothing
// is new), so exports made by another process (the CLI next to a running station) are found too,
// and a lost or stale table is rebuilt from the chain.
import type { Db } from '../db.ts';
import { SqliteExportFileIndex, sqliteChain } from '../index/sqliteEvidence.ts';
import { parseBody, type ChainRow } from '../evidence/chain.ts';
import type { PackageFile } from './package.ts';

/** One exported file as its chain entry describes it (format 1 entries carry only the hash). */
export interface ExportedFile {
  entry: ChainRow;
  name: string;
  sha256: string;
  file: Partial<PackageFile> | null;
  details: Record<string, unknown>;
}

function filesOf(row: ChainRow): { name: string; sha256: string; file: Partial<PackageFile> | null }[] {
  const body = parseBody(row);
  const details = body?.details;
  if (!details || typeof details !== 'object' || Array.isArray(details)) return [];
  const files = (details as Record<string, unknown>).files;
  if (!files || typeof files !== 'object' || Array.isArray(files)) return [];
  const out: { name: string; sha256: string; file: Partial<PackageFile> | null }[] = [];
  for (const [name, v] of Object.entries(files as Record<string, unknown>)) {
    if (typeof v === 'string') out.push({ name, sha256: v.toLowerCase(), file: null });
    else if (v && typeof v === 'object' && typeof (v as PackageFile).sha256 === 'string')
      out.push({ name, sha256: (v as PackageFile).sha256.toLowerCase(), file: v as PackageFile });
  }
  return out;
}

/** Adds the export entries appended since the last call. */
export async function catchUpExportIndex(db: Db): Promise<void> {
  const files = new SqliteExportFileIndex(db);
  const upto = await files.upTo();
  const chain = sqliteChain(db);
  const last = (await chain.head())?.seq ?? 0;
  if (last <= upto) return;
  const found = (await chain.exportsBetween(upto, last)).flatMap((row) => filesOf(row).map((f) => ({ sha256: f.sha256, seq: row.seq, name: f.name })));
  await files.add(found, last);
}

async function lookup(db: Db, by: 'sha256' | 'name', value: string): Promise<ExportedFile[]> {
  await catchUpExportIndex(db);
  const hits = await new SqliteExportFileIndex(db).find(by, value);
  const chain = sqliteChain(db);
  const out: ExportedFile[] = [];
  for (const h of hits) {
    const entry = await chain.get(h.seq);
    if (entry?.kind !== 'export') continue;
    const f = filesOf(entry).find((x) => x.name === h.name);
    if (!f) continue;
    const details = (parseBody(entry)?.details ?? {}) as Record<string, unknown>;
    out.push({ entry, name: h.name, sha256: f.sha256, file: f.file, details });
  }
  return out;
}

/** The exports that hold a file with this SHA-256, newest first. */
export function exportedFilesBySha(db: Db, sha256: string): Promise<ExportedFile[]> {
  return lookup(db, 'sha256', sha256.toLowerCase());
}

/** The exports that hold a file of this name, newest first (a changed file keeps its name). */
export function exportedFilesByName(db: Db, name: string): Promise<ExportedFile[]> {
  return lookup(db, 'name', name);
}

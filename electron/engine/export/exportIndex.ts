// Every file the station ever exported, by SHA-256: `verify FILE` and Check a clip recognise a part,
// still or sheet through the export's chain entry, which lists each file of the signed export
// manifest with its hash and origin. The table is an index of the chain, nothing more: it is
// brought up to date from the chain's export entries before each lookup (one query when nothing
// is new), so exports made by another process (the CLI next to a running station) are found too,
// and a lost or stale table is rebuilt from the chain.
import type { Db } from '../db.ts';
import { parseBody, type ChainRow } from '../evidence/chain.ts';
import type { PackageFile } from './package.ts';

const ready = new WeakSet<Db>();

function ensureTables(db: Db): void {
  if (ready.has(db)) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS export_files (sha256 TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (sha256, seq, name));
    CREATE INDEX IF NOT EXISTS export_files_name ON export_files (name, seq);
    CREATE TABLE IF NOT EXISTS export_files_upto (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL);
  `);
  ready.add(db);
}

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
export function catchUpExportIndex(db: Db): void {
  ensureTables(db);
  const upto = (db.prepare('SELECT seq FROM export_files_upto WHERE one=1').get() as { seq: number } | undefined)?.seq ?? 0;
  const last = (db.prepare('SELECT max(seq) AS s FROM chain').get() as { s: number | null }).s ?? 0;
  if (last <= upto) return;
  db.transaction(() => {
    const insert = db.prepare('INSERT OR IGNORE INTO export_files (sha256, seq, name) VALUES (?, ?, ?)');
    for (const row of db.prepare(`SELECT * FROM chain WHERE kind='export' AND seq > ? AND seq <= ? ORDER BY seq`).all(upto, last) as ChainRow[]) {
      for (const f of filesOf(row)) insert.run(f.sha256, row.seq, f.name);
    }
    db.prepare('INSERT INTO export_files_upto (one, seq) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET seq=excluded.seq').run(last);
  })();
}

function lookup(db: Db, where: string, arg: string): ExportedFile[] {
  catchUpExportIndex(db);
  const hits = db.prepare(`SELECT DISTINCT seq, name FROM export_files WHERE ${where} ORDER BY seq DESC LIMIT 20`).all(arg) as { seq: number; name: string }[];
  const out: ExportedFile[] = [];
  for (const h of hits) {
    const entry = db.prepare(`SELECT * FROM chain WHERE seq=? AND kind='export'`).get(h.seq) as ChainRow | undefined;
    if (!entry) continue;
    const f = filesOf(entry).find((x) => x.name === h.name);
    if (!f) continue;
    const details = (parseBody(entry)?.details ?? {}) as Record<string, unknown>;
    out.push({ entry, name: h.name, sha256: f.sha256, file: f.file, details });
  }
  return out;
}

/** The exports that hold a file with this SHA-256, newest first. */
export function exportedFilesBySha(db: Db, sha256: string): ExportedFile[] {
  return lookup(db, 'sha256=?', sha256.toLowerCase());
}

/** The exports that hold a file of this name, newest first (a changed file keeps its name). */
export function exportedFilesByName(db: Db, name: string): ExportedFile[] {
  return lookup(db, 'name=?', name);
}

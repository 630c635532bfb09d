// The clip index: one SQLite file, one row per recorded clip (as Frigate does per recorded file).
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

export function openDb(file: string): Db {
  const db = new Database(file);
  // WAL lets the lookup view read while a station writes, and a crash mid-write leaves the last
  // committed state intact (the WAL is replayed or ignored on the next open).
  db.pragma('journal_mode = WAL');
  // FULL syncs the WAL on every commit: a power cut after "clip saved" must not lose that row.
  // Commits are a few per clip, so the cost is invisible next to video I/O.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // A second process (the CLI while the app runs) waits briefly instead of failing with SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
    })();
  }
}

/** SQLite's own check of the file (doctor): the problems it names, empty when the index is sound. */
export function quickCheck(db: Db): string[] {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  return rows.map((r) => r.quick_check).filter((t) => t !== 'ok');
}

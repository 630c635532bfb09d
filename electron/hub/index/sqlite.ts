// The embedded hub index: one SQLite file (better-sqlite3, WAL, synchronous FULL), the same
// settings as the station's own index. Calls are synchronous underneath; the async interface is
// what lets the hub run the same code on PostgreSQL.
import Database from 'better-sqlite3';
import { MIGRATIONS_TABLE, type Migration, migrationChecksum, sqliteMigrations } from './migrations.ts';
import { SqlHubIndex, type SqlDialect } from './sqlIndex.ts';

export function openSqliteHubIndex(file: string, migrations: Migration[] = sqliteMigrations): SqlHubIndex {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db, migrations);
  const dialect: SqlDialect = {
    kind: 'sqlite',
    // SQLite's LIKE ignores ASCII case already.
    ilike: 'LIKE',
    async all(sql, params) {
      return db.prepare(sql).all(...(params as unknown[])) as Record<string, unknown>[];
    },
    async run(sql, params) {
      return db.prepare(sql).run(...(params as unknown[])).changes;
    },
    async insertReturningId(sql, params) {
      const row = db.prepare(sql).get(...(params as unknown[])) as { id: number };
      return Number(row.id);
    },
    async close() {
      db.close();
    },
  };
  return new SqlHubIndex(dialect);
}

function migrateSqlite(db: Database.Database, migrations: Migration[]): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  // IMMEDIATE takes the write lock first: a second process opening the same file waits, then
  // sees the versions the first applied.
  db.transaction(() => {
    const applied = new Map(
      (db.prepare(`SELECT version, checksum FROM ${MIGRATIONS_TABLE}`).all() as { version: number; checksum: string }[]).map((r) => [r.version, r.checksum]),
    );
    for (const m of migrations) {
      const sum = migrationChecksum(m);
      const have = applied.get(m.version);
      if (have !== undefined) {
        if (have !== sum) throw new Error(`hub index migration ${m.version} (${m.name}) was applied with other text; never edit an applied migration`);
        continue;
      }
      db.exec(m.sql);
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`).run(m.version, m.name, sum, Date.now());
    }
  }).immediate();
}

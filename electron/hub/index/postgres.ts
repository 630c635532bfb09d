// The hub index on PostgreSQL (node-postgres pool). Migrations run under a session-level advisory
// lock on one dedicated connection, so hub processes starting together on one database apply
// each version exactly once and none of them reads a half-made schema. The hub keeps no state
// outside the database: any number of hub processes can share it.
import pg from 'pg';
import { MIGRATIONS_TABLE, type Migration, migrationChecksum, postgresMigrations } from './migrations.ts';
import { SqlHubIndex, type SqlDialect } from './sqlIndex.ts';
import { IndexUnavailableError } from './types.ts';

/** The advisory lock key of the hub's migrations ("PWHUBMIG" as a 64-bit number). */
export const MIGRATION_LOCK_KEY = '5789175377029843271';

/** `?` placeholders to `$1, $2, …` (the shared queries have no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * A failure to reach the server (refused, cut, timed out, shutting down) becomes IndexUnavailableError,
 * so the hub tells a station "the index is down, try later" (503) rather than an internal error.
 * SQL errors (a constraint, a bad query) keep their SQLSTATE and stay what they are.
 */
function unavailable(where: string, e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
  if (sqlState && !/^(08|57P0[1-3]|53)/.test(sqlState)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new IndexUnavailableError(`the hub's index (PostgreSQL at ${where}) cannot be reached: ${msg || (typeof code === 'string' ? code : 'no answer')}`, {
    cause: e,
  });
}

export interface PgIndexOptions {
  /** postgres://user@host:port/db (a password, if any, from PGPASSWORD or ~/.pgpass rather than the URL). */
  url: string;
  /** Pool size (default 10). */
  max?: number;
  migrations?: Migration[];
  /** Called with each migration as it is applied (tests, start-up log). */
  onMigrate?: (m: Migration) => void;
}

export async function openPostgresHubIndex(opts: PgIndexOptions): Promise<SqlHubIndex> {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.max ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server must not crash the hub process; the next query reports it.
  pool.on('error', () => {});
  try {
    await migratePostgres(pool, opts.migrations ?? postgresMigrations, opts.onMigrate);
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }
  const where = pgWhere(opts.url);
  const query = (sql: string, params: unknown[]) =>
    pool.query(numbered(sql), params).catch((e: unknown) => {
      throw unavailable(where, e);
    });
  const dialect: SqlDialect = {
    kind: 'postgres',
    ilike: 'ILIKE',
    async all(sql, params) {
      return (await query(sql, params)).rows as Record<string, unknown>[];
    },
    async run(sql, params) {
      return (await query(sql, params)).rowCount ?? 0;
    },
    async insertReturningId(sql, params) {
      const r = await query(sql, params);
      return Number((r.rows[0] as { id: unknown }).id);
    },
    async close() {
      await pool.end();
    },
  };
  return new SqlHubIndex(dialect);
}

/** host:port/db of a PostgreSQL URL, for messages (no user or password). */
function pgWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'its URL';
  }
}

export async function migratePostgres(pool: pg.Pool, migrations: Migration[], onMigrate?: (m: Migration) => void): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at bigint NOT NULL)`,
      );
      const applied = new Map(
        (await client.query(`SELECT version, checksum FROM ${MIGRATIONS_TABLE}`)).rows.map((r: { version: number; checksum: string }) => [
          r.version,
          r.checksum,
        ]),
      );
      for (const m of migrations) {
        const sum = migrationChecksum(m);
        const have = applied.get(m.version);
        if (have !== undefined) {
          if (have !== sum) throw new Error(`hub index migration ${m.version} (${m.name}) was applied with other text; never edit an applied migration`);
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)`, [
            m.version,
            m.name,
            sum,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`hub index migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
        }
        onMigrate?.(m);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    client.release();
  }
}

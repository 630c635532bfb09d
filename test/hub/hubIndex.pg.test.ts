// The hub index suite on a real PostgreSQL (scripts/services/postgres.sh), plus what only a
// shared database has: several hub processes migrating at once under the advisory lock.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresMigrations } from '../../electron/hub/index/migrations.ts';
import { MIGRATION_LOCK_KEY, openPostgresHubIndex } from '../../electron/hub/index/postgres.ts';
import { clipRow, hubIndexSuite, stationA } from './hubIndex.suite.ts';
import { describeWithService, freshPgDatabase } from './services.ts';

describeWithService('pg', 'hub index on PostgreSQL', () => {
  hubIndexSuite(async () => {
    const db = await freshPgDatabase();
    return { index: await openPostgresHubIndex({ url: db.url, max: 4 }), cleanup: db.drop };
  });
});

describeWithService('pg', 'hub index on PostgreSQL: migrations, indexes, several hubs on one database', () => {
  let db: Awaited<ReturnType<typeof freshPgDatabase>>;
  beforeAll(async () => {
    db = await freshPgDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('four hub processes starting at once on an empty database apply each migration exactly once', async () => {
    const applied: number[] = [];
    const opened = await Promise.all([0, 1, 2, 3].map(() => openPostgresHubIndex({ url: db.url, max: 2, onMigrate: (m) => applied.push(m.version) })));
    expect(applied).toEqual(postgresMigrations.map((m) => m.version));
    // Each one works on the shared schema; what one writes the others see.
    await opened[0]!.upsertStation(stationA);
    await opened[1]!.addClip(clipRow(stationA.fingerprint, 'shared-1', 'SHARED-1', Date.UTC(2026, 0, 2)));
    expect((await opened[3]!.findClips({ order: 'SHARED-1' })).map((r) => r.clipId)).toEqual(['shared-1']);
    await Promise.all(opened.map((o) => o.close()));
  });

  it('a hub starting while another holds the migration lock waits for it, then opens', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      let opened = false;
      const opening = openPostgresHubIndex({ url: db.url, max: 2 }).then((ix) => {
        opened = true;
        return ix;
      });
      // The opener is seen by the server waiting on an advisory lock (not guessed from a delay).
      for (let i = 0; ; i++) {
        const r = await holder.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        if ((r.rows[0] as { n: number }).n > 0) break;
        if (i > 600) throw new Error('the opening hub never waited on the migration lock');
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(opened).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      const ix = await opening;
      expect(opened).toBe(true);
      expect((await ix.stats()).stations).toBeGreaterThanOrEqual(0);
      await ix.close();
    } finally {
      await holder.end();
    }
  });

  it('has the indexes for exact code, partial code (pg_trgm GIN), time, station, operator and mode, and uses the trigram one', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'hub_clips'`);
      const defs = Object.fromEntries(r.rows.map((x: { indexname: string; indexdef: string }) => [x.indexname, x.indexdef]));
      expect(defs.hub_clips_order_trgm).toMatch(/USING gin \(order_code gin_trgm_ops\)/);
      for (const name of ['hub_clips_order', 'hub_clips_started', 'hub_clips_station', 'hub_clips_operator', 'hub_clips_mode']) {
        expect(defs[name], name).toBeDefined();
      }
      // The planner takes the trigram index for a partial code once a sequential scan is ruled out.
      await c.query('SET enable_seqscan = off');
      const plan = await c.query(`EXPLAIN SELECT id FROM hub_clips WHERE order_code ILIKE '%7000012%'`);
      expect(plan.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')).toContain('hub_clips_order_trgm');
    } finally {
      await c.end();
    }
  });
});

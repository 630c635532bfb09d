import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteMigrations } from '../../electron/hub/index/migrations.ts';
import { openSqliteHubIndex } from '../../electron/hub/index/sqlite.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { clipRow, hubIndexSuite, stationA } from './hubIndex.suite.ts';

describe('hub index on SQLite', () => {
  hubIndexSuite(async () => {
    const t = tmpDir('pw-hubindex-');
    return { index: openSqliteHubIndex(path.join(t.dir, 'hub-index.sqlite')), cleanup: async () => t.cleanup() };
  });
});

describe('hub index on SQLite: the file and its migrations', () => {
  const t = tmpDir('pw-hubindex-');
  afterAll(() => t.cleanup());
  const file = path.join(t.dir, 'hub-index.sqlite');

  it('keeps what it indexed over a reopen, in WAL mode, and applies each migration once', async () => {
    const a = openSqliteHubIndex(file);
    await a.upsertStation(stationA);
    await a.addClip(clipRow(stationA.fingerprint, 'k-1', 'KEEP-1', Date.UTC(2026, 0, 1)));
    await a.close();
    const b = openSqliteHubIndex(file);
    expect((await b.findClips({ order: 'KEEP-1' })).map((r) => r.clipId)).toEqual(['k-1']);
    await b.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version FROM hub_schema_migrations').all()).toEqual(sqliteMigrations.map((m) => ({ version: m.version })));
    raw.close();
  });

  it('refuses to run on a database whose applied migration text was changed', () => {
    const edited = sqliteMigrations.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
    expect(() => openSqliteHubIndex(file, edited)).toThrow(/never edit an applied migration/);
  });
});

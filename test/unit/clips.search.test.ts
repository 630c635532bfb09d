// Lookup semantics the fast paths of the index's search must keep (its speed is measured by
// `npm run bench`, not here): a full code finds its order, fragments find every code containing
// them, '_' and '%' are matched literally, and date ranges select by start time.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../electron/engine/db.ts';
import { SqliteClipIndex } from '../../electron/engine/index/sqlite.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('clip search', () => {
  const t = tmpDir();
  const db = openDb(path.join(t.dir, 'index.sqlite'));
  const repo = new SqliteClipIndex(db);
  afterAll(() => {
    db.close();
    t.cleanup();
  });
  const day = Date.UTC(2026, 4, 1);
  let n = 0;
  const add = (code: string, at: number, status: 'ok' | 'recording' | 'discarded' = 'ok') => {
    const id = `c${n++}`;
    // The SQLite index writes at the call; the promise only carries the outcome.
    void repo.insertRecording({
      id,
      order_code: code,
      station: 'S',
      operator: null,
      mode: 'shipping',
      started_at: at,
      mime_type: 'video/webm',
      partial_file: null,
    });
    if (status !== 'recording') db.prepare('UPDATE clips SET status=? WHERE id=?').run(status, id);
  };
  add('SF1400123456789', day);
  add('XSF1400123456789', day + 1000); // contains the first code
  add('SF1400123456789', day + 2000, 'discarded');
  add('ORD_12', day + 3000);
  add('ORDX12', day + 4000);
  add('YT7712340000000', day + 86_400_000);
  add('YT7712349999999', day + 2 * 86_400_000, 'recording');
  const find = (q: string, from: number | null = null, to: number | null = null) => repo.search({ q, from, to, mode: null, limit: 100, offset: 0 });
  const codes = (r: Awaited<ReturnType<typeof find>>) => r.rows.map((x) => x.order_code).sort();

  it('a full code that exists finds that order (finished clips only)', async () => {
    const r = await find('SF1400123456789');
    expect(codes(r)).toEqual(['SF1400123456789']);
    expect(r.total).toBe(1);
  });

  it('a fragment finds every finished code containing it, newest first', async () => {
    const r = await find('400123');
    expect(r.rows.map((x) => x.order_code)).toEqual(['XSF1400123456789', 'SF1400123456789']);
    expect(codes(await find('77123'))).toEqual(['YT7712340000000']); // the one still recording is not listed
    expect((await find('sf14')).total).toBe(2); // case does not matter
  });

  it("'_' and '%' match themselves, not any character", async () => {
    expect(codes(await find('ORD_12'))).toEqual(['ORD_12']);
    expect(codes(await find('D_1'))).toEqual(['ORD_12']);
    expect((await find('%')).total).toBe(0);
  });

  it('a date range selects by start time, and combines with a fragment', async () => {
    expect((await find('', day, day + 86_400_000)).total).toBe(4);
    expect(codes(await find('', day + 86_400_000, day + 3 * 86_400_000))).toEqual(['YT7712340000000']);
    expect((await find('400123', day + 500, day + 86_400_000)).total).toBe(1);
  });
});

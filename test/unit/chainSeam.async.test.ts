// The chain, timestamp and notes seams are async (index/types.ts): the engine reads them through
// promises, as it would read a server database. What a reviewer relies on still holds: a chain
// kept by an implementation whose every answer comes later is still one genesis and one linked,
// signed entry per append, even with appends racing; a clip whose seal is asked twice at once is
// sealed once; and no engine module reaches past the seams to the synchronous SQLite statements.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Chain, checkEntryAlone, GENESIS_PREV } from '../../electron/engine/evidence/chain.ts';
import { loadOrCreateStationKey } from '../../electron/engine/evidence/keys.ts';
import type { ChainHead, ChainIndex, ChainRow } from '../../electron/engine/index/types.ts';
import { withEngine } from '../helpers/engines.ts';
import { ctx } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The next turn of the event loop: where a server database's answer would arrive. */
const later = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A chain kept in memory whose every answer comes a turn later, with one write lock as a server
 * database's transaction would hold it: the head is read, the builder runs and the row is written
 * while the lock is held, with turns of the event loop in between.
 */
class LaterChain implements Pick<ChainIndex, 'append' | 'appendIfEmpty' | 'all' | 'get'> {
  readonly rows: ChainRow[] = [];
  private lock: Promise<unknown> = Promise.resolve();

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work);
    this.lock = run.catch(() => {});
    return run;
  }

  private async head(): Promise<ChainHead | undefined> {
    await later();
    const last = this.rows.at(-1);
    return last ? { seq: last.seq, entry_hash: last.entry_hash } : undefined;
  }

  append(make: (head: ChainHead | undefined) => ChainRow): Promise<ChainRow> {
    return this.locked(async () => {
      const row = make(await this.head());
      await later();
      this.rows.push(row);
      return row;
    });
  }

  appendIfEmpty(make: () => ChainRow): Promise<void> {
    return this.locked(async () => {
      if ((await this.head()) === undefined) this.rows.push(make());
    });
  }

  async all(): Promise<ChainRow[]> {
    await later();
    return [...this.rows];
  }

  async get(seq: number): Promise<ChainRow | undefined> {
    await later();
    return this.rows.find((r) => r.seq === seq);
  }
}

describe('async chain, timestamp and notes seams', () => {
  const t = tmpDir('pw-chain-async-');
  afterAll(() => t.cleanup());

  it('keeps one genesis and a linked, signed chain on an index whose answers come later, with appends racing', async () => {
    const dir = path.join(t.dir, 'later');
    fs.mkdirSync(dir, { recursive: true });
    const key = loadOrCreateStationKey(dir);
    const index = new LaterChain();
    const chain = new Chain(index as unknown as ChainIndex, key);
    await Promise.all([chain.ensureGenesis('Bench 1'), chain.ensureGenesis('Bench 1')]);
    const appended = await Promise.all([1, 2, 3, 4, 5].map((n) => chain.append('export', null, { n })));
    expect(appended.map((r) => r.seq).sort()).toEqual([2, 3, 4, 5, 6]);
    const rows = await chain.all();
    expect(rows.map((r) => r.kind)).toEqual(['genesis', 'export', 'export', 'export', 'export', 'export']);
    for (const [i, r] of rows.entries()) {
      expect(r.seq).toBe(i + 1);
      expect(r.prev_hash).toBe(i === 0 ? GENESIS_PREV : rows[i - 1]!.entry_hash);
      expect(checkEntryAlone(r, key.publicKey)).toEqual({ hashOk: true, seqOk: true, signatureOk: true });
    }
    await expect(chain.append('export', null, { seq: 9 })).rejects.toThrow(/reserved/);
    expect(await chain.get(7)).toBeUndefined();
  });

  it('seals a clip once when its seal is asked for twice at once, and the lookup shows it signed', async () => {
    await withEngine(path.join(t.dir, 'twice'), async (e) => {
      const id = 'mtwice00-0123456789ab';
      const rel = path.join('2026-12-06', `TWICE-1_120000_${id}.mp4`);
      await e.clips.insertRecording({
        id,
        order_code: 'TWICE-1',
        station: 'Bench 1',
        operator: null,
        mode: 'shipping',
        started_at: Date.now(),
        mime_type: 'video/mp4',
        partial_file: null,
      });
      await e.store.put(rel, { bytes: Buffer.from('sealed twice at once?') });
      await e.clips.finish(id, {
        ended_at: Date.now(),
        duration_ms: 1000,
        mono_ms: 1000,
        size_bytes: 21,
        file: rel,
        sha256: 'e'.repeat(64),
        status: 'ok',
        stop_reason: 'next-scan',
        note: null,
      });
      const row = (await e.clips.get(id))!;
      await Promise.all([e.custody.clipSealed(row), e.custody.clipSealed(row), e.custody.clipSealed(row)]);
      const entries = e.db.prepare(`SELECT seq FROM chain WHERE clip_id=? AND kind='clip'`).all(id);
      expect(entries).toHaveLength(1);
      const clip = await e.call('clips.get', { id }, ctx);
      expect(clip.evidence).toMatchObject({ signed: true, seq: (entries[0] as { seq: number }).seq, timestamp: 'none' });
      const found = await e.call('clips.search', { q: 'TWICE-1' }, ctx);
      expect(found.clips.map((c) => c.evidence?.signed)).toEqual([true]);
    });
  });

  it('no engine module outside index/ reaches past the seams to the synchronous SQLite statements', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, d.name);
        if (d.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.includes(`${path.sep}engine${path.sep}index${path.sep}`)) {
          if (/\b(SqliteChainIndex|SqliteTimestampIndex|SqliteClipNotesIndex)\b/.test(fs.readFileSync(p, 'utf8'))) offenders.push(path.relative(root, p));
        }
      }
    };
    walk(path.join(root, 'electron'));
    expect(offenders).toEqual([]);
  });
});

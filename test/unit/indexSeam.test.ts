// The engine's seams as a person or a reviewer meets them: the chain kept behind the index appends
// one linked, signed entry at a time and one genesis per station; a clip is named by its station's
// key fingerprint and its id, with its file name and a media URL built from the id.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteChainIndex, SqliteTimestampIndex } from '../../electron/engine/index/sqliteEvidence.ts';
import { StationCustody } from '../../electron/engine/evidence/stationCustody.ts';
import { checkEntryAlone } from '../../electron/engine/evidence/chain.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { withEngine, withTwoEngines } from '../helpers/engines.ts';
import { ctx } from '../helpers/record.ts';
import { clipPath } from '../helpers/clipPath.ts';

describe('index and clip identity seams', () => {
  const t = tmpDir('pw-seams-');
  afterAll(() => t.cleanup());

  it('keeps one genesis and a linked, signed chain behind the index, across two engines on one folder', async () => {
    const dir = path.join(t.dir, 'chain');
    await withTwoEngines(dir, async (a, b) => {
      const ca = a.custody as StationCustody;
      const cb = b.custody as StationCustody;
      ca.chain.append('export', null, { n: 1 });
      cb.chain.append('export', null, { n: 2 });
      ca.chain.append('export', null, { n: 3 });
      const rows = new SqliteChainIndex(a.db).all();
      expect(rows.map((r) => r.kind)).toEqual(['genesis', 'export', 'export', 'export']);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
      for (const [i, r] of rows.entries()) {
        expect(r.prev_hash).toBe(i === 0 ? '0'.repeat(64) : rows[i - 1]!.entry_hash);
        expect(checkEntryAlone(r, ca.key.publicKey)).toEqual({ hashOk: true, seqOk: true, signatureOk: true });
      }
      expect(new SqliteChainIndex(a.db).page(2, 1).map((r) => r.seq)).toEqual([3]);
      expect(new SqliteChainIndex(a.db).range(2, 3).map((r) => r.seq)).toEqual([2, 3]);
    });
  });

  it('numbers anchor jobs: the highest asked-for head, and pending ones dropped up to a head', async () => {
    await withEngine(path.join(t.dir, 'jobs'), async (e) => {
      const jobs = new SqliteTimestampIndex(e.db);
      jobs.enqueue('anchor:9', 'a'.repeat(64), 0);
      jobs.enqueue('anchor:12', 'b'.repeat(64), 0);
      jobs.enqueue('clip-1', 'c'.repeat(64), 0);
      expect(jobs.highestNumbered('anchor:')).toBe(12);
      jobs.dropPendingNumbered('anchor:', 10);
      expect(jobs.get('anchor:9')).toBeUndefined();
      expect(jobs.get('anchor:12')?.state).toBe('pending');
      expect(jobs.pendingCount()).toBe(2);
    });
  });

  it('names a clip by its station key fingerprint and its id; its media URL is built from the id', async () => {
    await withEngine(path.join(t.dir, 'clip'), async (e) => {
      const id = 'mabc123-0123456789ab';
      const rel = path.join('2026-12-06', `SF1_120000_${id}.mp4`);
      await e.clips.insertRecording({
        id,
        order_code: 'SF1',
        station: 'Bench 1',
        operator: null,
        mode: 'shipping',
        started_at: Date.now(),
        mime_type: 'video/webm',
        partial_file: null,
      });
      await e.store.put(rel, { bytes: Buffer.from('not really a video') });
      await e.clips.finish(id, {
        ended_at: Date.now(),
        duration_ms: 1000,
        mono_ms: 1000,
        size_bytes: 18,
        file: rel,
        sha256: 'd'.repeat(64),
        status: 'ok',
        stop_reason: 'next-scan',
        note: null,
      });
      const clip = await e.call('clips.get', { id }, ctx);
      expect(clip.stationId).toBe((e.custody as StationCustody).key.fingerprint);
      expect(clip.stationId).toMatch(/^[0-9a-f]{64}$/);
      expect(clip.fileName).toBe(`SF1_120000_${id}.mp4`);
      expect(clip.mediaUrl).toBe(`/media/clips/${id}`);
      // No door sends where the local store keeps it; the file is there under the clips folder.
      expect(clip).not.toHaveProperty('file');
      expect(fs.readFileSync(clipPath(e, clip), 'utf8')).toBe('not really a video');
    });
  });
});

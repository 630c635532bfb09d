// The hub link and outbox behind the index seam (index/types.ts HubLinkIndex, OutboxIndex), as a
// station that publishes meets them: a sealed clip is queued once, in the transaction of its
// sealing entry, even with two engines on one data folder; enrolling anew starts over; and the
// publisher sends a clip's bytes read through the clip store, so a store without local files can
// publish. Real engines and SQLite; the clips are sealed random bytes (no ffmpeg).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteChainIndex, sqliteChain, sqliteTimestamps } from '../../electron/engine/index/sqliteEvidence.ts';
import { SqliteOutbox, sqliteHubIndex } from '../../electron/engine/index/sqliteOutbox.ts';
import type { ChainRow } from '../../electron/engine/index/types.ts';
import { StationCustody } from '../../electron/engine/evidence/stationCustody.ts';
import { signBytes } from '../../electron/engine/evidence/keys.ts';
import { Publisher } from '../../electron/engine/publish/publisher.ts';
import type { HubConnector } from '../../electron/engine/publish/hubApi.ts';
import type { ClipStore } from '../../electron/engine/store/types.ts';
import { FakeHub } from '../station-hub/fakeHub.ts';
import { sealedClip } from '../station-hub/sealedClip.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { withEngine, withTwoEngines } from '../helpers/engines.ts';
import { ctx } from '../helpers/record.ts';

describe('hub outbox seam', () => {
  const t = tmpDir('pw-outbox-seam-');
  afterAll(() => t.cleanup());

  it('queues each sealed clip once, with its sealing entry, across two engines on one folder', async () => {
    const dir = path.join(t.dir, 'two');
    await withTwoEngines(dir, async (a, b) => {
      const one = await sealedClip(a, 'TWO-1');
      const two = await sealedClip(b, 'TWO-2');
      const three = await sealedClip(a, 'TWO-3');
      const chain = new SqliteChainIndex(a.db);
      for (const engine of [a, b]) {
        const s = await engine.hubIndex.outbox.summary();
        expect(s).toMatchObject({ depth: 3, refused: 0, chainHead: chain.count() });
        // Both see the same newest first.
        expect((await engine.hubIndex.outbox.nextPending(new Set()))?.clip_id).toBe(three.id);
        expect((await engine.hubIndex.outbox.nextPending(new Set([three.id])))?.clip_id).toBe(two.id);
      }
      for (const clip of [one, two, three]) {
        const row = await b.hubIndex.outbox.get(clip.id);
        const entry = chain.newestOfClip(clip.id, 'clip')!;
        expect(row).toMatchObject({ sha256: clip.sha256, chain_seq: entry.seq, queued_at: entry.at, state: 'pending', attempts: 0 });
      }
      // A seal retried by the other engine adds no entry and no row: the confirmed clip stays confirmed.
      await a.hubIndex.outbox.confirm(one.id, '{"receipt":1}', 5000, false);
      const head = chain.count();
      await b.custody.clipSealed((await b.clips.get(one.id))!);
      expect(chain.count()).toBe(head);
      expect(await b.hubIndex.outbox.get(one.id)).toMatchObject({ state: 'confirmed', receipt: '{"receipt":1}', confirmed_at: 5000, attempts: 1 });
      expect(await a.hubIndex.outbox.summary()).toMatchObject({ depth: 2 });
    });
  });

  it('writes the outbox row inside the transaction that appends the clip entry', async () => {
    await withEngine(path.join(t.dir, 'tx'), async (e) => {
      const chain = new SqliteChainIndex(e.db);
      const outbox = new SqliteOutbox(e.db);
      const sha = 'ab'.repeat(32);
      const entry = (head: { seq: number; entry_hash: string } | undefined): ChainRow => ({
        seq: (head?.seq ?? 0) + 1,
        kind: 'clip',
        clip_id: 'clip-tx',
        at: 1_700_000_000_000,
        body: JSON.stringify({ sha256: sha, file: 'x.mp4' }),
        prev_hash: head?.entry_hash ?? '0'.repeat(64),
        entry_hash: 'cd'.repeat(32),
        signature: 'c2ln',
      });
      // Rolled back with the entry: seen inside the transaction, gone with it.
      let inside: unknown;
      expect(() =>
        e.db.transaction(() => {
          chain.append(entry);
          inside = e.db.prepare('SELECT clip_id, sha256 FROM hub_outbox WHERE clip_id=?').get('clip-tx');
          throw new Error('the seal failed after the entry');
        })(),
      ).toThrow(/the seal failed/);
      expect(inside).toEqual({ clip_id: 'clip-tx', sha256: sha });
      expect(await outbox.get('clip-tx')).toBeUndefined();
      const kept = chain.append(entry);
      expect(await outbox.get('clip-tx')).toMatchObject({ sha256: sha, chain_seq: kept.seq, state: 'pending' });
      // A new sealing entry for the clip (an adoption seals it as it is now): the same row, pending again.
      await outbox.confirm('clip-tx', '{"receipt":1}', 5000, true);
      const anew = chain.append(entry);
      expect(await outbox.get('clip-tx')).toMatchObject({ chain_seq: anew.seq, state: 'pending', receipt: null, confirmed_at: null, tsr_sent: 0 });
      expect((await outbox.summary()).depth).toBe(1);
    });
  });

  it('keeps the hub link: enrolling anew starts the chain and the holds over; errors are kept short', async () => {
    await withEngine(path.join(t.dir, 'link'), async (e) => {
      const { hubLink } = sqliteHubIndex(e.db);
      expect(await hubLink.get()).toBeNull();
      expect(await hubLink.chainSent()).toBe(0);
      expect(await hubLink.holdsSince()).toBeNull();
      const link = { url: 'http://hub.local:7480', hubName: 'Hub', hubFingerprint: 'f'.repeat(64), hubPublicKeyPem: 'PEM', enrolledAt: 1000 };
      await hubLink.save(link);
      await hubLink.setChainSent(7);
      await hubLink.setHoldsSince(5000);
      await hubLink.noteError('unreachable', 'x'.repeat(5000), 2000);
      await hubLink.noteSuccess(3000);
      expect(await hubLink.get()).toMatchObject({
        chain_sent: 7,
        holds_since: 5000,
        last_error_code: 'unreachable',
        last_error_at: 2000,
        last_success_at: 3000,
      });
      expect((await hubLink.get())!.last_error).toHaveLength(1000);
      await hubLink.save({ ...link, hubName: 'Hub again', enrolledAt: 4000 });
      expect(await hubLink.get()).toMatchObject({ hub_name: 'Hub again', chain_sent: 0, holds_since: 0, last_error: null, last_success_at: null });
      const status = await e.call('hub.status', {}, ctx);
      expect(status).toMatchObject({ enrolled: true, hubName: 'Hub again', outboxDepth: 0 });
    });
  });

  it('publishes a clip whose bytes are only in the clip store, read through it part by part', async () => {
    const hub = new FakeHub();
    await withEngine({ dataDir: path.join(t.dir, 'store'), hubConnector: hub.connector() }, async (e) => {
      await e.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
      const clip = await sealedClip(e, 'STORE-1', 100_000);
      // The bytes move to a store that is not a local folder; the clips folder no longer has them.
      const bytes = fs.readFileSync(clip.file);
      fs.rmSync(clip.file);
      const key = (await e.clips.get(clip.id))!.file!;
      const reads: [number, number][] = [];
      const store: Pick<ClipStore, 'stat' | 'readRange'> = {
        stat: async (k) => (k === key ? { size: bytes.length, mtimeMs: 0 } : null),
        readRange: async (k, start, end) => {
          if (k !== key) throw new Error(`no such clip ${k}`);
          reads.push([start, end]);
          return bytes.subarray(start, end + 1);
        },
      };
      // The hub receives what the station read: the bytes are hashed as they arrive.
      const received = new Map<string, string>();
      const inner = hub.connector();
      const connector: HubConnector = {
        enroll: inner.enroll,
        open: (cfg) => {
          const c = inner.open(cfg);
          return {
            ...c,
            publishClip: async (input, opts) => {
              received.set(
                input.sha256,
                createHash('sha256')
                  .update(await input.read(0, input.size - 1))
                  .digest('hex'),
              );
              return c.publishClip(input, opts);
            },
          };
        },
      };
      const alarms: string[] = [];
      const key0 = (e.custody as StationCustody).key;
      const publisher = new Publisher({
        hub: e.hubIndex,
        chain: sqliteChain(e.db),
        timestamps: sqliteTimestamps(e.db),
        store,
        connector,
        signer: () => ({ fingerprint: key0.fingerprint, publicKeyPem: key0.publicPem, sign: (d) => signBytes(key0.privateKey!, d) }),
        clipRow: (id) => e.clips.get(id),
        applyHold: async () => {},
        log: () => {},
        alarm: (m) => alarms.push(m),
      });
      await publisher.runRound();
      expect(hub.uploads).toEqual(['STORE-1']);
      expect(received.get(clip.sha256)).toBe(clip.sha256);
      expect(reads.length).toBeGreaterThan(0);
      expect(alarms).toEqual([]);
      expect(await e.hubIndex.outbox.get(clip.id)).toMatchObject({ state: 'confirmed', attempts: 1, last_error: null });
      expect(await e.call('hub.status', {}, ctx)).toMatchObject({ outboxDepth: 0, chainBehind: 0, lastError: null });
      // The engine's own publisher, reading the local folder, finds the file gone: kept as a hole, not retried.
      const gone = await sealedClip(e, 'STORE-2');
      fs.rmSync(gone.file);
      await e.publisher.runRound();
      expect(await e.hubIndex.outbox.get(gone.id)).toMatchObject({ state: 'gone', last_error: 'the clip file is no longer on this station' });
      expect(hub.uploads).toEqual(['STORE-1']);
    });
  });
});

// A legal hold set in the hub console reaches a real station: the station's engine (real SQLite,
// its own key and chain) enrolls with a hub serving its console over HTTP and publishes; a service
// user signs in and holds the clip with a reason; after the station's next publish round its own
// lookup and `packwitness clips --json` (a real process on its data folder) say "on hold", its
// chain has the hold entry, and retention keeps the clip while an unheld one of the same age goes.
// Released in the console: released on the station, and retention may delete it again.
// On the embedded hub (SQLite + folder) and, with the test servers, on PostgreSQL + S3.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { ctx } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ask, login, startConsoleHub, type ConsoleHub } from '../hub/consoleFixture.ts';
import { BIN, embeddedBackend, pgS3Backend, type Backend } from '../hub/hubFixture.ts';
import { describeWithService } from '../hub/services.ts';
import { sealedClip } from './sealedClip.ts';

const PASSWORD = 'correct horse battery';
const STATION = 'Pack-Hold';

interface StationClip {
  id: string;
  order: string;
  legalHold?: boolean;
  holdReason?: string | null;
}

/** `packwitness clips --order CODE --json` on the station's data folder, as a separate process. */
function cliClips(data: string, order: string): StationClip[] {
  const r = spawnSync(process.execPath, [BIN, 'clips', '--data', data, '--order', order, '--json'], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StationClip[];
}

function consoleHoldSuite(makeBackend: () => Promise<Backend>): void {
  let b: Backend;
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let data: string;

  beforeAll(async () => {
    b = await makeBackend();
    t = tmpDir('pw-console-hold-');
    h = await startConsoleHub(b);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    data = path.join(t.dir, 'station');
    engine = await Engine.open({ dataDir: data, timestampWorker: false });
    await engine.call('settings.update', { stationName: STATION }, ctx);
    const code = (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code;
    await engine.call('hub.enroll', { url: h.url, code }, ctx);
  });
  afterAll(async () => {
    await engine?.close().catch(() => {});
    await h?.close().catch(() => {});
    await b?.cleanup();
    t?.cleanup();
  });

  const holdsInChain = (clipId: string): { hold: boolean; who: string; why: string }[] =>
    (engine.db.prepare(`SELECT body FROM chain WHERE kind='legal-hold' AND clip_id=? ORDER BY seq`).all(clipId) as { body: string }[]).map((r) => {
      const e = JSON.parse(r.body) as { hold: boolean; who: string; why: string };
      return { hold: e.hold, who: e.who, why: e.why };
    });
  const lookup = async (order: string): Promise<StationClip> => {
    const found = (await engine.call('clips.search', { q: order, limit: 10 }, ctx)).clips.filter((c) => c.order === order);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('held in the console with a reason: on hold on the station after its next round, in its chain, kept by retention; released the same way', async () => {
    // Two clips of the same age, past keepDays: retention deletes the one not held.
    const held = await sealedClip(engine, 'SF1790000000001', 48 * 1024, 40);
    const free = await sealedClip(engine, 'SF1790000000002', 48 * 1024, 40);
    await engine.publisher.runRound();
    expect(await engine.call('hub.status', {}, ctx)).toMatchObject({ outboxDepth: 0, lastError: null });

    const cookie = await login(h, 'sam', PASSWORD);
    const found = (await ask(h, '/console/api/clips?q=SF179', { cookie })).json() as {
      clips: { clipId: string; station: string; stationName: string; hold: unknown }[];
    };
    const row = found.clips.find((c) => c.clipId === held.id)!;
    expect(row).toMatchObject({ stationName: STATION, station: engine.stationId, hold: null });
    const holdPath = `/console/api/clips/${encodeURIComponent(row.station)}/${held.id}/hold`;
    const set = await ask(h, holdPath, { cookie, body: { held: true, reason: 'Shopee dispute 2211' } });
    expect(set.status, set.body.toString()).toBe(200);
    expect(set.json()).toMatchObject({ hold: { held: true, by: 'sam' }, objectLock: b.objectLock === 'enforced' ? 'set' : 'unsupported' });

    // Not yet: the station learns of it in its next publish round.
    expect((await lookup(held.order)).legalHold).toBe(false);
    await engine.publisher.runRound();
    expect(await lookup(held.order)).toMatchObject({ id: held.id, legalHold: true, holdReason: 'Shopee dispute 2211' });
    expect(await lookup(free.order)).toMatchObject({ legalHold: false });
    expect(cliClips(data, held.order)).toEqual([expect.objectContaining({ id: held.id, legalHold: true, holdReason: 'Shopee dispute 2211' })]);
    expect(holdsInChain(held.id)).toEqual([{ hold: true, who: 'hub: sam', why: 'Shopee dispute 2211' }]);
    // A second round changes nothing (the hold is applied once).
    await engine.publisher.runRound();
    expect(holdsInChain(held.id)).toHaveLength(1);

    await engine.call('settings.update', { keepDays: 30 }, ctx);
    expect((await engine.call('retention.run', {}, ctx)).deleted.map((d) => d.order)).toEqual([free.order]);
    expect(fs.existsSync(held.file)).toBe(true);
    expect(fs.existsSync(free.file)).toBe(false);

    h.clock.now += 1000;
    const released = await ask(h, holdPath, { cookie, body: { held: false, reason: 'dispute closed' } });
    expect(released.status, released.body.toString()).toBe(200);
    await engine.publisher.runRound();
    expect(await lookup(held.order)).toMatchObject({ legalHold: false });
    expect(cliClips(data, held.order)).toEqual([expect.objectContaining({ id: held.id, legalHold: false })]);
    expect(holdsInChain(held.id)).toEqual([
      { hold: true, who: 'hub: sam', why: 'Shopee dispute 2211' },
      { hold: false, who: 'hub: sam', why: 'dispute closed' },
    ]);
    // Released and past keepDays: retention may delete it now (the hub holds its copy).
    expect((await engine.call('retention.run', {}, ctx)).deleted.map((d) => d.order)).toEqual([held.order]);
    expect(fs.existsSync(held.file)).toBe(false);
  });
}

describe('a legal hold from the console reaches the station (embedded hub)', () => {
  consoleHoldSuite(async () => embeddedBackend());
});

describeWithService('s3', 'a legal hold from the console reaches the station (hub on S3', () => {
  describeWithService('pg', 'and PostgreSQL)', () => {
    consoleHoldSuite(pgS3Backend);
  });
});

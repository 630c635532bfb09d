// The station's outbox against an in-memory hub (fakeHub.ts): enrolling, order, idempotence,
// the hub away, refusals, an impostor, retention's gate and holds from the hub. Real engine and
// SQLite; the clips are sealed random bytes (sealedClip.ts), so this file needs no ffmpeg.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import type { HubConnector } from '../../electron/engine/publish/hubApi.ts';
import { ctx } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { FakeHub } from './fakeHub.ts';
import { sealedClip } from './sealedClip.ts';

describe('station outbox (fake hub)', () => {
  let t: ReturnType<typeof tmpDir>;
  const engines: Engine[] = [];
  beforeAll(() => {
    t = tmpDir('pw-outbox-');
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => {});
  });
  afterAll(() => t.cleanup());

  // The connector can be swapped mid-test: a look-alike hub answering at the same address.
  async function station(hub: FakeHub): Promise<{ engine: Engine; use: (h: FakeHub) => void }> {
    let current: HubConnector = hub.connector();
    const connector: HubConnector = { enroll: (...a) => current.enroll(...a), open: (cfg) => current.open(cfg) };
    const engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(t.dir, 'data-')), hubConnector: connector });
    engines.push(engine);
    return { engine, use: (h) => (current = h.connector()) };
  }

  it('enrolls with a code naming the hub key, and refuses a code for another hub or a bad code', async () => {
    const hub = new FakeHub();
    const other = new FakeHub();
    const { engine } = await station(hub);
    const before = await engine.call('hub.status', {}, ctx);
    expect(before.enrolled).toBe(false);
    await expect(engine.call('hub.enroll', { url: 'http://127.0.0.1:7480', code: 'hello' }, ctx)).rejects.toThrow(/not an enrollment code/);
    await expect(engine.call('hub.enroll', { url: 'ftp://x', code: hub.code() }, ctx)).rejects.toThrow(/not a hub address/);
    await expect(engine.call('hub.enroll', { url: 'http://127.0.0.1:7480', code: other.code() }, ctx)).rejects.toThrow(/not the hub the code was made for/);
    expect((await engine.call('hub.status', {}, ctx)).enrolled).toBe(false);
    // A scanner in lower case, with stray spaces: still the same code.
    const s = await engine.call('hub.enroll', { url: 'http://127.0.0.1:7480/', code: ` ${hub.code().replace('ABCDEFGHIJ', 'abcdefghij')} ` }, ctx);
    expect(s).toMatchObject({ enrolled: true, url: 'http://127.0.0.1:7480', hubName: 'Fake hub', hubFingerprint: hub.fingerprint, outboxDepth: 0 });
  });

  it('publishes the chain and every sealed clip newest first, once, and says so in Status and doctor', async () => {
    const hub = new FakeHub();
    const { engine } = await station(hub);
    const a = await sealedClip(engine, 'ORD-A');
    const b = await sealedClip(engine, 'ORD-B');
    const c = await sealedClip(engine, 'ORD-C');
    // Sealed before enrolling: waiting in the outbox all the same.
    expect((db(engine).prepare('SELECT count(*) AS n FROM hub_outbox').get() as { n: number }).n).toBe(3);
    await engine.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
    expect((await engine.call('hub.status', {}, ctx)).outboxDepth).toBe(3);
    await engine.publisher.runRound();
    expect(hub.uploads).toEqual(['ORD-C', 'ORD-B', 'ORD-A']);
    for (const clip of [a, b, c]) expect(hub.clips.get(clip.sha256)?.order).toBe(clip.order);
    const chainCount = (db(engine).prepare('SELECT count(*) AS n FROM chain').get() as { n: number }).n;
    expect(hub.chain.size).toBe(chainCount);
    const s = await engine.call('hub.status', {}, ctx);
    expect(s).toMatchObject({ outboxDepth: 0, oldestUnpublishedAt: null, refused: 0, chainBehind: 0, lastError: null });
    expect(s.lastSuccessAt).not.toBeNull();
    await engine.publisher.runRound();
    expect(hub.uploads).toHaveLength(3);
    const health = await engine.call('station.health', {}, ctx);
    const line = health.checks.find((x) => x.id === 'hub')!;
    expect(line.level).toBe('ok');
    expect(line.text).toContain('every sealed clip is published');
  });

  it('keeps everything while the hub is down and sends it all, once, when it returns', async () => {
    const hub = new FakeHub();
    const { engine } = await station(hub);
    await engine.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
    hub.up = false;
    const orders = ['DOWN-1', 'DOWN-2', 'DOWN-3', 'DOWN-4'];
    for (const o of orders) {
      await sealedClip(engine, o);
      await engine.publisher.runRound();
    }
    const down = await engine.call('hub.status', {}, ctx);
    expect(down.outboxDepth).toBe(4);
    expect(down.oldestUnpublishedAt).not.toBeNull();
    expect(down.lastError?.code).toBe('unreachable');
    const health = await engine.call('station.health', {}, ctx);
    expect(health.checks.find((x) => x.id === 'hub')).toMatchObject({ level: 'warning' });
    expect(health.checks.find((x) => x.id === 'hub')!.text).toContain('4 clip(s) not yet published');
    hub.up = true;
    await engine.publisher.runRound();
    expect([...hub.uploads].sort()).toEqual([...orders].sort());
    expect(new Set(hub.uploads).size).toBe(4);
    expect((await engine.call('hub.status', {}, ctx)).outboxDepth).toBe(0);
  });

  it('sends nothing to a look-alike hub at the pinned address and names it', async () => {
    const hub = new FakeHub();
    const impostor = new FakeHub();
    const { engine, use } = await station(hub);
    await engine.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
    await sealedClip(engine, 'SECRET-1');
    use(impostor);
    await engine.publisher.runRound();
    expect(impostor.uploads).toEqual([]);
    expect(impostor.chain.size).toBe(0);
    const s = await engine.call('hub.status', {}, ctx);
    expect(s.lastError?.code).toBe('impostor');
    expect(s.outboxDepth).toBe(1);
    expect(engine.currentProblems().join('\n')).toMatch(/did not prove it holds the hub key/);
    const line = (await engine.call('station.health', {}, ctx)).checks.find((x) => x.id === 'hub')!;
    expect(line.level).toBe('problem');
    expect(line.details.join('\n')).toContain('IMPOSTOR');
  });

  it('a refused clip stays here, is not sent again and is raised as an alarm', async () => {
    const hub = new FakeHub();
    const { engine } = await station(hub);
    await engine.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
    hub.refuse.add('BAD-1');
    const bad = await sealedClip(engine, 'BAD-1');
    await sealedClip(engine, 'GOOD-1');
    await engine.publisher.runRound();
    await engine.publisher.runRound();
    expect(hub.uploads).toEqual(['GOOD-1']);
    const s = await engine.call('hub.status', {}, ctx);
    expect(s).toMatchObject({ refused: 1, outboxDepth: 1 });
    expect(engine.currentProblems().join('\n')).toMatch(/The hub refused the clip of BAD-1/);
    expect(fs.existsSync(bad.file)).toBe(true);
    const line = (await engine.call('station.health', {}, ctx)).checks.find((x) => x.id === 'hub')!;
    expect(line.level).toBe('problem');
    expect(line.details.join('\n')).toContain('BAD-1');
  });

  it('retention deletes only what the hub confirmed, asking it again just before the delete', async () => {
    const hub = new FakeHub();
    const { engine } = await station(hub);
    await engine.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
    const published = await sealedClip(engine, 'OLD-PUB', 48 * 1024, 40);
    const lost = await sealedClip(engine, 'OLD-LOST', 48 * 1024, 40);
    await engine.publisher.runRound();
    hub.up = false;
    const unpublished = await sealedClip(engine, 'OLD-UNPUB', 48 * 1024, 40);
    await engine.call('settings.update', { keepDays: 30 }, ctx);
    // The hub is down: nothing can be confirmed just before the delete, so nothing goes.
    let r = await engine.call('retention.run', {}, ctx);
    expect(r.deleted).toEqual([]);
    hub.up = true;
    hub.clips.delete(lost.sha256); // the hub lost it (restored from an old backup)
    r = await engine.call('retention.run', {}, ctx);
    expect(r.deleted.map((d) => d.order)).toEqual(['OLD-PUB']);
    expect(fs.existsSync(published.file)).toBe(false);
    expect(fs.existsSync(lost.file)).toBe(true);
    expect(fs.existsSync(unpublished.file)).toBe(true);
    // The clip the hub lost goes back into the outbox and is published again.
    await engine.publisher.runRound();
    expect(hub.clips.has(lost.sha256)).toBe(true);
    expect(hub.clips.has(unpublished.sha256)).toBe(true);
    r = await engine.call('retention.run', {}, ctx);
    expect(r.deleted.map((d) => d.order).sort()).toEqual(['OLD-LOST', 'OLD-UNPUB']);
  });

  it('applies a legal hold set on the hub to the local clip', async () => {
    const hub = new FakeHub();
    const { engine } = await station(hub);
    await engine.call('hub.enroll', { url: 'http://hub.local:7480', code: hub.code() }, ctx);
    const clip = await sealedClip(engine, 'DISPUTE-9');
    await engine.publisher.runRound();
    hub.holdsList.push({ clipId: clip.id, sha256: clip.sha256, held: true, reason: 'Ticket 88', at: Date.now(), by: 'cs-anna' });
    await engine.publisher.runRound();
    const got = await engine.call('clips.get', { id: clip.id }, ctx);
    expect(got.legalHold).toBe(true);
    expect(got.holdReason).toBe('Ticket 88');
    // The hold is a chain entry like any other, and reaches the hub with the next round.
    const seq = (db(engine).prepare(`SELECT max(seq) AS s FROM chain WHERE kind='legal-hold'`).get() as { s: number }).s;
    await engine.publisher.runRound();
    expect(hub.chain.get(seq)?.kind).toBe('legal-hold');
  });
});

function db(engine: Engine) {
  return engine.db;
}

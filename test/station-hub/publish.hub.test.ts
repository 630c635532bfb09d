// Stations publishing to a real hub: `packwitness hub` and `packwitness enroll` as real processes,
// the station's engine with real SQLite, the real hub client over HTTP. The first clip is a real
// recording; the many-clip cases seal random bytes (sealedClip.ts): clips recorded from one test
// video are byte-identical, and the hub keeps identical bytes once (content-addressed).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { ctx, recordClip } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { makeCounterWebm } from '../helpers/counterClip.ts';
import { sealedClip } from './sealedClip.ts';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'packwitness.mjs');

function cli(args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: process.env });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Hub {
  dir: string;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `packwitness hub` on a fixed port, so a restarted (or look-alike) hub answers at the same address. */
async function startHub(dir: string, port: number): Promise<Hub> {
  const child = spawn(process.execPath, [BIN, 'hub', '--data', dir, '--host', '127.0.0.1', '--port', String(port), '--name', path.basename(dir)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}):\n${out}`)));
  });
  return {
    dir,
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

function enrollCode(hubDir: string): string {
  const r = cli(['hub', 'enroll-code', '--data', hubDir, '--json']);
  expect(r.status, r.err).toBe(0);
  return (JSON.parse(r.out) as { code: string }).code;
}

function hubClips(hubDir: string, extra: string[] = []): { id: string; order: string; sha256: string; station: string }[] {
  const r = cli(['hub', 'clips', '--data', hubDir, '--json', ...extra]);
  expect(r.status, r.err).toBe(0);
  return JSON.parse(r.out) as { id: string; order: string; sha256: string; station: string }[];
}

describe('stations publish to a real hub', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: string;
  const hubs: Hub[] = [];
  const engines: Engine[] = [];
  beforeAll(() => {
    t = tmpDir('pw-station-hub-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 1, '320x180');
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => {});
    for (const h of hubs.splice(0)) await h.stop();
  });
  afterAll(() => t.cleanup());

  const dir = (name: string) => fs.mkdtempSync(path.join(t.dir, `${name}-`));
  async function hubAt(hubDir: string, port: number): Promise<Hub> {
    const h = await startHub(hubDir, port);
    hubs.push(h);
    return h;
  }
  async function station(data: string, name: string): Promise<Engine> {
    const e = await Engine.open({ dataDir: data, timestampWorker: false });
    await e.call('settings.update', { stationName: name }, ctx);
    engines.push(e);
    return e;
  }

  it('a station enrolled with `packwitness enroll` publishes; `hub clips` finds the clip with the same SHA-256; doctor says so', async () => {
    const hub = await hubAt(dir('hub'), await freePort());
    const data = dir('station');
    // The station names itself before it enrolls: the hub lists it under that name.
    const named = await Engine.open({ dataDir: data, timestampWorker: false });
    await named.call('settings.update', { stationName: 'Pack-1' }, ctx);
    await named.close();
    const bad = cli(['enroll', hub.url, 'PWE1-AAAAAAAAAAAAAAAAAAAA-0000000000000000', '--data', data]);
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/not the hub the code was made for/);
    const r = cli(['enroll', hub.url, enrollCode(hub.dir), '--data', data]);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain(`Enrolled with the hub "${path.basename(hub.dir)}" at ${hub.url}`);
    const engine = await station(data, 'Pack-1');
    const clip = (await recordClip(engine, 'SF1234567890', webm)).clip!;
    await engine.publisher.runRound();
    const found = hubClips(hub.dir, ['--order', 'SF1234567890']);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ id: clip.id, sha256: clip.sha256, station: 'Pack-1' });
    const s = await engine.call('hub.status', {}, ctx);
    expect(s).toMatchObject({ enrolled: true, outboxDepth: 0, chainBehind: 0, lastError: null });
    const doctor = cli(['doctor', '--data', data]);
    expect(doctor.out).toMatch(/Hub ".*" at http:\/\/127\.0\.0\.1:\d+; every sealed clip is published; last success/);
    // Published again (a restart, a lost answer): the hub keeps one copy.
    engine.db.prepare(`UPDATE hub_outbox SET state='pending'`).run();
    await engine.publisher.runRound();
    expect(hubClips(hub.dir)).toHaveLength(1);
  });

  it('hub down while two stations record many short clips: all arrive afterwards, none twice', async () => {
    const port = await freePort();
    const hubDir = dir('hub');
    let hub = await hubAt(hubDir, port);
    const a = await station(dir('station-a'), 'Pack-A');
    const b = await station(dir('station-b'), 'Pack-B');
    await a.call('hub.enroll', { url: hub.url, code: enrollCode(hubDir) }, ctx);
    await b.call('hub.enroll', { url: hub.url, code: enrollCode(hubDir) }, ctx);
    await hub.stop();
    const sha = new Map<string, string>();
    for (let i = 0; i < 10; i++) {
      for (const [e, s] of [
        [a, 'A'],
        [b, 'B'],
      ] as const) {
        const c = await sealedClip(e, `DOWN-${s}-${i}`);
        sha.set(c.order, c.sha256);
        if (i % 3 === 0) await e.publisher.runRound(); // rounds fail while the hub is away
      }
    }
    for (const e of [a, b]) {
      const s = await e.call('hub.status', {}, ctx);
      expect(s.outboxDepth).toBe(10);
      expect(s.lastError?.code).toBe('unreachable');
      expect(s.oldestUnpublishedAt).not.toBeNull();
    }
    hub = await hubAt(hubDir, port);
    await Promise.all([a.publisher.runRound(), b.publisher.runRound()]);
    const clips = hubClips(hubDir);
    expect(clips).toHaveLength(20);
    expect(new Set(clips.map((c) => c.sha256)).size).toBe(20);
    for (const c of clips) expect(c.sha256).toBe(sha.get(c.order));
    for (const e of [a, b]) {
      const s = await e.call('hub.status', {}, ctx);
      expect(s.outboxDepth).toBe(0);
      expect(Date.parse(s.lastSuccessAt!)).toBeGreaterThan(Date.parse(s.lastError!.at));
    }
  });

  it('retention below the disk reserve keeps every clip the hub has not confirmed while it is down', async () => {
    const port = await freePort();
    const hubDir = dir('hub');
    let hub = await hubAt(hubDir, port);
    const engine = await station(dir('station'), 'Pack-R');
    await engine.call('hub.enroll', { url: hub.url, code: enrollCode(hubDir) }, ctx);
    // Recorded three days ago (a row changed after sealing would no longer match its manifest: the hub refuses it).
    const published = await sealedClip(engine, 'KEEP-PUB', 48 * 1024, 3);
    await engine.publisher.runRound();
    await hub.stop();
    const waiting = [await sealedClip(engine, 'KEEP-1', 48 * 1024, 3), await sealedClip(engine, 'KEEP-2', 48 * 1024, 3)];
    // A reserve no disk has: the station is "at its reserve" and would delete the oldest clips.
    await engine.call('settings.update', { reserveMb: 10_000_000, protectDays: 1, deleteOldestForSpace: true }, ctx);
    const r = await engine.call('retention.run', {}, ctx);
    expect(r.deleted).toEqual([]);
    expect(r.message).toMatch(/3 clip\(s\) old enough to go are kept until the hub confirms it holds them/);
    for (const c of [published, ...waiting]) expect(fs.existsSync(c.file)).toBe(true);
    // The hub back: the confirmed clip goes first; the others once they are published.
    hub = await hubAt(hubDir, port);
    expect((await engine.call('retention.run', {}, ctx)).deleted.map((d) => d.order)).toEqual(['KEEP-PUB']);
    for (const c of waiting) expect(fs.existsSync(c.file)).toBe(true);
    await engine.publisher.runRound();
    expect((await engine.call('retention.run', {}, ctx)).deleted.map((d) => d.order).sort()).toEqual(['KEEP-1', 'KEEP-2']);
  });

  it('a look-alike hub (another key) at the pinned address gets nothing, and Status names it', async () => {
    const port = await freePort();
    const real = await hubAt(dir('hub'), port);
    const engine = await station(dir('station'), 'Pack-L');
    await engine.call('hub.enroll', { url: real.url, code: enrollCode(real.dir) }, ctx);
    await real.stop();
    const fake = await hubAt(dir('lookalike'), port);
    await sealedClip(engine, 'SECRET-ORDER');
    await engine.publisher.runRound();
    expect(hubClips(fake.dir)).toEqual([]);
    const s = await engine.call('hub.status', {}, ctx);
    expect(s.lastError?.code).toBe('impostor');
    expect(s.outboxDepth).toBe(1);
    const line = (await engine.call('station.health', {}, ctx)).checks.find((c) => c.id === 'hub')!;
    expect(line.level).toBe('problem');
    expect(line.details.join('\n')).toMatch(/IMPOSTOR/);
  });

  it('a refused upload (bytes no longer matching the seal) stays here and shows in Status', async () => {
    const hub = await hubAt(dir('hub'), await freePort());
    const engine = await station(dir('station'), 'Pack-X');
    await engine.call('hub.enroll', { url: hub.url, code: enrollCode(hub.dir) }, ctx);
    const clip = await sealedClip(engine, 'TAMPERED-1');
    const bytes = fs.readFileSync(clip.file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    fs.writeFileSync(clip.file, bytes);
    await sealedClip(engine, 'FINE-1');
    await engine.publisher.runRound();
    expect(hubClips(hub.dir).map((c) => c.order)).toEqual(['FINE-1']);
    const s = await engine.call('hub.status', {}, ctx);
    expect(s).toMatchObject({ refused: 1, outboxDepth: 1 });
    expect(s.lastError?.code).toBe('refused');
    expect(engine.currentProblems().join('\n')).toMatch(/The hub refused the clip of TAMPERED-1/);
    const line = (await engine.call('station.health', {}, ctx)).checks.find((c) => c.id === 'hub')!;
    expect(line.level).toBe('problem');
    expect(fs.existsSync(clip.file)).toBe(true);
  });
  it('a clip deleted on the station before it reached the hub is a hole on the hub: `hub clips` and `hub doctor` name it and why', async () => {
    const hub = await hubAt(dir('hub'), await freePort());
    const engine = await station(dir('station'), 'Pack-H');
    // Not enrolled yet: retention deletes by age as it always did; the chain keeps the record.
    const lost = await sealedClip(engine, 'LOST-1', 48 * 1024, 40);
    await sealedClip(engine, 'KEPT-1');
    await engine.call('settings.update', { keepDays: 30 }, ctx);
    expect((await engine.call('retention.run', {}, ctx)).deleted.map((d) => d.order)).toEqual(['LOST-1']);
    await engine.call('hub.enroll', { url: hub.url, code: enrollCode(hub.dir) }, ctx);
    await engine.publisher.runRound();
    // The station is done: the lost clip is not waiting in its outbox, its chain entries were sent.
    expect(await engine.call('hub.status', {}, ctx)).toMatchObject({ outboxDepth: 0, chainBehind: 0 });

    const json = cli(['hub', 'clips', '--data', hub.dir, '--order', 'LOST-1', '--json']);
    expect(json.status).toBe(1); // no video of that order on the hub
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({
        id: lost.id,
        order: 'LOST-1',
        station: 'Pack-H',
        sha256: lost.sha256,
        hole: true,
        reason: expect.stringMatching(/^deleted on the station before it reached the hub: older than 30 days.*\(by .*chain entry \d+, /),
      }),
    ]);
    const text = cli(['hub', 'clips', '--data', hub.dir, '--order', 'LOST-1']);
    expect(text.out).toContain('No clip was found for order LOST-1.');
    expect(text.out).toMatch(
      new RegExp(`HOLE Pack-H: clip ${lost.id} of order LOST-1, recorded \\S+ … \\S+: deleted on the station before it reached the hub`),
    );
    expect(hubClips(hub.dir, ['--order', 'KEPT-1'])).toHaveLength(1);

    const doctor = cli(['hub', 'doctor', '--data', hub.dir, '--json']);
    expect(doctor.status).toBe(1);
    const report = JSON.parse(doctor.out) as { lostClips: { clipId: string; order: string; stationName: string; kind: string }[] };
    expect(report.lostClips).toEqual([expect.objectContaining({ clipId: lost.id, order: 'LOST-1', stationName: 'Pack-H', kind: 'deleted' })]);
    const doctorText = cli(['hub', 'doctor', '--data', hub.dir]);
    expect(doctorText.out).toMatch(
      /Clips that will never reach the hub \(deleted on their station before they were published\):\n {2}Pack-H: clip \S+ of order LOST-1/,
    );
  });

  it("a clip's continuity entry (read back seconds after the seal) reaches the hub at once, not with the next minute's round", async () => {
    const hub = await hubAt(dir('hub'), await freePort());
    const engine = await station(dir('station'), 'Pack-C');
    await engine.call('hub.enroll', { url: hub.url, code: enrollCode(hub.dir) }, ctx);
    engine.startMaintenance();
    const counted = path.join(t.dir, 'counted.mkv');
    makeCounterWebm(counted, { frames: 60 });
    const clip = (await recordClip(engine, 'CONT-1', counted)).clip!;
    await engine.continuity.idle();
    const head = engine.db.prepare('SELECT max(seq) AS seq FROM chain').get() as { seq: number };
    const entry = engine.db.prepare('SELECT kind FROM chain WHERE seq=?').get(head.seq) as { kind: string };
    expect(entry.kind).toBe('continuity');
    // The publisher's idle round comes each minute; the entry goes well before that.
    const deadline = Date.now() + 40_000;
    let status = await engine.call('hub.status', {}, ctx);
    while ((status.chainBehind > 0 || status.outboxDepth > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = await engine.call('hub.status', {}, ctx);
    }
    expect(status).toMatchObject({ outboxDepth: 0, chainBehind: 0, lastError: null });
    expect(hubClips(hub.dir, ['--order', 'CONT-1'])).toEqual([expect.objectContaining({ id: clip.id })]);
  });
});

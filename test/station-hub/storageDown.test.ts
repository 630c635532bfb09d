// The hub's own storage goes away while a station publishes: its S3 gateway, then its PostgreSQL,
// each stopped for real in the middle of a multipart upload (the station's client is told after
// the first part of a clip was stored, and the server is stopped right then), then started again.
// Then a station killed with SIGKILL mid-upload (`packwitness serve`). The servers are a private
// pair for this file (scripts/services/*.sh), so the shared ones stay up. What a user must see:
// the outbox waits and says why (Status, doctor), the hub answers 503 naming what is down, nothing
// is lost, and once the servers are back every clip arrives once, resumed from the stored parts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ctx } from '../helpers/record.ts';
import { startServe } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { hubConnector } from '../../electron/engine/publish/connect.ts';
import type { HubClientLike, HubConnector } from '../../electron/engine/publish/hubApi.ts';
import type { HubClient } from '../../electron/hub/client/index.ts';
import { hubHealthLine } from '../../electron/engine/publish/outbox.ts';
import { newEnrollCode, writeHubSettings, type HubSettings } from '../../electron/hub/server/identity.ts';
import { HubService } from '../../electron/hub/server/ingest.ts';
import { startHubServer, type RunningHub } from '../../electron/hub/server/http.ts';
import { openHubParts, type OpenedHub } from '../../electron/hub/server/open.ts';
import { hubDoctor } from '../../electron/hub/server/doctor.ts';
import { S3ClipStore, parseS3Url } from '../../electron/hub/store/s3.ts';
import { describeWithService } from '../hub/services.ts';
import { sealedClip } from './sealedClip.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MiB = 1024 * 1024;
const PART = 5 * MiB;

/** A services script, with no descriptor of ours left open in its daemons (the test lock's among them). */
function service(script: 'postgres' | 's3', cmd: string, dir: string): string {
  const r = spawnSync(
    'bash',
    [
      '-c',
      `for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec bash "$0" "$1" "$2"`,
      `${ROOT}/scripts/services/${script}.sh`,
      cmd,
      dir,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) throw new Error(`${script}.sh ${cmd} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim();
}

/** What the station's client saw: each clip's parts as they were stored, and the errors it got. */
interface Watch {
  parts: Map<string, number[]>;
  errors: { status?: number; hubCode?: string; message: string }[];
  /** Called once, after the first part of an upload was stored (then cleared). */
  afterFirstPart: (() => void) | null;
}

function watchingConnector(w: Watch): HubConnector {
  return {
    enroll: (...a) => hubConnector.enroll(...a),
    open(cfg) {
      // The real client (electron/hub/client) takes onPart; the publisher's narrow interface does not.
      const c = hubConnector.open(cfg) as unknown as HubClient;
      const watched: HubClientLike = {
        ...c,
        hello: () => c.hello(),
        publishChain: (e) => c.publishChain(e),
        publishTsr: (s, t) => c.publishTsr(s, t),
        clipState: (s) => c.clipState(s),
        holds: (s) => c.holds(s),
        async publishClip(clip, opts: { signal?: AbortSignal; onPart?: (n: number, of: number) => void } = {}) {
          try {
            return await c.publishClip(clip, {
              ...opts,
              onPart: (n, of) => {
                w.parts.set(clip.sha256, [...(w.parts.get(clip.sha256) ?? []), n]);
                const hook = w.afterFirstPart;
                if (hook && of > 1) {
                  w.afterFirstPart = null;
                  hook();
                }
                opts.onPart?.(n, of);
              },
            });
          } catch (err) {
            const e = err as { status?: number; hubCode?: string; message?: string };
            w.errors.push({
              ...(e.status !== undefined ? { status: e.status } : {}),
              ...(e.hubCode ? { hubCode: e.hubCode } : {}),
              message: String(e.message),
            });
            throw err;
          }
        },
      };
      return watched;
    },
  };
}

describeWithService('s3', "the hub's S3 and PostgreSQL go down while a station publishes (private servers, stopped for real)", () => {
  let t: ReturnType<typeof tmpDir>;
  let pgDir: string;
  let s3Dir: string;
  let settings: HubSettings;
  let hubDir: string;
  let parts: OpenedHub;
  let running: RunningHub;
  /** Part numbers the hub was sent, per clip (the station's resume is seen here). */
  const received = new Map<string, number[]>();
  /** A part the hub holds before storing it, until the test lets it go (the kill -9 case). */
  let holdPart: { sha256: string | null; n: number; arrived: () => void; release: Promise<void> } | null = null;
  const w: Watch = { parts: new Map(), errors: [], afterFirstPart: null };
  const engines: Engine[] = [];

  beforeAll(async () => {
    t = tmpDir('pw-storage-down-');
    fs.chmodSync(t.dir, 0o755); // the postgres user must reach its folder
    pgDir = path.join(t.dir, 'pg');
    s3Dir = path.join(t.dir, 's3');
    fs.mkdirSync(pgDir);
    fs.mkdirSync(s3Dir);
    const pgUrl = service('postgres', 'start', pgDir);
    service('s3', 'start', s3Dir);
    const env = Object.fromEntries(
      fs
        .readFileSync(path.join(s3Dir, 'env'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    ) as Record<string, string>;
    const s3 = `${env.PACKWITNESS_TEST_S3_URL}/pw-faults`;
    const admin = new S3ClipStore({
      endpoint: parseS3Url(s3).endpoint,
      bucket: 'pw-faults',
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    await admin.ensureBucket({ objectLock: true });
    await admin.close();
    hubDir = path.join(t.dir, 'hub');
    fs.mkdirSync(hubDir);
    // The keys from a file named in hub.json, as a production hub may keep them.
    settings = { name: 'Faults hub', pg: pgUrl, s3, s3CredentialsFile: path.join(s3Dir, 'env'), retention: null };
    writeHubSettings(hubDir, settings);
    parts = await openHubParts(hubDir, settings, { partSize: PART });
    const svc = new HubService({ index: parts.index, store: parts.store, key: parts.key, name: settings.name });
    /** Notes a part the hub was sent; the held one waits for the test, then fails as the kill did. */
    const seen = async (sha256: string, n: number): Promise<void> => {
      received.set(sha256, [...(received.get(sha256) ?? []), n]);
      const h = holdPart;
      if (h && n === h.n && (h.sha256 === null || h.sha256 === sha256)) {
        h.sha256 = sha256;
        h.arrived();
        await h.release;
        throw new Error('the station was killed while this part was on its way');
      }
    };
    const part = svc.part.bind(svc);
    svc.part = async (station, sha256, n, bytes, md5) => {
      await seen(sha256, n);
      return part(station, sha256, n, bytes, md5);
    };
    // Parts signed over their MD5 stream through to S3 (partStream): seen and held the same way,
    // before a byte of the body is read.
    const partStream = svc.partStream.bind(svc);
    svc.partStream = async (station, sha256, n, body, length, md5) => {
      await seen(sha256, n);
      return partStream(station, sha256, n, body, length, md5);
    };
    running = await startHubServer({ service: svc, host: '127.0.0.1', port: 0 });
  }, 400_000);

  afterAll(async () => {
    for (const e of engines.splice(0)) await e.close().catch(() => {});
    await running?.close().catch(() => {});
    await parts?.close().catch(() => {});
    for (const [script, dir] of [
      ['s3', s3Dir],
      ['postgres', pgDir],
    ] as const) {
      if (dir) {
        try {
          service(script, 'stop', dir);
        } catch (e) {
          console.error(e);
        }
      }
    }
    t?.cleanup();
  }, 120_000);

  async function enrolledStation(name: string): Promise<{ engine: Engine; data: string }> {
    const data = fs.mkdtempSync(path.join(t.dir, 'station-'));
    const engine = await Engine.open({ dataDir: data, timestampWorker: false, hubConnector: watchingConnector(w) });
    engines.push(engine);
    await engine.call('settings.update', { stationName: name }, ctx);
    const { code } = await newEnrollCode(parts.index, parts.key.fingerprint);
    await engine.call('hub.enroll', { url: running.url, code }, ctx);
    return { engine, data };
  }

  async function onHub(station: string): Promise<{ sha256: string; sizeBytes: number }[]> {
    return parts.index.findClips({ station, limit: 1000 });
  }

  it("S3 down mid-upload: the outbox waits and says the hub's clip store is down (503), then drains once, resumed from the stored parts", async () => {
    const { engine } = await enrolledStation('Pack-S3');
    const clips = [
      await sealedClip(engine, 'S3DOWN-1', 2 * PART + 4096),
      await sealedClip(engine, 'S3DOWN-2', 48 * 1024),
      await sealedClip(engine, 'S3DOWN-3', 2 * PART + 8192), // newest: sent first
    ];
    w.afterFirstPart = () => service('s3', 'gateway-stop', s3Dir);
    await engine.publisher.runRound();

    // The first part of the newest clip was stored, then S3 went away.
    expect(w.parts.get(clips[2]!.sha256)).toEqual([1]);
    const err = w.errors.at(-1)!;
    expect(err).toMatchObject({ status: 503, hubCode: 'store-unavailable' });
    expect(err.message).toMatch(/the hub's clip store cannot be reached/);
    const status = await engine.call('hub.status', {}, ctx);
    expect(status.outboxDepth).toBe(3);
    expect(status.lastError).toMatchObject({ code: 'unreachable' });
    expect(status.lastError!.message).toMatch(/^the hub is up but its clip store cannot be reached; this station keeps its clips/);
    const line = (await hubHealthLine(engine.hubIndex))!;
    expect(line.level).toBe('warning');
    expect(line.text).toContain('3 clip(s) not yet published');
    expect(line.details.join('\n')).toMatch(/last error .*: the hub is up but its clip store cannot be reached/);
    const doctor = await hubDoctor(parts);
    expect(doctor.store.writable).toBe(false);
    expect(doctor.store.message).toMatch(/cannot be reached|NOT writable/);
    const fp = (await parts.index.getStation('Pack-S3'))!.fingerprint;
    expect(await onHub(fp)).toEqual([]);

    // Still down: another round waits again, nothing is lost on the station.
    await engine.publisher.runRound();
    expect((await engine.call('hub.status', {}, ctx)).outboxDepth).toBe(3);
    for (const c of clips) expect(fs.existsSync(c.file)).toBe(true);

    service('s3', 'gateway-start', s3Dir);
    await engine.publisher.runRound();
    const after = await engine.call('hub.status', {}, ctx);
    expect(after).toMatchObject({ outboxDepth: 0, chainBehind: 0 });
    // Resumed: part 1 of the interrupted clip was not sent again.
    expect(w.parts.get(clips[2]!.sha256)).toEqual([1, 2, 3]);
    // The hub was sent part 2 twice: refused with S3 down, then again; part 1 once.
    expect(received.get(clips[2]!.sha256)).toEqual([1, 2, 2, 3]);
    const held = await onHub(fp);
    expect(held.map((c) => c.sha256).sort()).toEqual(clips.map((c) => c.sha256).sort());
    for (const c of clips) {
      const st = await parts.store.stat(c.sha256);
      expect(st?.size).toBe(fs.statSync(c.file).size);
    }
    expect((await hubDoctor(parts)).uploadsUnderWay).toEqual([]);
  }, 300_000);

  it('PostgreSQL down mid-upload: the hub answers 503 naming its index, the outbox waits, then drains with nothing twice', async () => {
    const { engine } = await enrolledStation('Pack-PG');
    const clips = [await sealedClip(engine, 'PGDOWN-1', 48 * 1024), await sealedClip(engine, 'PGDOWN-2', 2 * PART + 1024)];
    w.afterFirstPart = () => service('postgres', 'stop', pgDir);
    await engine.publisher.runRound();

    expect(w.parts.get(clips[1]!.sha256)).toEqual([1]);
    const err = w.errors.at(-1)!;
    expect(err).toMatchObject({ status: 503, hubCode: 'index-unavailable' });
    expect(err.message).toMatch(/the hub's index \(PostgreSQL at 127\.0\.0\.1:\d+\/postgres\) cannot be reached/);
    const status = await engine.call('hub.status', {}, ctx);
    expect(status.outboxDepth).toBe(2);
    expect(status.lastError!.message).toMatch(/^the hub is up but its index database cannot be reached/);

    // Back on the same address; the hub process was never restarted.
    service('postgres', 'start', pgDir);
    await engine.publisher.runRound();
    expect(await engine.call('hub.status', {}, ctx)).toMatchObject({ outboxDepth: 0, chainBehind: 0 });
    expect(w.parts.get(clips[1]!.sha256)).toEqual([1, 2, 3]);
    const fp = (await parts.index.getStation('Pack-PG'))!.fingerprint;
    const held = await onHub(fp);
    expect(held).toHaveLength(2);
    expect(held.map((c) => c.sha256).sort()).toEqual(clips.map((c) => c.sha256).sort());
    // Published again (a lost answer): still one row each.
    engine.db.prepare(`UPDATE hub_outbox SET state='pending'`).run();
    await engine.publisher.runRound();
    expect(await onHub(fp)).toHaveLength(2);
  }, 300_000);

  it('a station killed with SIGKILL mid-upload (packwitness serve) resumes from the parts the hub stored', async () => {
    const { engine, data } = await enrolledStation('Pack-Kill');
    const big = await sealedClip(engine, 'KILL-1', 3 * PART + 512);
    await engine.close();
    engines.splice(engines.indexOf(engine), 1);

    let arrived!: () => void;
    const reached = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    holdPart = { sha256: big.sha256, n: 3, arrived, release: new Promise<void>((r) => (release = r)) };
    const first = await startServe(['--data', data]);
    try {
      await reached; // parts 1 and 2 are stored; part 3 is on the wire
      await first.stop('SIGKILL');
    } finally {
      holdPart = null;
      release();
    }
    expect(received.get(big.sha256)).toEqual([1, 2, 3]);
    const fp = (await parts.index.getStation('Pack-Kill'))!.fingerprint;
    expect(await onHub(fp)).toEqual([]);

    const second = await startServe(['--data', data]);
    try {
      // serve publishes at start; the hub's index answers once the clip is in.
      for (let i = 0; i < 600 && (await onHub(fp)).length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    } finally {
      await second.stop();
    }
    const held = await onHub(fp);
    expect(held.map((c) => c.sha256)).toEqual([big.sha256]);
    // The second run sent only what the hub did not hold: parts 3 and 4.
    expect(received.get(big.sha256)).toEqual([1, 2, 3, 3, 4]);
    expect((await parts.store.stat(big.sha256))?.size).toBe(3 * PART + 512);
  }, 300_000);
});

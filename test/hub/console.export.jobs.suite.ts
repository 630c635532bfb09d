// The hub's export jobs: the custom preset, one export at a time with the rest queued, jobs kept in
// the hub index across a restart (a real hub process killed mid-export shows its jobs as
// interrupted; a finished package stays downloadable from the store), and, on PostgreSQL + S3, a
// job started on hub A followed and downloaded from hub B. Run on the embedded hub
// (console.export.jobs.embedded.test.ts) and on PostgreSQL + S3 (console.export.jobs.pgs3.test.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { BIN, FakeStation, enrolledClient, hubCli, hubFolder, publishInput, startChildHub, type Backend, type FakeClip } from './hubFixture.ts';
import { ask, login, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';
import { newEnrollCode, writeHubSettings } from '../../electron/hub/server/identity.ts';
import { INTERRUPTED_LINE } from '../../electron/hub/console/export.ts';
import type { ConsoleExport } from '../../shared/consoleWire.ts';

const PASSWORD = 'correct horse battery';

function makeMp4(file: string, title: string, size = '320x240'): Buffer {
  execFileSync(ffmpegBin(), [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=30:duration=30`],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '30', '-movflags', '+faststart', '-metadata', `title=${title}`, file],
  ]);
  return fs.readFileSync(file);
}

type Asker = Pick<ConsoleHub, 'url' | 'host'>;

async function view(h: Asker, cookie: string, id: string): Promise<ConsoleExport> {
  const a = await ask(h as ConsoleHub, `/console/api/exports/${id}`, { cookie });
  expect(a.status, a.body.toString()).toBe(200);
  return a.json() as ConsoleExport;
}

/** Follows an export until it ends (the test's timeout is the bound); `each` sees every state read. */
async function finished(h: Asker, cookie: string, id: string, each?: (v: ConsoleExport) => Promise<void> | void): Promise<ConsoleExport> {
  for (;;) {
    const v = await view(h, cookie, id);
    await each?.(v);
    if (v.state !== 'queued' && v.state !== 'running') return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startExport(h: Asker, cookie: string, station: string, clip: FakeClip, body: Record<string, unknown>): Promise<ConsoleExport> {
  const a = await ask(h as ConsoleHub, `/console/api/clips/${encodeURIComponent(station)}/${clip.row.clipId}/export`, { cookie, body });
  expect(a.status, a.body.toString()).toBe(202);
  return a.json() as ConsoleExport;
}

function zipNames(file: string): string[] {
  const r = spawnSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  return r.stdout.trim().split('\n');
}

function verifyCli(file: string): { status: number | null; out: string } {
  const data = tmpDir('pw-jobs-verify-');
  try {
    const v = spawnSync(process.execPath, [BIN, 'verify', file, '--data', data.dir], { encoding: 'utf8', timeout: 120_000 });
    return { status: v.status, out: v.stdout + v.stderr };
  } finally {
    data.cleanup();
  }
}

export function consoleExportJobsSuite(makeBackend: () => Promise<Backend>, opts: { twoHubs: boolean }): void {
  let b: Backend;
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let st: FakeStation;
  let clip: FakeClip;
  let mp4: Buffer;

  beforeAll(async () => {
    b = await makeBackend();
    t = tmpDir('pw-console-jobs-');
    h = await startConsoleHub(b);
    st = new FakeStation('Packing 5', t.dir);
    const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
    st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
    mp4 = makeMp4(path.join(t.dir, 'a.mp4'), 'SF1700000000501');
    clip = st.clip('SF1700000000501', mp4.length, mp4);
    await client.publishChain(st.chain);
    await client.publishClip(publishInput(clip));
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
  }, 120_000);
  afterAll(async () => {
    await h?.close().catch(() => {});
    await b?.cleanup();
    t?.cleanup();
  });

  it('the custom preset on the hub: a 30 s clip with a 10 s limit comes out in parts (three or more), and the package verifies', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const presets = (await ask(h, '/console/api/export-presets', { cookie })).json() as { presets: { id: string }[] };
    expect(presets.presets.map((p) => p.id)).toContain('custom');
    const started = await startExport(h, cookie, st.name, clip, { preset: 'custom', custom: { maxMB: null, maxSeconds: 10 } });
    const done = await finished(h, cookie, started.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    const zip = await ask(h, `/console/api/exports/${done.id}/zip`, { cookie });
    expect(zip.status).toBe(200);
    const file = path.join(t.dir, done.zipName!);
    fs.writeFileSync(file, zip.body);
    const names = zipNames(file);
    // Each part at most 10 s: at least three parts, numbered 1..n of n (cut at keyframes, as on a station).
    const parts = names.filter((n) => /_part\d+of\d+\.mp4$/.test(n));
    const count = Number(/of(\d+)\.mp4$/.exec(parts[0] ?? '')?.[1]);
    expect(parts.length, names.join(' ')).toBeGreaterThanOrEqual(3);
    expect(parts.length).toBe(count);
    const v = verifyCli(file);
    expect(v.status, v.out).toBe(0);
    expect(v.out).toContain('signed by the warehouse hub "Test hub"');
    // A limit the station would refuse is refused here too.
    const bad = await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${clip.row.clipId}/export`, {
      cookie,
      body: { preset: 'custom', custom: { maxSeconds: -1 } },
    });
    expect(bad.status).toBe(400);
  }, 240_000);

  it('one export at a time: the second waits as queued while the first runs, then runs itself', async () => {
    const cookie = await login(h, 'sam', PASSWORD);
    const first = await startExport(h, cookie, st.name, clip, { preset: 'generic-100' });
    const second = await startExport(h, cookie, st.name, clip, { preset: 'original' });
    expect(second.state).toBe('queued');
    let sawQueuedBehindRunning = false;
    let one: ConsoleExport;
    for (;;) {
      // The second is read first: if it had started by then, the first must have ended by then.
      const other = await view(h, cookie, second.id);
      one = await view(h, cookie, first.id);
      if (one.state !== 'queued' && one.state !== 'running') break;
      // Never two at once: while the first has not ended, the second has not started.
      expect(other.state).toBe('queued');
      if (one.state === 'running') sawQueuedBehindRunning = true;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(one.state).toBe('done');
    expect(sawQueuedBehindRunning).toBe(true);
    const two = await finished(h, cookie, second.id);
    expect(two.state).toBe('done');
  }, 240_000);

  it('a hub killed mid-export shows that job (and the one queued behind it) as interrupted after its restart; a finished package is still downloadable', async () => {
    const f = await hubFolder(b, 'Restarted hub');
    const dirs = tmpDir('pw-jobs-restart-');
    const add = spawnSync(process.execPath, [BIN, 'hub', 'user', 'add', 'sam', '--role', 'service', '--data', f.dir], {
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(add.status, add.stdout + add.stderr).toBe(0);
    // Made before the station enrolls: its client goes on at once with the connection it enrolled on.
    const big = makeMp4(path.join(dirs.dir, 'big.mp4'), 'SF1700000000601', '640x480');
    let child = await startChildHub(f.dir, b.partSize);
    try {
      const code = JSON.parse(hubCli(['enroll-code', '--data', f.dir, '--json']).out) as { code: string };
      const s2 = new FakeStation('Packing 6', dirs.dir);
      const client = await enrolledClient(child.url, code.code, s2);
      s2.append('genesis', null, { station: s2.name, publicKey: s2.publicKeyPem });
      const c2 = s2.clip('SF1700000000601', big.length, big);
      await client.publishChain(s2.chain);
      await client.publishClip(publishInput(c2));
      const asker = (url: string): Asker => ({ url, host: new URL(url).host });
      let a = asker(child.url);
      let cookie = await login(a as ConsoleHub, 'sam', PASSWORD);

      const kept = await finished(a, cookie, (await startExport(a, cookie, s2.name, c2, { preset: 'original' })).id);
      expect(kept.state).toBe('done');
      const before = await ask(a as ConsoleHub, `/console/api/exports/${kept.id}/zip`, { cookie });
      expect(before.status).toBe(200);

      const running = await startExport(a, cookie, s2.name, c2, { preset: 'generic-100' });
      const queued = await startExport(a, cookie, s2.name, c2, { preset: 'generic-100' });
      for (;;) {
        const v = await view(a, cookie, running.id);
        if (v.state === 'running') break;
        expect(v.state).toBe('queued');
        await new Promise((r) => setTimeout(r, 50));
      }
      await child.kill9();

      child = await startChildHub(f.dir, b.partSize);
      a = asker(child.url);
      cookie = await login(a as ConsoleHub, 'sam', PASSWORD);
      for (const id of [running.id, queued.id]) {
        const v = await view(a, cookie, id);
        expect(v.state).toBe('interrupted');
        expect(v.error).toBe(INTERRUPTED_LINE);
        expect((await ask(a as ConsoleHub, `/console/api/exports/${id}/zip`, { cookie })).status).toBe(409);
      }
      const after = await ask(a as ConsoleHub, `/console/api/exports/${kept.id}/zip`, { cookie });
      expect(after.status).toBe(200);
      expect(after.body.equals(before.body)).toBe(true);
      expect((await view(a, cookie, kept.id)).state).toBe('done');
    } finally {
      await child.stop();
      f.cleanup();
      dirs.cleanup();
    }
  }, 300_000);

  if (opts.twoHubs)
    it('two hubs on one PostgreSQL and bucket: a job started on hub A is followed from hub B, and its package downloads from B', async () => {
      // Hub B: its own folder, the same storage and the same key (hub-key copied, as docs/hub.md says).
      const fb = tmpDir('pw-jobs-hub-b-');
      fs.cpSync(path.join(h.dir, 'hub-key'), path.join(fb.dir, 'hub-key'), { recursive: true });
      const settings = JSON.parse(fs.readFileSync(path.join(h.dir, 'hub.json'), 'utf8'));
      writeHubSettings(fb.dir, settings);
      const hb = await startConsoleHub(b, { dir: fb.dir, settings });
      try {
        const ca = await login(h, 'sam', PASSWORD);
        const cb = await login(hb, 'sam', PASSWORD);
        const started = await startExport(h, ca, st.name, clip, { preset: 'generic-100' });
        // B reads A's job from the index while A makes it: never a state A did not have.
        const seenOnB = new Set<string>();
        const done = await finished(h, ca, started.id, async () => {
          const v = await view(hb, cb, started.id);
          expect(['queued', 'running', 'done']).toContain(v.state);
          seenOnB.add(v.state);
        });
        expect(done.state).toBe('done');
        expect(seenOnB.size).toBeGreaterThan(0);
        const onB = await view(hb, cb, started.id);
        expect(onB).toMatchObject({ state: 'done', zipName: done.zipName, zipBytes: done.zipBytes });
        const za = await ask(h, `/console/api/exports/${done.id}/zip`, { cookie: ca });
        const zb = await ask(hb, `/console/api/exports/${done.id}/zip`, { cookie: cb });
        expect(zb.status).toBe(200);
        expect(zb.body.equals(za.body)).toBe(true);
      } finally {
        await hb.close();
        fb.cleanup();
      }
    }, 300_000);
}

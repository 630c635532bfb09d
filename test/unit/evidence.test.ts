// Evidence a reviewer can trust: every clip sealed into a signed hash chain with sidecars,
// RFC 3161 tokens from a real local TSA (openssl ts -reply), and every kind of tampering named.
// Third-party checks run the exact openssl commands docs/evidence.md gives.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { startServer } from '../../electron/server/http.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { benchHashThroughput, benchSealOverhead, makeBenchFile } from '../../scripts/bench/sealRuns.ts';
import { Sha256 } from '../../renderer/src/views/verify/sha256.ts';
import { canonicalJson } from '../../electron/engine/evidence/canonicalJson.ts';
import { buildTimestampRequest } from '../../electron/engine/evidence/tsa.ts';
import { stationCustodyOf } from '../../electron/engine/evidence/handlers.ts';
import { sidecarsOf } from '../../electron/engine/evidence/manifest.ts';
import type { Clip } from '../../shared/contract.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const ctx = { door: 'http' as const };
const root = path.resolve(import.meta.dirname, '..', '..');
const cli = (args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), ...args], { encoding: 'utf8' });
const openssl = (args: string[], cwd?: string) => spawnSync('openssl', args, { encoding: 'utf8', cwd });

async function record(engine: Engine, order: string, webm: string): Promise<Clip> {
  const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1', operator: 'Lin' }, ctx);
  await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(webm) }, ctx);
  const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: 1 }, ctx);
  expect(clip).not.toBeNull();
  return clip!;
}

describe('canonical JSON and the RFC 3161 request', () => {
  it('gives one byte form per value and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"é'], c: { z: 0, y: -1.5 } })).toBe('{"a":[true,null,"x\\"é"],"b":1,"c":{"y":-1.5,"z":0}}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
  });

  it('hashes files exactly as `openssl dgst -sha256` does, at any size around the read blocks', async () => {
    const t = tmpDir();
    try {
      for (const size of [0, 1, (2 << 20) - 1, 2 << 20, (2 << 20) + 1, (5 << 20) + 3]) {
        const f = path.join(t.dir, `f${size}`);
        fs.writeFileSync(f, Buffer.alloc(size, size % 251));
        expect(openssl(['dgst', '-sha256', '-r', f]).stdout.split(' ')[0]).toBe(await sha256File(f));
      }
    } finally {
      t.cleanup();
    }
  });

  it('the bench functions run and report figures (the targets are checked by `npm run bench`, not here)', async () => {
    const t = tmpDir();
    try {
      const seal = await benchSealOverhead(t.dir, 2, 3);
      expect(seal.sizeBytes).toBe(2 << 20);
      expect(seal.sealMsMedian).toBeGreaterThan(0);
      makeBenchFile(path.join(t.dir, 'h.bin'), 4);
      const hash = await benchHashThroughput(path.join(t.dir, 'h.bin'), 1);
      expect(hash.stationMBps).toBeGreaterThan(0);
      expect(hash.opensslMBps).not.toBeNull();
    } finally {
      t.cleanup();
    }
  });

  it("the Verify view's streaming SHA-256 (for LAN browsers without WebCrypto) agrees with Node's", () => {
    const data = Buffer.from(Array.from({ length: 200_003 }, (_, i) => (i * 31 + 7) & 0xff));
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 200_003]) {
      const h = new Sha256();
      h.update(data.subarray(0, n >> 1)).update(data.subarray(n >> 1, n));
      expect(h.hex()).toBe(createHash('sha256').update(data.subarray(0, n)).digest('hex'));
    }
  });

  it('builds a TimeStampReq that openssl reads back with our hash and certReq', () => {
    const t = tmpDir();
    try {
      const sha = createHash('sha256').update('parcel').digest('hex');
      fs.writeFileSync(path.join(t.dir, 'q.tsq'), buildTimestampRequest(sha).der);
      const out = openssl(['ts', '-query', '-in', 'q.tsq', '-text'], t.dir);
      expect(out.status).toBe(0);
      expect(out.stdout).toContain('Hash Algorithm: sha256');
      expect(out.stdout.replace(/[^0-9a-f]/g, '')).toContain(sha.slice(0, 32).replace(/[^0-9a-f]/g, ''));
      expect(out.stdout).toMatch(/Certificate required: yes/);
      expect(() => buildTimestampRequest('nothex')).toThrow(/SHA-256/);
    } finally {
      t.cleanup();
    }
  });
});

describe('sealed, signed, chained and timestamped clips', () => {
  let t: ReturnType<typeof tmpDir>;
  let tsa: LocalTsa;
  let webm: string;
  let webms: string[] = []; // different content per clip, as real clips always are
  let dataDir: string;
  let clips: Clip[] = [];
  let pristine: string; // a closed copy of the station, tampered with case by case

  beforeAll(async () => {
    t = tmpDir('pw-evidence-');
    webm = path.join(t.dir, 'src.webm');
    webms = [15, 12, 10].map((fps) => {
      const f = path.join(t.dir, `src${fps}.webm`);
      makeWebmH264(f, 2, '320x240', fps);
      return f;
    });
    webm = webms[0]!;
    tsa = await startLocalTsa(path.join(t.dir, 'tsa'));
    dataDir = path.join(t.dir, 'station');
    const engine = await Engine.open({ dataDir, timestampWorker: false });
    await engine.call('settings.update', { tsaUrls: [tsa.url] }, ctx);
    clips = [await record(engine, 'SF1001', webms[0]!), await record(engine, 'SF1002', webms[1]!), await record(engine, 'SF1003', webms[2]!)];
    await stationCustodyOf(engine).timestamps.runDue();
    await engine.close();
    pristine = path.join(t.dir, 'pristine');
    fs.cpSync(dataDir, pristine, { recursive: true });
  });
  afterAll(async () => {
    await tsa?.close();
    t?.cleanup();
  });

  it('writes the manifest, a signature openssl verifies with station.pem alone, and the chain links', async () => {
    const files = clips.map((c) => sidecarsOf(clipPath(path.join(dataDir, 'clips'), c)));
    const manifests = files.map((f) => JSON.parse(fs.readFileSync(f.manifest, 'utf8')) as Record<string, unknown>);
    expect(manifests[0]).toMatchObject({ kind: 'clip', orders: ['SF1001'], operator: 'Lin', mode: 'shipping', recovered: false, sha256: clips[0]!.sha256 });
    expect(manifests[0]!.sizeBytes).toBe(fs.statSync(clipPath(path.join(dataDir, 'clips'), clips[0]!)).size);
    expect(typeof manifests[0]!.startedAt).toBe('number');
    // Each manifest names the SHA-256 of the entry before it: the previous clip's manifest file.
    const prevFileHash = createHash('sha256').update(fs.readFileSync(files[0]!.manifest)).digest('hex');
    expect(manifests[1]!.prev).toBe(prevFileHash);
    expect(manifests[1]!.seq).toBe((manifests[0]!.seq as number) + 1);
    // docs/evidence.md's exact command, run from the clip's folder.
    const pem = path.join(dataDir, 'keys', 'station.pem');
    const dir = path.dirname(clipPath(path.join(dataDir, 'clips'), clips[0]!));
    const m = path.basename(files[0]!.manifest);
    const ok = openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pem, '-rawin', '-in', m, '-sigfile', `${m}.sig`], dir);
    expect(ok.stdout).toContain('Signature Verified Successfully');
    expect(ok.status).toBe(0);
    // and the plain file hash a reviewer compares with the manifest
    expect(openssl(['dgst', '-sha256', clipPath(path.join(dataDir, 'clips'), clips[0]!)]).stdout).toContain(clips[0]!.sha256);
    // the private key is not readable by others
    expect(fs.statSync(path.join(dataDir, 'keys', 'station.key')).mode & 0o077).toBe(0);
  });

  it('runs the reviewer commands of docs/evidence.md on a clip copied out of the station, with openssl alone', () => {
    const readme = fs.readFileSync(path.join(root, 'docs', 'evidence.md'), 'utf8');
    const block = /## Checking a clip without PackWitness[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeTruthy();
    const reviewer = path.join(t.dir, 'reviewer');
    fs.mkdirSync(reviewer, { recursive: true });
    const s = sidecarsOf(clipPath(path.join(dataDir, 'clips'), clips[1]!));
    fs.copyFileSync(clipPath(path.join(dataDir, 'clips'), clips[1]!), path.join(reviewer, 'CLIP.mp4'));
    fs.copyFileSync(s.manifest, path.join(reviewer, 'CLIP.manifest.json'));
    fs.copyFileSync(s.signature, path.join(reviewer, 'CLIP.manifest.json.sig'));
    fs.copyFileSync(s.timestamp, path.join(reviewer, 'CLIP.tsr'));
    fs.copyFileSync(tsa.caFile, path.join(reviewer, 'TSA-CA.pem'));
    // station.pem as docs/evidence.md says: the PEM lines that `packwitness key` prints.
    const key = cli(['key', '--data', dataDir]).stdout;
    fs.writeFileSync(path.join(reviewer, 'station.pem'), /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----\n/.exec(key)![0]);
    const run = () => spawnSync('bash', ['-eo', 'pipefail', '-c', block!], { cwd: reviewer, encoding: 'utf8' });
    const ok = run();
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`SHA2-256(CLIP.mp4)= ${clips[1]!.sha256}`);
    expect(ok.stdout).toContain(`"sha256":"${clips[1]!.sha256}"`);
    expect(ok.stdout).toContain('Signature Verified Successfully');
    expect(ok.stdout.replace(/\s/g, '')).toContain(key.match(/fingerprint: ([0-9a-f ]+)/)![1]!.replace(/\s/g, ''));
    expect(ok.stdout).toContain('Verification: OK');
    expect(ok.stdout).toMatch(/TSA: DirName:.*PackWitness Test TSA/);
    // One changed byte and the same commands fail.
    const clip = fs.readFileSync(path.join(reviewer, 'CLIP.mp4'));
    clip[100] = clip[100]! ^ 1;
    fs.writeFileSync(path.join(reviewer, 'CLIP.mp4'), clip);
    const bad = run();
    expect(bad.status).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/Verification: FAILED/);
  });

  it('gets RFC 3161 tokens that `openssl ts -verify` accepts, shown with the clip', async () => {
    for (const c of clips) {
      const tsr = sidecarsOf(clipPath(path.join(dataDir, 'clips'), c)).timestamp;
      expect(fs.existsSync(tsr)).toBe(true);
      const v = openssl(['ts', '-verify', '-data', clipPath(path.join(dataDir, 'clips'), c), '-in', tsr, '-CAfile', tsa.caFile]);
      expect(v.stdout + v.stderr).toContain('Verification: OK');
    }
    const engine = await Engine.open({ dataDir, timestampWorker: false });
    try {
      const clip = await engine.call('clips.get', { id: clips[0]!.id }, ctx);
      expect(clip.evidence).toMatchObject({ signed: true, timestamp: 'done', tsaName: 'PackWitness Test TSA', recovered: false });
      expect(Math.abs(Date.parse(clip.evidence!.tsaTime!) - Date.parse(clip.endedAt))).toBeLessThan(120_000);
      const answer = await engine.call('evidence.verifyHash', { sha256: clip.sha256 }, ctx);
      expect(answer.verdict).toBe('intact');
      expect(answer.headline).toContain('order SF1001');
      expect(answer.checks.find((c) => c.what === 'timestamp')!.text).toContain('PackWitness Test TSA');
      const unknown = await engine.call('evidence.verifyHash', { sha256: 'ab'.repeat(32), name: 'holiday.mp4' }, ctx);
      expect(unknown.verdict).toBe('unknown');
      const renamed = await engine.call(
        'evidence.verifyHash',
        { sha256: 'ab'.repeat(32), name: path.basename(clipPath(path.join(dataDir, 'clips'), clips[1]!)) },
        ctx,
      );
      expect(renamed.verdict).toBe('problem');
      expect(renamed.headline).toContain('SF1002');
      expect(renamed.checks[0]!.text).toContain('modified file');
    } finally {
      await engine.close();
    }
  });

  it('keeps recording while the TSA is down and gets the token once it is back', async () => {
    const d = path.join(t.dir, 'offline');
    const engine = await Engine.open({ dataDir: d, timestampWorker: false });
    try {
      await engine.call('settings.update', { tsaUrls: [tsa.url] }, ctx);
      tsa.setDown(true);
      const clip = await record(engine, 'OFF-1', webm);
      expect(fs.existsSync(clipPath(engine, clip))).toBe(true);
      const custody = stationCustodyOf(engine);
      await custody.timestamps.runDue();
      expect((await engine.call('clips.get', { id: clip.id }, ctx)).evidence!.timestamp).toBe('pending');
      expect((await custody.timestamps.get(clip.id))!.last_error).toMatch(/503/);
      tsa.setDown(false);
      await custody.timestamps.runDue(Date.now() + 3600_000); // the retry pause has "passed"
      expect((await engine.call('clips.get', { id: clip.id }, ctx)).evidence!.timestamp).toBe('done');
      expect(
        openssl(['ts', '-verify', '-data', clipPath(engine, clip), '-in', sidecarsOf(clipPath(engine, clip)).timestamp, '-CAfile', tsa.caFile]).stdout,
      ).toContain('Verification: OK');
    } finally {
      tsa.setDown(false);
      await engine.close();
    }
  });

  it('asks the TSA in the background on its own, and answers through the HTTP door', async () => {
    const d = path.join(t.dir, 'worker');
    const engine = await Engine.open({ dataDir: d }); // the worker runs, as in the app and `serve`
    const server = await startServer({ engine, port: 0, staticDir: path.join(t.dir, 'no-ui') });
    try {
      const call = async (name: string, input: unknown) => {
        const res = await fetch(`${server.url}api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        return (await res.json()) as { ok: boolean; result: any; error?: { message: string } };
      };
      expect((await call('settings.update', { tsaUrls: ['ftp://nope'] })).error!.message).toMatch(/http/);
      await call('settings.update', { tsaUrls: [tsa.url] });
      const clip = await record(engine, 'BG-1', webms[2]!);
      for (let i = 0; i < 200 && !fs.existsSync(sidecarsOf(clipPath(engine, clip)).timestamp); i++) await new Promise((r) => setTimeout(r, 50));
      const got = await call('clips.get', { id: clip.id });
      expect(got.result.evidence).toMatchObject({ timestamp: 'done', tsaName: 'PackWitness Test TSA' });
      const key = await call('evidence.key', {});
      expect(key.result.publicKeyPem).toBe(fs.readFileSync(path.join(d, 'keys', 'station.pem'), 'utf8'));
      const v = await call('evidence.verifyHash', { sha256: clip.sha256.toUpperCase(), name: path.basename(clipPath(engine, clip)) });
      expect(v.result.verdict).toBe('intact');
      expect((await call('evidence.verifyHash', { sha256: 'xyz' })).error!.message).toMatch(/sha256/);
      const all = await call('evidence.verifyAll', {});
      expect(all.result).toMatchObject({ ok: true, clips: 1, timestamps: 1 });
    } finally {
      await server.close();
      await engine.close();
    }
  });

  it('quitting does not wait for a TSA that never answers; the job stays queued for the next start', async () => {
    let asked!: () => void;
    const reached = new Promise<void>((r) => (asked = r));
    const hang = http.createServer(() => asked()); // accepts the request and never answers
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const d = path.join(t.dir, 'hang');
    const engine = await Engine.open({ dataDir: d });
    try {
      await engine.call('settings.update', { tsaUrls: [`http://127.0.0.1:${(hang.address() as AddressInfo).port}/`] }, ctx);
      const clip = await record(engine, 'HANG-1', webms[0]!);
      await reached;
      await engine.close();
      const again = await Engine.open({ dataDir: d, timestampWorker: false });
      const job = (await stationCustodyOf(again).timestamps.get(clip.id))!;
      expect(job.state).toBe('pending');
      expect(job.last_error).toMatch(/aborted/);
      expect(job.last_error).not.toMatch(/timeout/);
      await again.close();
    } finally {
      hang.closeAllConnections();
      hang.close();
    }
  });

  it('chains recovered clips (marked recovered), deletions, legal holds and exports: verify --all stays clean', async () => {
    const d = path.join(t.dir, 'history');
    let engine = await Engine.open({ dataDir: d, timestampWorker: false });
    const a = await record(engine, 'HIST-1', webm);
    const b = await record(engine, 'HIST-2', webms[1]!);
    const custody = stationCustodyOf(engine);
    await custody.legalHold((await engine.clips.get(a.id))!, true, { who: 'cs-anna', why: 'dispute 77' });
    await custody.exported([(await engine.clips.get(a.id))!], { format: 'zip' }, { who: 'cs-anna', why: 'appeal' });
    fs.rmSync(clipPath(engine, b));
    await custody.clipDeleted((await engine.clips.get(b.id))!, { who: 'retention', why: 'older than 90 days' });
    engine.db.prepare(`UPDATE clips SET status='deleted' WHERE id=?`).run(b.id);
    // A recording left open by a killed process is recovered at the next start, and sealed.
    const { recordingId } = await engine.call('recording.start', { order: 'CRASH-9', mimeType: 'video/webm' }, ctx);
    await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(webms[2]!) }, ctx);
    await stationCustodyOf(engine).close();
    engine.db.close();
    fs.rmSync(path.join(d, 'station.pid'), { force: true });
    engine = await Engine.open({ dataDir: d, timestampWorker: false });
    try {
      const recovered = await engine.call('clips.get', { id: recordingId }, ctx);
      expect(recovered.status).toBe('recovered');
      expect(recovered.evidence).toMatchObject({ recovered: true, signed: true });
      expect(JSON.parse(fs.readFileSync(sidecarsOf(clipPath(engine, recovered)).manifest, 'utf8')).recovered).toBe(true);
      expect((await engine.call('evidence.verifyHash', { sha256: recovered.sha256 }, ctx)).headline).toMatch(
        /CRASH-9.*recovered after the station stopped unexpectedly/,
      );
      const kinds = (await stationCustodyOf(engine).chain.all()).map((r) => r.kind);
      expect(kinds).toEqual(['genesis', 'clip', 'clip', 'legal-hold', 'export', 'deleted', 'clip']);
      const report = await engine.call('evidence.verifyAll', {}, ctx);
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // The deleted clip's sidecars went with it; its file is still identified by the chain.
      expect(fs.existsSync(sidecarsOf(clipPath(engine, b)).manifest)).toBe(false);
      const gone = await engine.call('evidence.verifyHash', { sha256: b.sha256 }, ctx);
      expect(gone.checks.map((c) => c.text).join(' ')).toMatch(/Deleted from the station .* by retention \(older than 90 days\)/);
    } finally {
      await engine.close();
    }
  });

  it('wraps a plain key with the KeyProtector the desktop shell gives; a process without it verifies but does not seal', async () => {
    const d = path.join(t.dir, 'protected');
    const plain = await Engine.open({ dataDir: d, timestampWorker: false });
    const fp = stationCustodyOf(plain).key.fingerprint;
    const first = await record(plain, 'KEY-1', webms[0]!);
    await plain.close();
    const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
    const keystore = { name: 'test-keystore', protect: xor, unprotect: xor };
    const shell = await Engine.open({ dataDir: d, timestampWorker: false, keyProtector: keystore });
    expect(stationCustodyOf(shell).key.fingerprint).toBe(fp); // the same key pair, now wrapped
    expect(fs.readFileSync(path.join(d, 'keys', 'station.key'), 'utf8')).not.toContain('PRIVATE KEY');
    const second = await record(shell, 'KEY-2', webms[1]!);
    expect(second.evidence?.signed).toBe(true);
    await shell.close();
    // The CLI has no keystore: it still checks everything, and says why it could not seal.
    const cliEngine = await Engine.open({ dataDir: d, timestampWorker: false });
    try {
      const key = await cliEngine.call('evidence.key', {}, ctx);
      expect(key.fingerprint).toBe(fp);
      expect(key.sealingProblem).toMatch(/protected by "test-keystore"/);
      expect((await cliEngine.call('evidence.verifyAll', {}, ctx)).ok).toBe(true);
      expect((await cliEngine.call('evidence.verifyHash', { sha256: first.sha256 }, ctx)).verdict).toBe('intact');
      const problems: string[] = [];
      cliEngine.on((e) => {
        if (e.event === 'station.problem') problems.push(e.payload.message);
      });
      const third = await record(cliEngine, 'KEY-3', webms[2]!);
      expect(fs.existsSync(clipPath(cliEngine, third))).toBe(true); // the recording is never lost
      expect(third.evidence ?? null).toBeNull();
      expect(problems.join(' ')).toMatch(/KEY-3 was saved but could not be sealed/);
    } finally {
      await cliEngine.close();
    }
  });

  it('`packwitness key` prints the PEM and the fingerprint openssl computes; verify --all exits 0 on an untouched station', () => {
    const key = cli(['key', '--data', pristine]);
    expect(key.status).toBe(0);
    expect(key.stdout).toContain('-----BEGIN PUBLIC KEY-----');
    const der = execFileSync('openssl', ['pkey', '-pubin', '-in', path.join(pristine, 'keys', 'station.pem'), '-outform', 'DER']);
    const fp = createHash('sha256').update(der).digest('hex');
    expect(key.stdout.replace(/ /g, '')).toContain(fp);
    const all = cli(['verify', '--all', '--data', pristine]);
    expect(all.stdout).toContain('ALL VERIFIED');
    expect(all.status).toBe(0);
    const one = cli([
      'verify',
      path.join(pristine, 'clips', path.relative(path.join(dataDir, 'clips'), clipPath(path.join(dataDir, 'clips'), clips[1]!))),
      '--data',
      pristine,
    ]);
    expect(one.stdout).toContain('INTACT');
    expect(one.stdout).toContain('SF1002');
    expect(one.status).toBe(0);
  });

  // Each case: a fresh copy of the station, one tampering, and the problem it must be named by.
  const copyOf = (name: string): { dir: string; file: (i: number) => string } => {
    const dir = path.join(t.dir, `case-${name}`);
    fs.cpSync(pristine, dir, { recursive: true });
    return { dir, file: (i) => path.join(dir, 'clips', path.relative(path.join(dataDir, 'clips'), clipPath(path.join(dataDir, 'clips'), clips[i]!))) };
  };
  const reportOf = async (dir: string) => {
    const engine = await Engine.open({ dataDir: dir, timestampWorker: false });
    try {
      return await engine.call('evidence.verifyAll', {}, ctx);
    } finally {
      await engine.close();
    }
  };
  const withDb = async (dir: string, fn: (engine: Engine) => void) => {
    const engine = await Engine.open({ dataDir: dir, timestampWorker: false });
    fn(engine);
    await engine.close();
  };

  it.each([
    [
      'one byte of a clip flipped',
      'modified-file',
      /SF1002.*changed after it was sealed/,
      async (c: ReturnType<typeof copyOf>) => {
        const fd = fs.openSync(c.file(1), 'r+');
        const b = Buffer.alloc(1);
        fs.readSync(fd, b, 0, 1, 5000);
        b[0] = b[0]! ^ 0x01;
        fs.writeSync(fd, b, 0, 1, 5000);
        fs.closeSync(fd);
      },
    ],
    [
      'a clip truncated',
      'modified-file',
      /truncated/,
      async (c: ReturnType<typeof copyOf>) => {
        fs.truncateSync(c.file(0), 1000);
      },
    ],
    [
      'a manifest field edited',
      'modified-manifest',
      /edited/,
      async (c: ReturnType<typeof copyOf>) => {
        const m = sidecarsOf(c.file(2)).manifest;
        fs.writeFileSync(m, fs.readFileSync(m, 'utf8').replace('"SF1003"', '"SF9999"'));
      },
    ],
    [
      'a chain entry edited in the index',
      'broken-link',
      /entry 3 was altered/,
      async (c: ReturnType<typeof copyOf>) => {
        await withDb(c.dir, (e) => e.db.prepare(`UPDATE chain SET body=replace(body, '"SF1002"', '"SF0000"') WHERE seq=3`).run());
      },
    ],
    [
      'a chain row deleted',
      'missing-entry',
      /chain entry 3 is missing/,
      async (c: ReturnType<typeof copyOf>) => {
        await withDb(c.dir, (e) => e.db.prepare('DELETE FROM chain WHERE seq=3').run());
      },
    ],
    [
      'a clip row deleted from the index',
      'missing-entry',
      /index row .*SF1001.* was deleted/,
      async (c: ReturnType<typeof copyOf>) => {
        await withDb(c.dir, (e) => e.db.prepare('DELETE FROM clips WHERE id=?').run(clips[0]!.id));
      },
    ],
    [
      'a clip file deleted',
      'missing-file',
      /SF1003.*is gone/,
      async (c: ReturnType<typeof copyOf>) => {
        fs.rmSync(c.file(2));
      },
    ],
    [
      'two clips swapped',
      'modified-file',
      /holds the content of another clip \(order SF1002/,
      async (c: ReturnType<typeof copyOf>) => {
        const tmp = `${c.file(0)}.swap`;
        fs.renameSync(c.file(0), tmp);
        fs.renameSync(c.file(1), c.file(0));
        fs.renameSync(tmp, c.file(1));
      },
    ],
    [
      'a manifest re-signed with another key',
      'bad-signature',
      /does not verify/,
      async (c: ReturnType<typeof copyOf>) => {
        const s = sidecarsOf(c.file(0));
        fs.writeFileSync(s.signature, sign(null, fs.readFileSync(s.manifest), generateKeyPairSync('ed25519').privateKey));
      },
    ],
    [
      'a chain entry re-signed with another key',
      'bad-signature',
      /entry 2: the station's signature does not match/,
      async (c: ReturnType<typeof copyOf>) => {
        const other = generateKeyPairSync('ed25519').privateKey;
        await withDb(c.dir, (e) => {
          const row = e.db.prepare('SELECT body FROM chain WHERE seq=2').get() as { body: string };
          e.db.prepare('UPDATE chain SET signature=? WHERE seq=2').run(sign(null, Buffer.from(row.body), other).toString('base64'));
        });
      },
    ],
    [
      'the newest chain entry removed (no gap left behind)',
      'missing-entry',
      /SF1003.*has no chain entry/,
      async (c: ReturnType<typeof copyOf>) => {
        await withDb(c.dir, (e) => e.db.prepare('DELETE FROM chain WHERE seq=(SELECT max(seq) FROM chain)').run());
      },
    ],
    [
      'a clip file slipped in without an entry',
      'missing-entry',
      /FAKE_000000_x\.mp4 is in the clips folder but no chain entry seals it/,
      async (c: ReturnType<typeof copyOf>) => {
        fs.copyFileSync(c.file(0), path.join(path.dirname(c.file(0)), 'FAKE_000000_x.mp4'));
        fs.mkdirSync(path.join(c.dir, 'clips', 'backup'));
        fs.copyFileSync(c.file(0), path.join(c.dir, 'clips', 'backup', 'copy.mp4')); // not a day folder: ignored
      },
    ],
    [
      'a timestamp sidecar deleted',
      'missing-sidecar',
      /\.tsr next to .*SF1001.* is missing/,
      async (c: ReturnType<typeof copyOf>) => {
        fs.rmSync(sidecarsOf(c.file(0)).timestamp);
      },
    ],
    [
      'the station re-keyed (both key files replaced)',
      'wrong-key',
      /not the key the chain was started with/,
      async (c: ReturnType<typeof copyOf>) => {
        const pair = generateKeyPairSync('ed25519');
        fs.writeFileSync(path.join(c.dir, 'keys', 'station.key'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
        fs.writeFileSync(path.join(c.dir, 'keys', 'station.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
      },
    ],
    [
      "a timestamp token swapped for another clip's",
      'token-mismatch',
      /different file/,
      async (c: ReturnType<typeof copyOf>) => {
        fs.copyFileSync(sidecarsOf(c.file(1)).timestamp, sidecarsOf(c.file(0)).timestamp);
      },
    ],
  ])('detects and names: %s', async (name, kind, message, tamper) => {
    const c = copyOf(name.replace(/\W+/g, '-'));
    await tamper(c);
    const report = await reportOf(c.dir);
    expect(report.ok).toBe(false);
    const found = report.problems.filter((p) => p.kind === kind);
    expect(found.map((p) => p.message).join('\n')).toMatch(message);
    expect(found[0]!.label).toBe(kind.replace('-', ' '));
  });

  it('`verify --all --repair` restores missing sidecars from the chain, never an edited one', async () => {
    const c = copyOf('repair');
    const gone = sidecarsOf(c.file(0));
    const original = [gone.manifest, gone.signature, gone.timestamp].map((f) => fs.readFileSync(f));
    for (const f of [gone.manifest, gone.signature, gone.timestamp]) fs.rmSync(f);
    const edited = sidecarsOf(c.file(1)).manifest;
    fs.writeFileSync(edited, fs.readFileSync(edited, 'utf8').replace('"SF1002"', '"SF0002"'));
    const out = cli(['verify', '--all', '--repair', '--data', c.dir]);
    expect(out.stdout).toMatch(/RESTORED .*SF1001.*\.manifest\.json \(from the chain\)/);
    expect([gone.manifest, gone.signature, gone.timestamp].map((f) => fs.readFileSync(f))).toEqual(original);
    expect(out.stdout).toMatch(/PROBLEM modified manifest: .*SF1002/);
    expect(out.stdout).not.toMatch(/missing sidecar/);
    expect(out.status).toBe(1);
  });

  it('`verify --all` prints each problem by name and exits 1; `verify FILE` says which clip a changed file claims to be', async () => {
    const c = copyOf('cli');
    fs.appendFileSync(c.file(1), Buffer.from('x'));
    fs.rmSync(c.file(2));
    const all = cli(['verify', '--all', '--data', c.dir]);
    expect(all.status).toBe(1);
    expect(all.stdout).toMatch(/PROBLEM modified file: .*SF1002/);
    expect(all.stdout).toMatch(/PROBLEM missing file: .*SF1003/);
    expect(all.stdout).toContain('NOT VERIFIED: 2 problem(s)');
    const one = cli(['verify', c.file(1), '--data', c.dir]);
    expect(one.status).toBe(1);
    expect(one.stdout).toMatch(/NOT INTACT: .*order SF1002.*changed after it was sealed/);
  });
});

// The test-server scripts themselves, run for real: start prints where the server is and it
// answers; a second start finds it running and prints the same; stop ends it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '../..');
const isRoot = process.getuid?.() === 0;
const skipReason = isRoot ? null : 'the service scripts install packages and run servers as root; run the tests as root (CI does)';
if (skipReason) console.log(`skipped "test-server scripts": ${skipReason}`);

function run(script: string, cmd: 'start' | 'stop', dir: string): { out: string; err: string; status: number | null } {
  const r = spawnSync('bash', [path.join(root, 'scripts/services', script), cmd, dir], { encoding: 'utf8', timeout: 300_000 });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return !/^\d+ \(.*\) Z/.test(stat);
};

describe.skipIf(skipReason !== null)('test-server scripts', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir('pw-services-');
    // PostgreSQL runs as the postgres user, which must reach the folder (mkdtemp makes it 0700).
    fs.chmodSync(t.dir, 0o755);
  });
  afterAll(() => {
    if (!t) return;
    run('s3.sh', 'stop', path.join(t.dir, 's3'));
    run('postgres.sh', 'stop', path.join(t.dir, 'pg'));
    t.cleanup();
  });

  it('postgres.sh: a folder the postgres user cannot reach is refused in plain words', () => {
    const closed = path.join(t.dir, 'closed');
    fs.mkdirSync(closed, { mode: 0o700 });
    const r = run('postgres.sh', 'start', path.join(closed, 'pg'));
    expect(r.status).toBe(1);
    expect(r.err).toContain('the postgres user cannot reach');
  });

  it('postgres.sh: start, start again (same URL), stop', async () => {
    const dir = path.join(t.dir, 'pg');
    const a = run('postgres.sh', 'start', dir);
    expect(a.status, a.err).toBe(0);
    expect(a.out).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(fs.readFileSync(path.join(dir, 'env'), 'utf8')).toBe(`PACKWITNESS_TEST_PG_URL=${a.out}\n`);
    const c = new pg.Client({ connectionString: a.out });
    await c.connect();
    expect((await c.query('SELECT 1 + 1 AS two')).rows[0]).toEqual({ two: 2 });
    await c.end();
    const b = run('postgres.sh', 'start', dir);
    expect(b.status, b.err).toBe(0);
    expect(b.out).toBe(a.out);
    expect(b.err).toContain('already running');
    const pid = Number(fs.readFileSync(path.join(dir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
    expect(run('postgres.sh', 'stop', dir).status).toBe(0);
    expect(alive(pid)).toBe(false);
    const gone = new pg.Client({ connectionString: a.out, connectionTimeoutMillis: 5000 });
    await expect(gone.connect()).rejects.toThrow();
  });

  it('s3.sh: start (an S3 user and keys), start again (same endpoint), stop ends all three daemons', async () => {
    const dir = path.join(t.dir, 's3');
    const a = run('s3.sh', 'start', dir);
    expect(a.status, a.err).toBe(0);
    expect(a.out).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const env = Object.fromEntries(
      fs
        .readFileSync(path.join(dir, 'env'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.PACKWITNESS_TEST_S3_URL).toBe(a.out);
    expect(env.AWS_ACCESS_KEY_ID).toMatch(/^PW[0-9A-F]{18}$/);
    expect(env.AWS_SECRET_ACCESS_KEY).toMatch(/^[0-9a-f]{40}$/);
    // An anonymous request gets S3's XML answer.
    const res = await fetch(`${a.out}/`);
    expect(await res.text()).toContain('ListAllMyBucketsResult');
    const b = run('s3.sh', 'start', dir);
    expect(b.status, b.err).toBe(0);
    expect(b.out).toBe(a.out);
    expect(b.err).toContain('already running');
    const pids = fs
      .readdirSync(path.join(dir, 'run'))
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(fs.readFileSync(path.join(dir, 'run', f), 'utf8')));
    expect(pids).toHaveLength(3);
    expect(run('s3.sh', 'stop', dir).status).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'env'))).toBe(false);
  });
});

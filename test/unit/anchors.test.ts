// Chain anchors: the station has a real local TSA stamp its chain head on rhythm and at
// shutdown; a chain rewritten carefully by someone holding the station's key (entries deleted,
// inserted, reordered, or everything re-signed with a fresh key) passes every signature and link
// check, and only the anchors catch it, named. openssl checks an anchor with the commands of docs/evidence.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../electron/engine/db.ts';
import { canonicalBytes, type JsonValue } from '../../electron/engine/evidence/canonicalJson.ts';
import { GENESIS_PREV, parseBody, sha256Hex, type ChainRow } from '../../electron/engine/evidence/chain.ts';
import { loadOrCreateStationKey, signBytes, type StationKey } from '../../electron/engine/evidence/keys.ts';
import { StationCustody } from '../../electron/engine/evidence/stationCustody.ts';
import { verifyAll } from '../../electron/engine/evidence/verifyAll.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { recordClip } from '../helpers/orderClip.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { tmpDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const actor = { who: 'test', why: 'an entry' };

interface Station {
  dir: string;
  db: Db;
  custody: StationCustody;
}

async function openStation(dir: string, tsaUrls: string[], opts: { worker?: boolean; anchorEvery?: number } = {}): Promise<Station> {
  fs.mkdirSync(path.join(dir, 'clips'), { recursive: true });
  const db = openDb(path.join(dir, 'index.sqlite'));
  const custody = await StationCustody.open({
    dataDir: dir,
    clipsDir: path.join(dir, 'clips'),
    db,
    stationName: () => 'Bench 1',
    tsaUrls: () => tsaUrls,
    log: () => {},
    timestampWorker: opts.worker ?? true,
    anchorEvery: opts.anchorEvery,
  });
  return { dir, db, custody };
}

async function closeStation(s: Station): Promise<void> {
  await s.custody.close();
  s.db.close();
}

/** `n` plain entries (exports of nothing), as a busy station's clips and holds would add. */
async function addEntries(s: Station, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await s.custody.exported([], { n: i }, actor);
}

const anchorsOf = (db: Db): ChainRow[] => db.prepare(`SELECT * FROM chain WHERE kind='anchor' ORDER BY seq`).all() as ChainRow[];

/**
 * What a merchant holding the key could do: take the entries' contents, change the list, and write
 * a fresh chain (seq, prev, signatures all new and consistent). The anchors' tokens are kept (no one
 * can make new ones for the past); their `head` is moved along with the entry it named.
 */
function rewriteChain(
  db: Db,
  key: StationKey,
  change: (entries: { kind: string; clip_id: string | null; at: number; fields: Record<string, JsonValue>; oldSeq: number }[]) => void,
): void {
  const rows = db.prepare('SELECT * FROM chain ORDER BY seq').all() as ChainRow[];
  const entries = rows.map((r) => {
    const { v: _v, seq: _s, prev: _p, kind, at, key: _k, ...fields } = parseBody(r)!;
    return { kind: String(kind), clip_id: r.clip_id, at: Number(at), fields: fields as Record<string, JsonValue>, oldSeq: r.seq };
  });
  change(entries);
  const newSeq = new Map<number, number>();
  entries.forEach((e, i) => newSeq.set(e.oldSeq, i + 1));
  db.transaction(() => {
    db.prepare('DELETE FROM chain').run();
    let prev = GENESIS_PREV;
    entries.forEach((e, i) => {
      const fields = { ...e.fields };
      if (e.kind === 'genesis') fields.publicKey = key.publicPem;
      if (e.kind === 'anchor') fields.head = newSeq.get(Number(fields.head)) ?? Number(fields.head);
      const body = canonicalBytes({ v: 1, seq: i + 1, prev, kind: e.kind, at: e.at, key: key.fingerprint, ...fields });
      const hash = sha256Hex(body);
      db.prepare('INSERT INTO chain (seq, kind, clip_id, at, body, prev_hash, entry_hash, signature) VALUES (?,?,?,?,?,?,?,?)').run(
        i + 1,
        e.kind,
        e.clip_id,
        e.at,
        body.toString('utf8'),
        prev,
        hash,
        signBytes(key.privateKey!, body).toString('base64'),
      );
      prev = hash;
    });
  })();
}

describe('chain anchors: the chain head stamped by a third party', () => {
  let t: ReturnType<typeof tmpDir>;
  let tsa: LocalTsa;

  beforeAll(async () => {
    t = tmpDir('pw-anchors-');
    tsa = await startLocalTsa(path.join(t.dir, 'tsa'));
  });
  afterAll(async () => {
    await tsa?.close();
    t?.cleanup();
  });

  it('are made every N entries and at shutdown, each a chain entry whose token openssl verifies over the head (docs/evidence.md commands)', async () => {
    const dir = path.join(t.dir, 'rhythm');
    const s = await openStation(dir, [tsa.url], { anchorEvery: 5 });
    try {
      // Genesis is entry 1; entry 5 is due for an anchor.
      await addEntries(s, 3);
      await new Promise((r) => setTimeout(r, 300));
      expect(anchorsOf(s.db)).toHaveLength(0);
      await addEntries(s, 1);
      await expect.poll(() => anchorsOf(s.db).length, { timeout: 20_000 }).toBe(1);
      const first = parseBody(anchorsOf(s.db)[0]!)!;
      expect(first.head).toBe(5);
      expect(first.headHash).toBe((await s.custody.chain.get(5))!.entry_hash);
      expect(first.tsa).toBe('PackWitness Test TSA');
      await addEntries(s, 2);
    } finally {
      await closeStation(s);
    }
    // Shutdown stamped the record as it was then: the two entries after the first anchor.
    const db = openDb(path.join(dir, 'index.sqlite'));
    try {
      const anchors = anchorsOf(db);
      expect(anchors).toHaveLength(2);
      const last = parseBody(anchors[1]!)!;
      expect(last.head).toBe(8); // 1 genesis + 4 + anchor (6) + 2
      expect(anchors[1]!.seq).toBe(9);

      // docs/evidence.md's commands, run by a reviewer with the two bodies and the TSA's CA.
      const readme = fs.readFileSync(path.join(root, 'docs', 'evidence.md'), 'utf8');
      const block = /### Chain anchors[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(block).toBeTruthy();
      const work = path.join(t.dir, 'reviewer');
      fs.mkdirSync(work, { recursive: true });
      fs.writeFileSync(path.join(work, 'ANCHOR.json'), anchors[1]!.body);
      fs.writeFileSync(path.join(work, 'HEAD.json'), (db.prepare('SELECT body FROM chain WHERE seq=8').get() as { body: string }).body);
      fs.copyFileSync(tsa.caFile, path.join(work, 'TSA-CA.pem'));
      const run = spawnSync('sh', ['-e', '-c', block!], { cwd: work, encoding: 'utf8' });
      expect(run.stderr + run.stdout).toContain('Verification: OK');
      expect(run.stdout).toContain(String(last.headHash));
      // The same token over any other hash is refused by openssl.
      const wrong = spawnSync('openssl', ['ts', '-verify', '-digest', sha256Hex('another head'), '-in', 'ANCHOR.tsr', '-CAfile', 'TSA-CA.pem'], {
        cwd: work,
        encoding: 'utf8',
      });
      expect(wrong.stdout + wrong.stderr).not.toContain('Verification: OK');
    } finally {
      db.close();
    }
  });

  it('a restart with nothing new asks the TSA for nothing; without a TSA no anchor is asked for', async () => {
    const dir = path.join(t.dir, 'quiet');
    const s = await openStation(dir, [tsa.url], { anchorEvery: 1000 });
    await addEntries(s, 2);
    await closeStation(s);
    const served = tsa.served();
    const again = await openStation(dir, [tsa.url], { anchorEvery: 1000 });
    await closeStation(again);
    expect(tsa.served()).toBe(served);

    const none = await openStation(path.join(t.dir, 'none'), [], { anchorEvery: 2 });
    await addEntries(none, 5);
    expect(await none.custody.anchorIfDue(true)).toBeNull();
    await closeStation(none);
  });

  it("verify and the lookup say by when a clip was in the station's record (the shutdown anchor), and verify --all counts it", async () => {
    const dataDir = path.join(t.dir, 'engine');
    const webm = path.join(t.dir, 'clip.webm');
    makeWebmH264(webm, 1, '320x240', 15);
    const ctx = { door: 'http' as const };
    const engine = await Engine.open({ dataDir });
    let clip;
    try {
      await engine.call('settings.update', { tsaUrls: [tsa.url] }, ctx);
      clip = await recordClip(engine, 'ANCHOR-1', webm);
      expect((await engine.call('clips.get', { id: clip.id }, ctx)).evidence?.chainAnchor ?? null).toBeNull();
    } finally {
      await engine.close();
    }
    const again = await Engine.open({ dataDir, timestampWorker: false });
    try {
      const ev = (await again.call('clips.get', { id: clip.id }, ctx)).evidence!;
      expect(ev.chainAnchor?.tsa).toBe('PackWitness Test TSA');
      const v = await again.call('evidence.verifyHash', { sha256: clip.sha256! }, ctx);
      expect(v.verdict).toBe('intact');
      const line = v.checks.find((c) => c.text.startsWith("In the station's record by"));
      expect(line?.ok).toBe(true);
      expect(line?.text).toContain(`at the latest (anchor of PackWitness Test TSA, chain entry ${ev.chainAnchor!.seq}`);
      const all = await again.call('evidence.verifyAll', {}, ctx);
      expect(all.problems).toEqual([]);
      expect(all.anchors).toBe(1);
    } finally {
      await again.close();
    }
    const cli = spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), 'verify', '--all', '--data', dataDir], { encoding: 'utf8' });
    expect(cli.stdout).toMatch(/ALL VERIFIED: .*, 1 chain anchor\(s\) a TSA stamped;/);
  });

  describe('a record rewritten under an anchor is named by verify --all', () => {
    let base: string;

    beforeAll(async () => {
      base = path.join(t.dir, 'base');
      const s = await openStation(base, [tsa.url], { anchorEvery: 1000 });
      try {
        await addEntries(s, 6); // entries 2..7
        expect(await s.custody.anchorIfDue(true)).toBe(7);
        // A round already under way may predate the job; the next one takes it.
        for (let i = 0; i < 200 && anchorsOf(s.db).length === 0; i++) await s.custody.timestamps.runDue();
        if (anchorsOf(s.db).length !== 1) throw new Error('no anchor was made'); // entry 8
        await addEntries(s, 2); // 9, 10: not yet anchored when the copies are taken
        await s.custody.timestamps.stop();
      } finally {
        // Closed without the shutdown anchor: the tampering is done on copies of this state.
        s.db.close();
      }
    });

    async function tampered(name: string, freshKey: boolean, change: Parameters<typeof rewriteChain>[2]) {
      const dir = path.join(t.dir, name);
      fs.cpSync(base, dir, { recursive: true });
      if (freshKey) fs.rmSync(path.join(dir, 'keys'), { recursive: true, force: true });
      const key = loadOrCreateStationKey(dir);
      const db = openDb(path.join(dir, 'index.sqlite'));
      rewriteChain(db, key, change);
      db.close();
      const s = await openStation(dir, [], { worker: false });
      try {
        return await verifyAll({ db: s.db, clipsDir: path.join(dir, 'clips'), custody: s.custody });
      } finally {
        await closeStation(s);
      }
    }

    it('an untouched copy verifies, anchor included', async () => {
      const report = await tampered('untouched', false, () => {});
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.anchors).toBe(1);
      expect(report.entries).toBe(10);
    });

    it.each([
      ['an entry deleted under the anchor', false, (e: { oldSeq: number }[]) => e.splice(3, 1)],
      [
        'an entry inserted under the anchor',
        false,
        (e: { kind: string; clip_id: string | null; at: number; fields: Record<string, JsonValue>; oldSeq: number }[]) =>
          e.splice(2, 0, { kind: 'export', clip_id: null, at: e[2]!.at, fields: { clips: [], details: { late: true }, who: 'x', why: 'y' }, oldSeq: -1 }),
      ],
      [
        'two entries reordered under the anchor',
        false,
        (e: { oldSeq: number }[]) => {
          const [a] = e.splice(2, 1);
          e.splice(4, 0, a!);
        },
      ],
      ['the whole chain re-signed with a fresh key', true, () => {}],
    ])('%s', async (name, freshKey, change) => {
      const report = await tampered(name.replace(/\W+/g, '-'), freshKey, change as Parameters<typeof rewriteChain>[2]);
      expect(report.ok).toBe(false);
      // The rewrite is self-consistent: only the third party's stamp shows it.
      expect(report.problems.map((p) => p.kind)).toEqual(['anchor-mismatch']);
      expect(report.problems[0]!.label).toBe('anchor mismatch');
      expect(report.problems[0]!.message).toMatch(/^anchor entry \d+: the record up to entry \d+ is not the one PackWitness Test TSA at .* stamped/);
    });

    it('a naive deletion (no rewrite) is named as a missing entry, and the anchor still names its head', async () => {
      const dir = path.join(t.dir, 'naive');
      fs.cpSync(base, dir, { recursive: true });
      const db = openDb(path.join(dir, 'index.sqlite'));
      db.prepare('DELETE FROM chain WHERE seq=7').run();
      db.close();
      const s = await openStation(dir, [], { worker: false });
      try {
        const report = await verifyAll({ db: s.db, clipsDir: path.join(dir, 'clips'), custody: s.custody });
        const kinds = report.problems.map((p) => p.kind);
        expect(kinds).toContain('missing-entry');
        expect(report.problems.find((p) => p.kind === 'anchor-mismatch')?.message).toMatch(/entry 7, which is no longer in the chain/);
      } finally {
        await closeStation(s);
      }
    });
  });
});

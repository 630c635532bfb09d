// The export package carries the station's chain from the clip's entry up to the anchor a TSA
// stamped (X.chain.json, X.anchor.tsr). verify.html in a real Chromium, opened from file://, and
// `packwitness verify PACKAGE` (verifyPackage) check that segment offline: an untouched package
// says by when the clip was in the station's record; an entry deleted, inserted or reordered, the
// segment re-signed with a fresh key, or the anchor's token swapped is NOT VERIFIED, named. Each
// tampered package is re-signed with a key (the merchant's own or a fresh one), so the file
// hashes all match and only the segment's checks can catch it.
import { generateKeyPairSync, createHash, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { canonicalBytes, type JsonValue } from '../../electron/engine/evidence/canonicalJson.ts';
import { loadOrCreateStationKey, signBytes } from '../../electron/engine/evidence/keys.ts';
import { requestTimestamp } from '../../electron/engine/evidence/tsa.ts';
import type { ChainSegment } from '../../electron/engine/evidence/anchors.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { manifestBytes, type ExportManifest } from '../../electron/engine/export/package.ts';
import { packageFiles, verifyPackage } from '../../electron/engine/export/verifyPackage.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser, startServe } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const ctx = { door: 'http' as const };
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

type Browser = Awaited<ReturnType<typeof launchBrowser>>;

async function checkInBrowser(browser: Browser, dir: string): Promise<{ status: string; text: string; log: string }> {
  const page = await browser.context.newPage();
  try {
    await page.goto(pathToFileURL(path.join(dir, 'verify.html')).href);
    const files = fs.readdirSync(dir).filter((n) => !n.startsWith('.') && !n.endsWith('.zip'));
    await page.setInputFiles(
      '#files',
      files.map((n) => path.join(dir, n)),
    );
    await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 60_000 });
    return {
      status: (await page.getAttribute('#result', 'data-status')) ?? '',
      text: (await page.textContent('#result')) ?? '',
      log: (await page.textContent('#log')) ?? '',
    };
  } finally {
    await page.close();
  }
}

interface Signer {
  privateKey: KeyObject;
  publicPem: string;
  fingerprint: string;
}

/**
 * What a merchant holding a key can do to a package: change the segment's entries, then make
 * every file that repeats an entry (the clip manifest, the record of frames) match it, sign it
 * all and list the new hashes in a newly signed export manifest.
 */
function repack(
  dir: string,
  signer: Signer,
  change: (seg: ChainSegment, sign: (body: Record<string, JsonValue>) => ChainSegment['entries'][number]) => void,
  after?: (man: ExportManifest) => void,
): void {
  const manPath = path.join(dir, 'export-manifest.json');
  const man = JSON.parse(fs.readFileSync(manPath, 'utf8')) as ExportManifest;
  const clip = man.clips[0]!;
  const segPath = path.join(dir, clip.chainSegment!);
  const seg = JSON.parse(fs.readFileSync(segPath, 'utf8')) as ChainSegment;
  const before = new Map(seg.entries.map((e) => [e.body, e]));
  const sign = (body: Record<string, JsonValue>): ChainSegment['entries'][number] => {
    const bytes = canonicalBytes(body);
    return { seq: Number(body.seq), body: bytes.toString('utf8'), hash: sha(bytes), signature: signBytes(signer.privateKey, bytes).toString('base64') };
  };
  change(seg, sign);
  fs.writeFileSync(segPath, JSON.stringify(seg));
  // Files that are an entry's body (X.manifest.json, X.continuity.json) follow their entry.
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(manifest|continuity)\.json$/.test(name)) continue;
    const old = before.get(fs.readFileSync(path.join(dir, name), 'utf8'));
    const now = old && seg.entries.find((e) => e.seq === old.seq);
    if (!now || now.body === old.body) continue;
    fs.writeFileSync(path.join(dir, name), now.body);
    fs.writeFileSync(path.join(dir, `${name}.sig`), Buffer.from(now.signature, 'base64'));
  }
  fs.writeFileSync(path.join(dir, 'station.pem'), signer.publicPem);
  after?.(man);
  for (const name of Object.keys(man.files)) {
    const bytes = fs.readFileSync(path.join(dir, name));
    man.files[name] = { ...man.files[name]!, sha256: sha(bytes), bytes: bytes.length };
  }
  man.stationKeyFingerprint = signer.fingerprint;
  const signed = manifestBytes(man);
  fs.writeFileSync(manPath, signed);
  fs.writeFileSync(path.join(dir, 'export-manifest.json.sig'), signBytes(signer.privateKey, signed));
  // The export's own token stamped the old manifest: a re-signed package goes without it.
  fs.rmSync(path.join(dir, 'export-manifest.tsr'), { force: true });
}

const bodyOf = (e: ChainSegment['entries'][number]): Record<string, JsonValue> => JSON.parse(e.body) as Record<string, JsonValue>;

describe.runIf(chromiumAvailable())('the chain segment in the export package, checked offline', () => {
  let t: ReturnType<typeof tmpDir>;
  let tsa: LocalTsa;
  let engine: Engine;
  let exported: ExportResult;
  let noAnchor: ExportResult;
  let browser: Browser;
  let stationSigner: Signer;
  let dataDir: string;

  beforeAll(async () => {
    t = tmpDir('pw-segment-');
    tsa = await startLocalTsa(path.join(t.dir, 'tsa'));
    dataDir = path.join(t.dir, 'data');
    engine = await Engine.open({ dataDir, timestampWorker: false });
    await engine.call('settings.update', { tsaUrls: [tsa.url] }, ctx);
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, 'SEG-1', 2, '320x180', 15);
    await recordClip(engine, 'SEG-1', webm);
    // Entries after the clip's own, so the segment has a middle to delete, insert into and reorder.
    await recordClip(engine, 'SEG-2', webm);
    await recordClip(engine, 'SEG-3', webm);
    exported = await runExport(engine, { order: 'SEG-1', preset: 'original' }, path.join(t.dir, 'original'));
    // A TSA that does not answer: the package says no anchor covers the clip yet.
    await engine.call('settings.update', { tsaUrls: ['http://127.0.0.1:9/tsa'] }, ctx);
    await recordClip(engine, 'SEG-4', webm);
    noAnchor = await runExport(engine, { order: 'SEG-4', preset: 'original' }, path.join(t.dir, 'no-anchor'));
    const key = loadOrCreateStationKey(dataDir);
    stationSigner = { privateKey: key.privateKey!, publicPem: key.publicPem, fingerprint: key.fingerprint };
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.close().catch(() => {});
    await tsa?.close();
    t?.cleanup();
  });

  const copy = (name: string): string => {
    const dir = path.join(t.dir, name);
    fs.cpSync(exported.outDir, dir, { recursive: true });
    return dir;
  };
  const cli = async (dir: string) => {
    const r = await verifyPackage(packageFiles(dir));
    return { ...r, text: r.lines.map((l) => `${l.kind.toUpperCase()} ${l.text}`).join('\n') };
  };

  it("an untouched package carries the segment and its anchor token, and says by when the clip was in the station's record", async () => {
    const man = JSON.parse(fs.readFileSync(path.join(exported.outDir, 'export-manifest.json'), 'utf8')) as ExportManifest;
    const clip = man.clips[0]!;
    expect(clip.chainSegment).toMatch(/\.chain\.json$/);
    expect(clip.anchorToken).toMatch(/\.anchor\.tsr$/);
    // Listed and hashed in the signed manifest like every other file.
    expect(man.files[clip.chainSegment!]?.role).toBe('evidence');
    expect(man.files[clip.anchorToken!]?.text).toContain("PackWitness Test TSA's RFC 3161 token over chain entry");
    const seg = JSON.parse(fs.readFileSync(path.join(exported.outDir, clip.chainSegment!), 'utf8')) as ChainSegment;
    expect(bodyOf(seg.entries[0]!).kind).toBe('clip');
    expect(bodyOf(seg.entries.at(-1)!).kind).toBe('anchor');
    expect(seg.entries.length).toBeGreaterThanOrEqual(4);

    const want =
      /in the station's record by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC at the latest \(anchor of PackWitness Test TSA\): chain entries \d+–\d+ are signed by the station and linked/;
    const page = await checkInBrowser(browser, exported.outDir);
    expect(page.status).toBe('ok');
    expect(page.text).toContain('VERIFIED');
    expect(page.log).toMatch(want);
    const r = await cli(exported.outDir);
    expect(r.ok).toBe(true);
    expect(r.text).toMatch(want);
    // The ZIP alone, as a reviewer gets it, and the CLI's exit code.
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), 'verify', '--data', dataDir, exported.zip!], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(want);
  });

  it('a clip no anchor covers yet: the package says so in plain words, and it is no failure', async () => {
    const man = JSON.parse(fs.readFileSync(path.join(noAnchor.outDir, 'export-manifest.json'), 'utf8')) as ExportManifest;
    expect(man.clips[0]!.chainSegment).toBeNull();
    expect(noAnchor.warnings.join(' ')).toContain('No chain anchor covers clip');
    const words = 'no chain anchor covered it when it was exported, so this package carries no chain segment';
    const page = await checkInBrowser(browser, noAnchor.outDir);
    expect(page.status).toBe('ok');
    expect(page.log).toContain(words);
    const r = await cli(noAnchor.outDir);
    expect(r.ok).toBe(true);
    expect(r.text).toContain(words);
  });

  const fresh = (): Signer => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privateKey,
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      fingerprint: sha(publicKey.export({ type: 'spki', format: 'der' })),
    };
  };

  const cases: [string, () => string, RegExp][] = [
    [
      'an entry deleted from the segment',
      () => {
        const dir = copy('deleted');
        repack(dir, stationSigner, (seg) => void seg.entries.splice(1, 1));
        return dir;
      },
      /chain entry \d+ in .*\.chain\.json: it does not follow chain entry \d+ \(its "prev" names another entry's hash\): an entry was removed, inserted or reordered here\./,
    ],
    [
      'an entry inserted into the segment',
      () => {
        const dir = copy('inserted');
        repack(dir, stationSigner, (seg, sign) => {
          const b = bodyOf(seg.entries[1]!);
          seg.entries.splice(
            2,
            0,
            sign({ ...b, kind: 'export', seq: Number(b.seq) + 1, prev: seg.entries[1]!.hash, clips: [], who: 'x', why: 'inserted later' }),
          );
        });
        return dir;
      },
      /it does not follow chain entry \d+ \(its "prev" names another entry's hash\)|it is numbered \d+ right after entry \d+/,
    ],
    [
      'two entries of the segment reordered',
      () => {
        const dir = copy('reordered');
        repack(dir, stationSigner, (seg) => {
          const [a] = seg.entries.splice(1, 1);
          seg.entries.splice(2, 0, a!);
        });
        return dir;
      },
      /it is numbered \d+ right after entry \d+: an entry is missing or out of order\./,
    ],
    [
      'the segment re-signed with a fresh key (every link and signature consistent)',
      () => {
        const dir = copy('fresh-key');
        const key = fresh();
        repack(dir, key, (seg, sign) => {
          const news: ChainSegment['entries'] = [];
          for (const e of seg.entries) {
            const b = bodyOf(e);
            const fields: Record<string, JsonValue> = { ...b, key: key.fingerprint, prev: news.length ? news.at(-1)!.hash : b.prev! };
            // The anchor keeps its token (no one can have the TSA stamp the past) and names its head's new hash.
            if (b.kind === 'anchor') fields.headHash = news.find((x) => x.seq === b.head)!.hash;
            news.push(sign(fields));
          }
          seg.entries = news;
        });
        return dir;
      },
      /anchor entry \d+: PackWitness Test TSA at .* stamped [0-9a-f]{16}…, not chain entry \d+ as this segment has it \([0-9a-f]{16}…\): the record up to it was changed, reordered or re-signed after that time\./,
    ],
    [
      "the anchor's token swapped for another token of the same TSA",
      () => {
        const dir = copy('token-swapped');
        const other = path.join(dir, '.other.tsr');
        repack(
          dir,
          stationSigner,
          () => {},
          (man) => fs.copyFileSync(other, path.join(dir, man.clips[0]!.anchorToken!)),
        );
        return dir;
      },
      /\.anchor\.tsr is not the token anchor entry \d+ holds: the anchor's token was swapped\./,
    ],
    [
      "the anchor's token swapped in the anchor entry too, re-signed by the station",
      () => {
        const dir = copy('token-swapped-entry');
        const other = fs.readFileSync(path.join(dir, '.other.tsr'));
        repack(
          dir,
          stationSigner,
          (seg, sign) => {
            seg.entries[seg.entries.length - 1] = sign({ ...bodyOf(seg.entries.at(-1)!), token: other.toString('base64') });
          },
          (man) => fs.writeFileSync(path.join(dir, man.clips[0]!.anchorToken!), other),
        );
        return dir;
      },
      /anchor entry \d+: PackWitness Test TSA at .* stamped [0-9a-f]{16}…, not chain entry \d+ as this segment has it/,
    ],
  ];

  it.each(cases)('%s: NOT VERIFIED in verify.html and in verify PACKAGE, named', async (_name, make, named) => {
    // Another genuine token of the same TSA, over some other hash, for the swaps.
    const { response } = await requestTimestamp(tsa.url, sha('another record'));
    fs.writeFileSync(path.join(exported.outDir, '.other.tsr'), response);
    const dir = make();
    const r = await cli(dir);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(named);
    // Every file matches the newly signed manifest: only the segment is what fails.
    expect(r.lines.filter((l) => l.kind === 'fail').every((l) => /chain|anchor/.test(l.text))).toBe(true);
    const page = await checkInBrowser(browser, dir);
    expect(page.status).toBe('fail');
    expect(page.text).toContain('NOT VERIFIED');
    expect(page.log).toMatch(named);
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'packwitness.mjs'), 'verify', '--data', dataDir, dir], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(named);
  });

  it("the lookup shows by when the clip was in the station's record beside its own token time, in both languages", async () => {
    // Nothing listens at this TSA: serve asks for nothing that could answer while the page is read.
    const served = await startServe(['--data', dataDir, '--tsa', 'http://127.0.0.1:9/tsa']);
    const page = await browser.context.newPage();
    try {
      await page.goto(`${served.url}#/lookup`);
      await page.locator('[data-testid="result"][data-order="SEG-1"]').click();
      const row = page.getByTestId('clip-anchor');
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/^By .+ at the latest \(anchor of PackWitness Test TSA, chain entry \d+\)$/);
      await page.getByTestId('language').selectOption('zh-CN');
      await expect.poll(() => row.textContent(), { timeout: 20_000 }).toMatch(/^最晚于 .+（PackWitness Test TSA 的链锚点，链条目 \d+）$/);
      await page.getByTestId('language').selectOption('en');
    } finally {
      await page.close();
      await served.stop();
    }
  });
});

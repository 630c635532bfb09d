// The signed export package, tampered with as a forger would, checked by verify.html in a real
// Chromium and by `packwitness verify PACKAGE` (same verdict each time), by openssl with the
// README's command, and every file of every export form recognised by `packwitness verify FILE`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { canonicalBytes, type JsonValue } from '../../electron/engine/evidence/canonicalJson.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { packageFiles, verifyPackage, type PackageReport } from '../../electron/engine/export/verifyPackage.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { verifyFile } from '../../electron/engine/verify.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser, startServe } from '../helpers/station.ts';
import { choose, optionTexts } from '../helpers/antd.ts';
import { tmpDir } from '../helpers/tmp.ts';

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
interface PageVerdict {
  status: string;
  text: string;
  lines: { kind: string; text: string }[];
}

const ORDER = 'SGN-88412';
const OTHER = 'SGN-OTHER-5';
const bin = path.join(process.cwd(), 'bin', 'packwitness.mjs');

describe.runIf(chromiumAvailable())('signed export packages', () => {
  let t: ReturnType<typeof tmpDir>;
  let data: string;
  let pristineHtml: string;
  let browser: Browser;
  const x = {} as Record<'reenc' | 'other' | 'copycut' | 'original' | 'speed' | 'stills' | 'returns' | 'all' | 'shipping', ExportResult>;

  beforeAll(async () => {
    t = tmpDir('pw-signed-');
    data = path.join(t.dir, 'data');
    const engine = await Engine.open({ dataDir: data, timestampWorker: false });
    try {
      const a = path.join(t.dir, 'a.webm');
      makeOrderWebm(a, ORDER, 150, '320x180', 30);
      await recordClip(engine, ORDER, a);
      const r = path.join(t.dir, 'r.webm');
      makeOrderWebm(r, `${ORDER} RETURN`, 4, '320x180', 15);
      await recordClip(engine, ORDER, r, 256 * 1024, 'returns');
      const b = path.join(t.dir, 'b.webm');
      makeOrderWebm(b, OTHER, 70, '320x180', 30);
      await recordClip(engine, OTHER, b);
      const custom = { maxMB: 3, maxSeconds: 60 };
      const out = (n: string): string => path.join(t.dir, 'exports', n);
      x.reenc = await runExport(engine, { order: ORDER, preset: 'custom', custom }, out('reenc'));
      x.other = await runExport(engine, { order: OTHER, preset: 'custom', custom }, out('other'));
      x.copycut = await runExport(engine, { order: ORDER, preset: 'shopee' }, out('copycut'));
      x.original = await runExport(engine, { order: ORDER, preset: 'original' }, out('original'));
      x.speed = await runExport(engine, { order: ORDER, preset: 'shopee', fit: 'speed' }, out('speed'));
      x.stills = await runExport(engine, { order: ORDER, preset: 'ebay', stillsAtMs: [2000, 70_000] }, out('stills'));
      x.shipping = await runExport(engine, { order: ORDER, preset: 'original', zip: false }, out('shipping'));
      x.returns = await runExport(engine, { order: ORDER, preset: 'original', mode: 'returns', zip: false }, out('returns'));
      x.all = await runExport(engine, { order: ORDER, preset: 'original', mode: 'all', zip: false }, out('all'));
    } finally {
      await engine.close();
    }
    pristineHtml = path.join(t.dir, 'verify.html');
    fs.copyFileSync(path.join(x.reenc.outDir, 'verify.html'), pristineHtml);
    browser = await launchBrowser();
  }, 600_000); // nine exports, two of them re-encoding 150 s, on a loaded 2-core box
  afterAll(async () => {
    await browser?.close();
    t?.cleanup();
  });

  const listed = (r: ExportResult): string[] => r.files.filter((f) => f.kind !== 'zip').map((f) => f.name);
  const copy = (r: ExportResult, name: string): string => {
    const dir = path.join(t.dir, 'cases', name);
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(r.outDir, dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.zip')) fs.rmSync(path.join(dir, f));
    return dir;
  };
  const part = (dir: string, n: number): string => fs.readdirSync(dir).find((f) => f.endsWith(`_part${n}of3.mp4`))!;

  async function inBrowser(files: string[]): Promise<PageVerdict> {
    const page = await browser.context.newPage();
    try {
      await page.goto(pathToFileURL(pristineHtml).href);
      await page.setInputFiles('#files', files);
      await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 120_000 });
      return {
        status: (await page.getAttribute('#result', 'data-status')) ?? '',
        text: (await page.textContent('#result')) ?? '',
        lines: await page.$$eval('#log li', (lis) => lis.map((li) => ({ kind: li.className, text: li.textContent ?? '' }))),
      };
    } finally {
      await page.close();
    }
  }

  /** verify.html on the folder's files, and the command's checks on the same folder: one verdict. */
  async function bothWays(dir: string): Promise<{ page: PageVerdict; cli: PackageReport }> {
    const names = fs.readdirSync(dir).filter((f) => !f.startsWith('.'));
    const page = await inBrowser(names.map((n) => path.join(dir, n)));
    const cli = await verifyPackage(packageFiles(dir));
    expect(page.status).toBe(cli.ok ? 'ok' : 'fail');
    const failsOf = (lines: { kind: string; text: string }[]): number => lines.filter((l) => l.kind === 'fail').length;
    expect(failsOf(page.lines)).toBe(failsOf(cli.lines));
    // The summary says what the lines say.
    if (failsOf(page.lines)) expect(page.text).toContain(`NOT VERIFIED: ${failsOf(page.lines)} problem(s)`);
    else expect(page.text).toContain('VERIFIED');
    return { page, cli };
  }

  /** Nothing positive is said about a file whose bytes are not what the station exported. */
  function saysNothingGoodAbout(v: { lines: { kind: string; text: string }[] }, name: string): void {
    // The name as a whole word: X.manifest.json is not X.manifest.json.sig.
    const named = new RegExp(`(^|[\\s(])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![.\\w-])`);
    expect(v.lines.filter((l) => l.kind === 'ok' && named.test(l.text))).toEqual([]);
    expect(v.lines.filter((l) => l.kind === 'info' && l.text.startsWith(`${name}:`))).toEqual([]);
  }

  it("a re-encoded three-part export verifies, in the browser, with the command (folder and ZIP), and names each part's origin", async () => {
    const { page, cli } = await bothWays(x.reenc.outDir);
    expect(page.status).toBe('ok');
    expect(page.lines[0]!.text).toMatch(/^export-manifest\.json is signed by the station key in station\.pem/);
    const p2 = page.lines.find((l) => l.text.startsWith(`${part(x.reenc.outDir, 2)}:`) && l.kind === 'info')!.text;
    expect(p2).toMatch(
      /part 2 of 3 of the .* export of \d{4}-\d\d-\d\d \d\d:\d\d UTC, re-encoded \(H\.264 \d+x\d+, \d+ kbit\/s\) from clip \S+ of order SGN-88412 \(shipping, packing; sealed SHA-256 [0-9a-f]{64}\), covering 00:50\.\d–01:40\.\d of it/,
    );
    expect(cli.lines.some((l) => l.text === p2)).toBe(true);
    const zip = spawnSync(process.execPath, [bin, 'verify', x.reenc.zip!, '--data', data], { encoding: 'utf8' });
    expect(zip.status).toBe(0);
    expect(zip.stdout).toMatch(/^VERIFIED: the export manifest is signed by the station/);
  });

  it('part 1 altered and its hash fixed in the manifest: NOT VERIFIED, naming the manifest signature, nothing good said about part 1', async () => {
    const dir = copy(x.reenc, 'painted');
    const p1 = part(dir, 1);
    const bytes = fs.readFileSync(path.join(dir, p1));
    bytes.fill(0x55, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 4096); // a box painted in
    fs.writeFileSync(path.join(dir, p1), bytes);
    const man = JSON.parse(fs.readFileSync(path.join(dir, 'export-manifest.json'), 'utf8'));
    man.files[p1].sha256 = await sha256File(path.join(dir, p1));
    fs.writeFileSync(path.join(dir, 'export-manifest.json'), canonicalBytes(man as JsonValue));
    const { page, cli } = await bothWays(dir);
    expect(page.status).toBe('fail');
    expect(page.lines.find((l) => l.kind === 'fail')!.text).toContain('The signature of the export manifest does NOT hold');
    expect(cli.problemFiles).toEqual(['export-manifest.json', 'export-manifest.json.sig', 'station.pem']);
    saysNothingGoodAbout(page, p1);
    const cmd = spawnSync(process.execPath, [bin, 'verify', dir, '--data', data], { encoding: 'utf8' });
    expect(cmd.status).toBe(1);
    expect(cmd.stdout).toContain('The signature of the export manifest does NOT hold');
    // The painted part alone: named as what it claims to be, and not intact.
    const one = spawnSync(process.execPath, [bin, 'verify', path.join(dir, p1), '--data', data], { encoding: 'utf8' });
    expect(one.status).toBe(1);
    expect(one.stdout).toMatch(
      /^NOT INTACT: this file is named as part 1 of 3 of the .* export of .*, but its content differs from the file the station exported\./,
    );
  });

  it('a part of another export swapped in is named foreign, the part it replaced missing', async () => {
    const dir = copy(x.reenc, 'foreign');
    const p2 = part(dir, 2);
    const theirs = x.other.files.find((f) => /_part1of2\.mp4$/.test(f.name))!;
    fs.rmSync(path.join(dir, p2));
    fs.copyFileSync(theirs.path, path.join(dir, theirs.name));
    const { page, cli } = await bothWays(dir);
    expect(page.status).toBe('fail');
    expect(page.lines).toContainEqual({
      kind: 'fail',
      text: `${theirs.name} is a foreign file: the signed manifest does not list it, so it is not part of this export.`,
    });
    expect(page.lines.some((l) => l.kind === 'fail' && l.text.startsWith(`${p2} is missing: the signed manifest lists it (part 2 of 3 of the`))).toBe(true);
    expect(cli.problemFiles.sort()).toEqual([p2, theirs.name].sort());
    saysNothingGoodAbout(page, theirs.name);
  });

  it('a part of another export put under the name of part 2: that file is named, nothing good said about it', async () => {
    const dir = copy(x.reenc, 'swapped');
    const p2 = part(dir, 2);
    fs.copyFileSync(x.other.files.find((f) => /_part1of2\.mp4$/.test(f.name))!.path, path.join(dir, p2));
    const { page, cli } = await bothWays(dir);
    expect(page.status).toBe('fail');
    expect(
      page.lines.some(
        (l) => l.kind === 'fail' && l.text.startsWith(`${p2}: SHA-256 does NOT match the signed manifest: this is not the file the station exported`),
      ),
    ).toBe(true);
    expect(cli.problemFiles).toEqual([p2]);
    saysNothingGoodAbout(page, p2);
  });

  it('a deleted part is named missing', async () => {
    const dir = copy(x.reenc, 'deleted');
    const p3 = part(dir, 3);
    fs.rmSync(path.join(dir, p3));
    const { page, cli } = await bothWays(dir);
    expect(page.status).toBe('fail');
    expect(page.lines.filter((l) => l.kind === 'fail').map((l) => l.text)).toEqual([
      expect.stringMatching(new RegExp(`^${p3} is missing: the signed manifest lists it`)),
    ]);
    expect(cli.problemFiles).toEqual([p3]);
  });

  it('one flipped byte in any file of the package: that file is named and nothing positive is said about it', async () => {
    for (const name of [...listed(x.reenc), ...listed(x.original)].filter((n, i, a) => a.indexOf(n) === i)) {
      const src = listed(x.reenc).includes(name) ? x.reenc : x.original;
      const dir = copy(src, `flip-${name}`);
      const bytes = fs.readFileSync(path.join(dir, name));
      bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
      fs.writeFileSync(path.join(dir, name), bytes);
      const { page, cli } = await bothWays(dir);
      expect({ name, status: page.status }).toEqual({ name, status: 'fail' });
      const fails = page.lines.filter((l) => l.kind === 'fail').map((l) => l.text);
      expect({ name, named: fails.some((f) => f.includes(name)) }).toEqual({ name, named: true });
      expect(cli.problemFiles).toContain(name);
      saysNothingGoodAbout(page, name);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verify.html does not call a changed Original export the original recording', async () => {
    const dir = copy(x.original, 'flip-original-mp4');
    const mp4 = fs.readdirSync(dir).find((f) => f.endsWith('.mp4') && !f.includes('.manifest'))!;
    const bytes = fs.readFileSync(path.join(dir, mp4));
    bytes[1000]! ^= 0x01;
    fs.writeFileSync(path.join(dir, mp4), bytes);
    const { page } = await bothWays(dir);
    expect(page.lines.some((l) => l.text.includes('is the original recording itself'))).toBe(false);
    const intact = await bothWays(x.original.outDir);
    expect(intact.page.lines).toContainEqual({ kind: 'ok', text: `${mp4} is the original recording itself, byte for byte.` });
  });

  it("openssl verifies the export manifest's signature with the README's command, and refuses it after one changed byte", () => {
    const dir = copy(x.reenc, 'openssl');
    const run = () =>
      spawnSync(
        'openssl',
        ['pkeyutl', '-verify', '-pubin', '-inkey', 'station.pem', '-rawin', '-in', 'export-manifest.json', '-sigfile', 'export-manifest.json.sig'],
        { cwd: dir, encoding: 'utf8' },
      );
    const good = run();
    expect(good.stdout).toContain('Signature Verified Successfully');
    expect(good.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'README.txt'), 'utf8')).toContain(
      'openssl pkeyutl -verify -pubin -inkey station.pem -rawin -in export-manifest.json -sigfile export-manifest.json.sig',
    );
    const bytes = fs.readFileSync(path.join(dir, 'export-manifest.json'));
    bytes[bytes.length - 10]! ^= 0x01;
    fs.writeFileSync(path.join(dir, 'export-manifest.json'), bytes);
    const bad = run();
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).not.toContain('Signature Verified Successfully');
  });

  it('verify FILE on every file of every export form: the original is the original, everything else is named as what it was derived from', async () => {
    const engine = await Engine.open({ dataDir: data, timestampWorker: false });
    try {
      for (const r of [x.original, x.copycut, x.reenc, x.speed, x.stills]) {
        for (const f of r.files.filter((f) => f.kind !== 'zip')) {
          const v = await verifyFile(engine, f.path);
          const isOriginal = f.kind === 'video' && r === x.original;
          expect({ file: f.name, verdict: v.answer?.verdict, exit: v.exitCode }).toEqual({
            file: f.name,
            verdict: isOriginal ? 'intact' : 'derived',
            exit: isOriginal ? 0 : 3,
          });
          if (!isOriginal) {
            expect(v.lines[0]).toMatch(
              /^EXPORTED: this is .* It is exactly the file the station exported, derived from the sealed clip, not the original recording itself\.$/,
            );
            expect(v.lines[0]).not.toMatch(/NOT VERIFIED|INTACT:/);
          }
        }
      }
      const head = async (r: ExportResult, re: RegExp): Promise<string> => (await verifyFile(engine, r.files.find((f) => re.test(f.name))!.path)).lines[0]!;
      expect(await head(x.copycut, /_part2of3\.mp4$/)).toMatch(
        /^EXPORTED: this is part 2 of 3 of the Shopee.* export of .* UTC, cut without re-encoding \(frames \d+–\d+, each bit-identical\) from clip \S+ of order SGN-88412 \(shipping, packing; sealed SHA-256 [0-9a-f]{64}\), covering 00:\d\d\.\d–01:\d\d\.\d of it\./,
      );
      expect(await head(x.reenc, /_part3of3\.mp4$/)).toMatch(/part 3 of 3 of the .* re-encoded \(H\.264 .* covering 01:40\.\d–02:30\.\d of it/);
      expect(await head(x.speed, /\.mp4$/)).toMatch(/re-encoded \(H\.264 .*played 2\.5\dx faster: EDITED\)/);
      expect(await head(x.stills, /_still02_.*\.jpg$/)).toMatch(/still 2 of 2 of the .* export of .*, the frame at 01:10\.0 of clip \S+ of order SGN-88412/);
      expect(await head(x.stills, /_sheet\.pdf$/)).toMatch(/the evidence sheet \(PDF\) of the stills of the .* export/);
      expect(await head(x.reenc, /_part1of3_sheet\.pdf$/)).toMatch(
        /the evidence sheet \(PDF\) of part 1 of 3 of the .* export .* covering 00:00\.0–00:50\.\d of it/,
      );
    } finally {
      await engine.close();
    }
    // The command's exit codes: 0 the original, 3 a file the station exported, 1 a changed one.
    const code = (file: string): number | null => spawnSync(process.execPath, [bin, 'verify', file, '--data', data], { encoding: 'utf8' }).status;
    expect(code(x.original.files.find((f) => f.kind === 'video')!.path)).toBe(0);
    expect(code(x.reenc.files.find((f) => f.kind === 'video')!.path)).toBe(3);
    expect(code(x.stills.files.find((f) => f.kind === 'still')!.path)).toBe(3);
    expect(code(x.copycut.files.find((f) => f.kind === 'sheet-pdf')!.path)).toBe(3);
  });

  it('Check a clip (door 2) names an exported part as exported by this station, never the original nor unknown; the export panel offers shipping, returns or all', async () => {
    const served = await startServe(['--data', data]);
    const page = await browser.context.newPage();
    try {
      await page.goto(`${served.url}#/verify`);
      const p2 = x.reenc.files.find((f) => /_part2of3\.mp4$/.test(f.name))!;
      await page.getByTestId('verify-file').setInputFiles(p2.path);
      await page.locator('[data-verdict="derived"]').waitFor();
      expect(await page.getByTestId('verify-headline').textContent()).toBe('Exported by this station (not the original)');
      const text = (await page.getByTestId('verify-result').textContent()) ?? '';
      expect(text).toMatch(/part 2 of 3 of the .* export of .*, re-encoded .* from clip \S+ of order SGN-88412/);
      expect(await page.getByTestId('verify-order').textContent()).toBe(ORDER);
      expect(await page.getByTestId('verify-check-source').textContent()).toMatch(
        /It was made from clip \S+, sealed as chain entry \d+ with SHA-256 [0-9a-f]{64}; that entry holds\./,
      );
      // The export panel of the order's return clip: this clip, or the order's clips by mode.
      await page.goto(`${served.url}#/lookup`);
      await page.getByTestId('lookup-q').fill(ORDER);
      await page.getByTestId('result').first().waitFor();
      await page.getByTestId('result').first().click();
      await page.getByTestId('export-panel').waitFor();
      const options = await optionTexts(page, 'export-scope');
      expect(options).toEqual([
        expect.stringMatching(/^This clip \((shipping|return)\)$/),
        "The order's shipping (packing) clips",
        "The order's return (unboxing) clips",
        'All clips of the order (shipping and returns)',
      ]);
      await choose(page, 'export-preset', 'original');
      await choose(page, 'export-scope', 'all');
      await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/^Expected: the recording itself, about/);
      await choose(page, 'export-scope', 'returns');
      await expect.poll(() => page.getByTestId('export-batch-mode').textContent()).toBe("Clips of each order: The order's return (unboxing) clips");
    } finally {
      await page.close();
      await served.stop();
    }
  });

  it('shipping and returns apart: the shipping clip by default, the return only when asked, each named in the manifest, the file names and the sheet', () => {
    const clipsOf = (r: ExportResult): { mode: string }[] => JSON.parse(fs.readFileSync(path.join(r.outDir, 'export-manifest.json'), 'utf8')).clips;
    const videos = (r: ExportResult): string[] => r.files.filter((f) => f.kind === 'video').map((f) => f.name);
    expect(clipsOf(x.shipping).map((c) => c.mode)).toEqual(['shipping']);
    expect(videos(x.shipping)).toEqual([expect.stringMatching(/^SGN-88412_shipping_/)]);
    expect(clipsOf(x.returns).map((c) => c.mode)).toEqual(['returns']);
    expect(videos(x.returns)).toEqual([expect.stringMatching(/^SGN-88412_RETURN_/)]);
    expect(
      clipsOf(x.all)
        .map((c) => c.mode)
        .sort(),
    ).toEqual(['returns', 'shipping']);
    expect(
      videos(x.all)
        .map((n) => n.split('_')[1])
        .sort(),
    ).toEqual(['RETURN', 'shipping']);
    if (fs.existsSync('/usr/bin/pdftotext')) {
      const pdf = x.returns.files.find((f) => f.kind === 'sheet-pdf')!.path;
      expect(execFileSync('pdftotext', [pdf, '-']).toString()).toContain('RETURN (unboxing) clip');
    }
    const cli = spawnSync(process.execPath, [bin, 'export', '--order', ORDER, '--mode', 'returns', '--plan', '--data', data], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('(returns)');
    expect(cli.stdout).not.toContain('(shipping)');
  });
});

// verify.html, the reviewer's offline check, in a real Chromium: it accepts an exported package
// (folder files or the ZIP) and rejects it when one byte of the MP4 or of the signature changes;
// it checks the original clip's RFC 3161 timestamp from a local TSA (RSA and ECDSA) and rejects a
// damaged or swapped token.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { stationCustodyOf } from '../../electron/engine/evidence/handlers.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
interface PageResult {
  status: string;
  text: string;
  log: string;
}

async function checkInBrowser(browser: Browser, verifyHtml: string, files: string[]): Promise<PageResult> {
  const page = await browser.context.newPage();
  try {
    await page.goto(pathToFileURL(verifyHtml).href);
    await page.setInputFiles('#files', files);
    await page.waitForFunction(
      () => {
        const s = document.getElementById('result')?.dataset.status;
        return s === 'ok' || s === 'fail';
      },
      undefined,
      { timeout: 60_000 },
    );
    return {
      status: (await page.getAttribute('#result', 'data-status')) ?? '',
      text: (await page.textContent('#result')) ?? '',
      log: (await page.textContent('#log')) ?? '',
    };
  } finally {
    await page.close();
  }
}

describe.runIf(chromiumAvailable())('verify.html in Chromium', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let shopee: ExportResult;
  let original: ExportResult;
  let browser: Browser;

  beforeAll(async () => {
    t = tmpDir('pw-verify-');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, 'VRF-20261125', 70, '320x180', 30);
    await recordClip(engine, 'VRF-20261125', webm);
    shopee = await runExport(engine, { order: 'VRF-20261125', preset: 'shopee' }, path.join(t.dir, 'shopee'));
    original = await runExport(engine, { order: 'VRF-20261125', preset: 'original' }, path.join(t.dir, 'original'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.close().catch(() => {});
    t?.cleanup();
  });

  async function check(verifyHtml: string, files: string[]): Promise<{ status: string; text: string; log: string }> {
    return checkInBrowser(browser, verifyHtml, files);
  }

  const packageFiles = (r: ExportResult) => r.files.filter((f) => f.kind !== 'zip').map((f) => f.path);
  const copyPackage = (r: ExportResult, name: string): string => {
    const dir = path.join(t.dir, name);
    fs.cpSync(r.outDir, dir, { recursive: true });
    return dir;
  };

  it('accepts the files of an exported package: hashes match and the station signature holds', async () => {
    const r = await check(path.join(shopee.outDir, 'verify.html'), packageFiles(shopee));
    expect(r.text).toContain('VERIFIED');
    expect(r.status).toBe('ok');
    expect(r.log).toContain('the manifest is signed by the station key');
    expect(r.log).toContain('part 2 of 2');
    // recorded with no TSA configured: no trusted time, said plainly, and no failure
    expect(r.log).toMatch(/has no trusted timestamp \(\.tsr\) in this package: no trusted time/);
  });

  it('accepts the ZIP alone', async () => {
    const r = await check(path.join(shopee.outDir, 'verify.html'), [shopee.zip!]);
    expect(r.status).toBe('ok');
  });

  it('says an Original export is the signed recording itself', async () => {
    const r = await check(path.join(original.outDir, 'verify.html'), packageFiles(original));
    expect(r.status).toBe('ok');
    expect(r.log).toContain('is the original recording itself, byte for byte');
  });

  it('rejects the package when one byte of the MP4 changes', async () => {
    const dir = copyPackage(shopee, 'tampered-mp4');
    const mp4 = fs.readdirSync(dir).find((f) => f.endsWith('part1of2.mp4'))!;
    const bytes = fs.readFileSync(path.join(dir, mp4));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    fs.writeFileSync(path.join(dir, mp4), bytes);
    const files = shopee.files.filter((f) => f.kind !== 'zip').map((f) => path.join(dir, f.name));
    const r = await check(path.join(dir, 'verify.html'), files);
    expect(r.status).toBe('fail');
    expect(r.text).toContain('NOT VERIFIED');
    expect(r.log).toContain(`${mp4}: SHA-256 does NOT match`);
  });

  it('rejects the package when the manifest signature is changed', async () => {
    const dir = copyPackage(original, 'tampered-sig');
    const sig = fs.readdirSync(dir).find((f) => f.endsWith('.manifest.json.sig'))!;
    const bytes = fs.readFileSync(path.join(dir, sig));
    bytes[0]! ^= 0x80;
    fs.writeFileSync(path.join(dir, sig), bytes);
    // The signed export manifest lists the signature's hash: the changed file is named, and its
    // clip manifest is not called signed.
    const r = await check(
      path.join(dir, 'verify.html'),
      original.files.filter((f) => f.kind !== 'zip').map((f) => path.join(dir, f.name)),
    );
    expect(r.status).toBe('fail');
    expect(r.log).toContain(`${sig}: SHA-256 does NOT match the signed manifest`);
    expect(r.log).not.toContain('the manifest is signed by the station key');
  });
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The genTime `openssl ts -reply -in X.tsr -text` prints ("Nov 25 17:40:01 2026 GMT") as the page writes it. */
function opensslTime(tsr: string): string {
  const text = execFileSync('openssl', ['ts', '-reply', '-in', tsr, '-text'], { encoding: 'utf8', stdio: 'pipe' });
  const m = /Time stamp: (\w{3}) +(\d+) (\d\d:\d\d:\d\d(?:\.\d+)?) (\d{4}) GMT/.exec(text);
  if (!m) throw new Error(`no time in ${text}`);
  return `${m[4]}-${String(MONTHS.indexOf(m[1]!) + 1).padStart(2, '0')}-${m[2]!.padStart(2, '0')} ${m[3]} UTC`;
}

describe.runIf(chromiumAvailable())("verify.html checks the original clip's trusted timestamp", () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let rsaTsa: LocalTsa;
  let ecTsa: LocalTsa;
  const pkg: Record<'one' | 'two' | 'ec' | 'late', ExportResult> = {} as never;
  let browser: Browser;

  beforeAll(async () => {
    t = tmpDir('pw-verify-tsa-');
    rsaTsa = await startLocalTsa(path.join(t.dir, 'tsa'));
    ecTsa = await startLocalTsa(path.join(t.dir, 'tsa-ec'), { key: 'ec', name: 'PackWitness EC TSA' });
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    const ctx = { door: 'http' as const };
    const webm = (order: string): string => {
      const f = path.join(t.dir, `${order}.webm`);
      makeOrderWebm(f, order, 3, '320x180', 15); // the order drawn in: every clip has its own hash
      return f;
    };
    await engine.call('settings.update', { tsaUrls: [rsaTsa.url] }, ctx);
    await recordClip(engine, 'TSA-ONE', webm('TSA-ONE'));
    await recordClip(engine, 'TSA-TWO', webm('TSA-TWO'));
    await stationCustodyOf(engine).timestamps.runDue();
    await engine.call('settings.update', { tsaUrls: [ecTsa.url] }, ctx);
    await recordClip(engine, 'TSA-EC', webm('TSA-EC'));
    // A clip recorded two days ago (the clock moved back; the recording is real) and stamped now,
    // as a station offline for two days, or one whose TSA was set up afterwards, gets it.
    const lateWebm = webm('TSA-LATE');
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() - 2 * 86_400_000);
    try {
      await recordClip(engine, 'TSA-LATE', lateWebm);
    } finally {
      vi.useRealTimers();
    }
    await stationCustodyOf(engine).timestamps.runDue();
    for (const [k, order] of [
      ['one', 'TSA-ONE'],
      ['two', 'TSA-TWO'],
      ['ec', 'TSA-EC'],
      ['late', 'TSA-LATE'],
    ] as const) {
      pkg[k] = await runExport(engine, { order, preset: 'original' }, path.join(t.dir, k));
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.close().catch(() => {});
    await rsaTsa?.close();
    await ecTsa?.close();
    t?.cleanup();
  });

  const tsrOf = (r: ExportResult): string => r.files.find((f) => f.name.endsWith('.tsr'))!.path;
  /** The package's files copied to a new folder, with `change` applied there first. */
  const tampered = (r: ExportResult, name: string, change: (dir: string, tsrName: string) => void): { html: string; files: string[] } => {
    const dir = path.join(t.dir, name);
    fs.cpSync(r.outDir, dir, { recursive: true });
    change(dir, path.basename(tsrOf(r)));
    return { html: path.join(dir, 'verify.html'), files: r.files.filter((f) => f.kind !== 'zip').map((f) => path.join(dir, f.name)) };
  };
  const files = (r: ExportResult): string[] => r.files.filter((f) => f.kind !== 'zip').map((f) => f.path);

  it('shows the trusted time openssl reads from the token, from the TSA named in its certificate, and stays VERIFIED', async () => {
    const r = await checkInBrowser(browser, path.join(pkg.one.outDir, 'verify.html'), files(pkg.one));
    expect(r.status).toBe('ok');
    expect(r.text).toContain('VERIFIED');
    expect(r.log).toContain(
      `Trusted time: ${opensslTime(tsrOf(pkg.one))} from PackWitness Test TSA (Test Time Co), token signature valid, covers this recording's SHA-256`,
    );
    expect(r.log).toContain('TSA certificate: subject O=Test Time Co, CN=PackWitness Test TSA; issuer CN=PackWitness Test Root');
    // The chain as far as the token carries it (the TSA's certificate alone here), and what is left
    // to the reviewer: the anchor's fingerprint, openssl's fingerprint of the same certificate.
    expect(r.log).toContain(
      'TSA certificate: a timestamping certificate valid at that time; chain intact: O=Test Time Co, CN=PackWitness Test TSA, issued by CN=PackWitness Test Root (not in the token).',
    );
    const tsaPem = path.join(path.dirname(rsaTsa.caFile), 'tsa.pem');
    const fp = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', tsaPem], { encoding: 'utf8' })
      .replace(/.*=|:|\s/g, '')
      .toLowerCase();
    expect(r.log).toContain(`Whether O=Test Time Co, CN=PackWitness Test TSA is to be trusted is not decided here: its SHA-256 fingerprint is ${fp}`);
  });

  it('says a token stamped long after the recording proves it unchanged since then, not when it was recorded', async () => {
    const r = await checkInBrowser(browser, path.join(pkg.late.outDir, 'verify.html'), files(pkg.late));
    expect(r.status).toBe('ok'); // still verified: the token is genuine
    expect(r.log).toMatch(
      /The trusted time is 4[78] h after the recording ended \(.*\): it proves the recording existed unchanged by then, not when it was recorded\./,
    );
    const onTime = await checkInBrowser(browser, path.join(pkg.ec.outDir, 'verify.html'), files(pkg.ec));
    expect(onTime.log).not.toContain('after the recording ended');
  });

  it('accepts a token signed with an ECDSA P-256 TSA key', async () => {
    const r = await checkInBrowser(browser, path.join(pkg.ec.outDir, 'verify.html'), [pkg.ec.zip!]);
    expect(r.status).toBe('ok');
    // The export manifest has its own token from the TSA configured when it was exported.
    expect(r.log).toMatch(/Trusted time of the export: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC from PackWitness EC TSA/);
    const ts = spawnSync('openssl', ['ts', '-verify', '-data', 'export-manifest.json', '-in', 'export-manifest.tsr', '-CAfile', ecTsa.caFile], {
      cwd: pkg.ec.outDir,
      encoding: 'utf8',
    });
    expect(ts.stdout).toContain('Verification: OK');
    expect(r.log).toContain(`Trusted time: ${opensslTime(tsrOf(pkg.ec))} from PackWitness EC TSA (Test Time Co), token signature valid`);
  });

  // A token changed in the package no longer matches the hash the signed export manifest lists: it
  // is named, and no trusted time is shown from it.
  it("rejects the package when one byte of the token's signature is flipped", async () => {
    const p = tampered(pkg.one, 'tsr-sig', (dir, tsr) => {
      const b = fs.readFileSync(path.join(dir, tsr));
      b[b.length - 1]! ^= 0x01; // the TSA's signature is the last element of the reply
      fs.writeFileSync(path.join(dir, tsr), b);
    });
    const r = await checkInBrowser(browser, p.html, p.files);
    expect(r.status).toBe('fail');
    expect(r.text).toContain('NOT VERIFIED');
    expect(r.log).toMatch(/\S+\.tsr: SHA-256 does NOT match the signed manifest/);
    expect(r.log).toMatch(/its trusted timestamp is not checked/);
    expect(r.log).not.toContain('Trusted time:');
  });

  it("rejects the package when another clip's token is swapped in", async () => {
    const p = tampered(pkg.one, 'tsr-swap', (dir, tsr) => fs.copyFileSync(tsrOf(pkg.two), path.join(dir, tsr)));
    const r = await checkInBrowser(browser, p.html, p.files);
    expect(r.status).toBe('fail');
    expect(r.log).toMatch(/\S+\.tsr: SHA-256 does NOT match the signed manifest/);
    expect(r.log).not.toContain('Trusted time:');
  });

  it('names the token missing when the package is given without it', async () => {
    const r = await checkInBrowser(
      browser,
      path.join(pkg.one.outDir, 'verify.html'),
      files(pkg.one).filter((f) => !f.endsWith('.tsr')),
    );
    expect(r.status).toBe('fail');
    expect(r.log).toMatch(/\S+\.tsr is missing: the signed manifest lists it \(the trusted timestamp token of clip/);
    expect(r.log).not.toContain('Trusted time:');
  });
});

// verify.html, the reviewer's offline check, in a real Chromium: it accepts an exported package
// (folder files or the ZIP) and rejects it when one byte of the MP4 or of the signature changes.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe.runIf(chromiumAvailable())('verify.html in Chromium', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let shopee: ExportResult;
  let original: ExportResult;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

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
    const page = await browser.context.newPage();
    try {
      await page.goto(pathToFileURL(verifyHtml).href);
      await page.setInputFiles('#files', files);
      await page.waitForFunction(() => {
        const s = document.getElementById('result')?.dataset.status;
        return s === 'ok' || s === 'fail';
      }, undefined, { timeout: 60_000 });
      return {
        status: (await page.getAttribute('#result', 'data-status')) ?? '',
        text: (await page.textContent('#result')) ?? '',
        log: (await page.textContent('#log')) ?? '',
      };
    } finally {
      await page.close();
    }
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
    // The package manifest lists the signature's hash too; the signature check itself must also fail.
    const r = await check(path.join(dir, 'verify.html'), original.files.filter((f) => f.kind !== 'zip').map((f) => path.join(dir, f.name)));
    expect(r.status).toBe('fail');
    expect(r.log).toContain('signature is NOT valid');
  });
});

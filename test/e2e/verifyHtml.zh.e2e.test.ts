// verify.html in a Chinese browser: the package check's lines and verdict in Chinese, from the same
// codes `packwitness verify PACKAGE` words in English; the switch at the top reads them in English.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { packageFiles, verifyPackage } from '../../electron/engine/export/verifyPackage.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { wordPackage } from '../../shared/evidence/packageWords.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type Context = Awaited<ReturnType<Browser['browser']['newContext']>>;

describe.runIf(chromiumAvailable())('verify.html in a zh-CN browser', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let shopee: ExportResult;
  let browser: Browser;
  let zh: Context;

  beforeAll(async () => {
    t = tmpDir('pw-verify-zh-');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, 'ZH-20261206', 40, '320x180', 30);
    await recordClip(engine, 'ZH-20261206', webm);
    shopee = await runExport(engine, { order: 'ZH-20261206', preset: 'shopee' }, path.join(t.dir, 'shopee'));
    browser = await launchBrowser();
    zh = await browser.browser.newContext({ locale: 'zh-CN' });
  });
  afterAll(async () => {
    await zh?.close().catch(() => {});
    await browser?.close();
    await engine?.close().catch(() => {});
    t?.cleanup();
  });

  const filesOf = (dir: string): string[] =>
    fs
      .readdirSync(dir)
      .filter((n) => !/\.zip$/i.test(n))
      .map((n) => path.join(dir, n));
  const copyPackage = (name: string): string => {
    const dir = path.join(t.dir, name);
    fs.cpSync(shopee.outDir, dir, { recursive: true });
    return dir;
  };

  /** Opens verify.html in the Chinese browser, gives it the files, waits for the verdict it shows. */
  async function openAndCheck(dir: string) {
    const page = await zh.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'verify.html')).href);
    await page.setInputFiles('#files', filesOf(dir));
    const verdict = async () => {
      await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 60_000 });
      return {
        status: await page.getAttribute('#result', 'data-status'),
        text: (await page.textContent('#result')) ?? '',
        log: (await page.textContent('#log')) ?? '',
      };
    };
    return { page, verdict };
  }

  it('shows a good package as verified, in Chinese, with the page itself in Chinese', async () => {
    const { page, verdict } = await openAndCheck(shopee.outDir);
    try {
      const r = await verdict();
      expect(r.status).toBe('ok');
      expect(r.text).toBe(wordPackage('pkg-verified', {}, 'zh-CN'));
      expect(r.text).toContain('已验证');
      expect(r.log).toContain('SHA-256 与已签名的清单相符');
      expect(r.log).toContain('由 station.pem 中的工作台密钥签名');
      expect(await page.textContent('h1')).toBe('PackWitness 证据包核验');
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      // The switch reads the same check in English, word for word as before.
      await page.click('#lang');
      await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('VERIFIED'), undefined, { timeout: 60_000 });
      expect(await page.textContent('#result')).toBe('VERIFIED: the export manifest is signed by the station, every file matches it, and the signatures hold.');
      expect(await page.textContent('#log')).toContain('SHA-256 matches the signed manifest');
      expect(await page.textContent('h1')).toBe('PackWitness evidence package check');
    } finally {
      await page.close();
    }
  });

  it('names a changed file in Chinese, with the same code and hashes the CLI reports', async () => {
    const dir = copyPackage('changed');
    const mp4 = fs.readdirSync(dir).find((n) => n.endsWith('.mp4'))!;
    const p = path.join(dir, mp4);
    const b = fs.readFileSync(p);
    const at = b.length >> 1;
    b[at] = b[at]! ^ 0xff;
    fs.writeFileSync(p, b);
    const cli = await verifyPackage(packageFiles(dir));
    const changed = cli.lines.find((l) => l.code === 'pkg-file-changed')!;
    expect(changed.params?.file).toBe(mp4);
    expect(cli.headline).toBe('NOT VERIFIED: 1 problem(s) found; see the lines marked FAIL.');
    const { page, verdict } = await openAndCheck(dir);
    try {
      const r = await verdict();
      expect(r.status).toBe('fail');
      expect(r.text).toBe('未通过验证：发现 1 处问题；请查看标有 \u2717 的行。');
      expect(r.log).toContain(wordPackage('pkg-file-changed', changed.params, 'zh-CN'));
      expect(r.log).toContain(`${mp4}：SHA-256 与已签名的清单不符`);
    } finally {
      await page.close();
    }
  });

  it('names a missing file and a package naming a hub key it lacks, in Chinese', async () => {
    const dir = copyPackage('missing');
    const sheet = fs.readdirSync(dir).find((n) => n.endsWith('.pdf') || n.endsWith('.mp4'))!;
    fs.rmSync(path.join(dir, sheet));
    let { page, verdict } = await openAndCheck(dir);
    try {
      const r = await verdict();
      expect(r.status).toBe('fail');
      expect(r.log).toContain(`缺少 ${sheet}：已签名的清单列出了它`);
    } finally {
      await page.close();
    }
    // A manifest that names hub.pem (as a hub's package does) given without it: its signature cannot be checked.
    const hubDir = copyPackage('hub-key');
    const manPath = path.join(hubDir, 'export-manifest.json');
    const man = JSON.parse(fs.readFileSync(manPath, 'utf8')) as { files: Record<string, unknown> };
    man.files['hub.pem'] = { sha256: '0'.repeat(64), bytes: 1, role: 'hub', from: null, how: null, text: 'hub key' };
    fs.writeFileSync(manPath, JSON.stringify(man, null, 2));
    const cli = await verifyPackage(packageFiles(hubDir));
    expect(cli.lines.map((l) => l.code)).toContain('pkg-hub-key-missing');
    ({ page, verdict } = await openAndCheck(hubDir));
    try {
      const r = await verdict();
      expect(r.status).toBe('fail');
      expect(r.log).toContain('缺少 hub.pem：导出清单列出了它（仓库中心制作的包由 hub.pem 中的中心密钥签名）');
      expect(r.text).toContain('未通过验证');
    } finally {
      await page.close();
    }
  });
});

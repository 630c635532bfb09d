// verify.html in a Chinese browser: the package check's lines and verdict in Chinese, from the same
// codes `packwitness verify PACKAGE` words in English; the switch at the top reads them in English.
// A package the warehouse hub made, with a trusted timestamp, reads in Chinese from top to bottom.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { packageFiles, verifyPackage } from '../../electron/engine/export/verifyPackage.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { requestTimestamp } from '../../electron/engine/evidence/tsa.ts';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { wordPackage } from '../../shared/evidence/packageWords.ts';
import type { ConsoleExport } from '../../shared/consoleWire.ts';
import { ask, login, makeMp4, startConsoleHub } from '../hub/consoleFixture.ts';
import { FakeStation, embeddedBackend, enrolledClient, publishInput } from '../hub/hubFixture.ts';
import { startLocalTsa } from '../helpers/localTsa.ts';
import { CJK, ENGLISH } from '../helpers/messageWords.ts';
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
  let hubPackage: string;

  beforeAll(async () => {
    t = tmpDir('pw-verify-zh-');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, 'ZH-20261206', 40, '320x180', 30);
    await recordClip(engine, 'ZH-20261206', webm);
    shopee = await runExport(engine, { order: 'ZH-20261206', preset: 'shopee' }, path.join(t.dir, 'shopee'));
    hubPackage = await hubShopeePackage(t.dir);
    browser = await launchBrowser();
    zh = await browser.browser.newContext({ locale: 'zh-CN' });
  }, 300_000);
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
  async function openAndCheck(dir: string, beforeFiles?: (page: Awaited<ReturnType<Context['newPage']>>) => Promise<void>) {
    const page = await zh.newPage();
    await page.goto(pathToFileURL(path.join(dir, 'verify.html')).href);
    await beforeFiles?.(page);
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
  const logLines = (page: Awaited<ReturnType<Context['newPage']>>) => page.$$eval('#log li', (els) => els.map((e) => e.textContent ?? ''));

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

  it("reads every line of a good package in Chinese, the clip's timestamp, frames and chain segment included", async () => {
    const { page, verdict } = await openAndCheck(shopee.outDir);
    try {
      expect((await verdict()).status).toBe('ok');
      const lines = await logLines(page);
      expect(lines.filter((l) => !CJK.test(l) || ENGLISH.test(l))).toEqual([]);
      expect(lines.some((l) => l.startsWith('订单 ZH-20261206，由工作台'))).toBe(true);
      expect(lines.filter((l) => /^订单 ZH-20261206 的视频 \S+（发货，打包）：清单由工作台密钥签名。$/.test(l))).toHaveLength(1);
      expect(lines.some((l) => /^本包中视频 \S+ 没有可信时间戳（\.tsr）/.test(l))).toBe(true);
      expect(lines.some((l) => /^视频 \S+：本包中没有其帧记录/.test(l))).toBe(true);
      expect(lines.some((l) => l.includes('：导出时还没有链锚点覆盖它'))).toBe(true);
      // What each exported file is, worded from the signed manifest's fields.
      expect(lines.some((l) => /\.pdf 是订单 ZH-20261206 的视频 \S+（发货，打包）的证据单（PDF），覆盖其 /.test(l))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('a switch of language while a check runs leaves one check, in the language last chosen', async () => {
    // The switch is clicked three times the moment the check shows its first line, while it still runs
    // (it awaits the browser's SHA-256 of the files next): each click asks for the check again.
    const { page, verdict } = await openAndCheck(shopee.outDir, (p) =>
      p.evaluate(() => {
        const log = document.getElementById('log')!;
        const seen = new MutationObserver(() => {
          if (!log.children.length) return;
          seen.disconnect();
          for (let i = 0; i < 3; i++) document.getElementById('lang')!.click();
        });
        seen.observe(log, { childList: true });
      }),
    );
    try {
      const r = await verdict();
      expect(r.status).toBe('ok');
      expect(r.text).toBe('VERIFIED: the export manifest is signed by the station, every file matches it, and the signatures hold.');
      const switched = await logLines(page);
      expect(switched.filter((l) => CJK.test(l))).toEqual([]);
      // The same lines, once each, as a check started in English shows.
      const en = await browser.browser.newContext({ locale: 'en-US' });
      try {
        const p2 = await en.newPage();
        await p2.goto(pathToFileURL(path.join(shopee.outDir, 'verify.html')).href);
        await p2.setInputFiles('#files', filesOf(shopee.outDir));
        await p2.waitForFunction(() => document.getElementById('result')?.dataset.status === 'ok', undefined, { timeout: 60_000 });
        expect(switched).toEqual(await logLines(p2));
      } finally {
        await en.close();
      }
    } finally {
      await page.close();
    }
  });

  it('shows a package the hub made, with its trusted timestamp, only in Chinese', async () => {
    const { page, verdict } = await openAndCheck(hubPackage);
    try {
      const r = await verdict();
      expect(r.status, r.log).toBe('ok');
      expect(r.text).toBe(wordPackage('pkg-verified-hub', { hub: 'Test hub' }, 'zh-CN'));
      const lines = await logLines(page);
      // The TSA's certificate names are data (its subject and issuer), not words of the page.
      const withoutData = (l: string) => l.replaceAll('Test Time Co', 'X').replaceAll('PackWitness Test Root', 'X').replaceAll('PackWitness Test TSA', 'X');
      expect(lines.filter((l) => !CJK.test(l) || ENGLISH.test(withoutData(l)))).toEqual([]);
      const clip = /^订单 SF1700000001901 的视频 (\S+)（发货，打包）：清单由工作台密钥签名。$/;
      expect(lines.filter((l) => clip.test(l))).toHaveLength(1);
      const what = lines.find((l) => clip.test(l))!.split('：')[0]!;
      for (const l of [`${what}：station.pem 正是其已签名清单指明的密钥。`]) expect(lines).toContain(l);
      expect(lines.some((l) => l.startsWith(`${what}：已签名的清单载明原始视频的哈希值 `))).toBe(true);
      expect(lines.some((l) => l.startsWith('可信时间：') && l.includes('令牌签名有效，覆盖本录像的 SHA-256'))).toBe(true);
      expect(lines.some((l) => l.startsWith('TSA 证书：当时有效的时间戳证书；证书链完整：'))).toBe(true);
      expect(lines.some((l) => l.includes('是否可信不在此判定') && l.includes('-CAfile <该 TSA 的 CA 证书>.pem'))).toBe(true);
      expect(lines.some((l) => l.startsWith('视频 ') && l.includes('本包中没有其帧记录'))).toBe(true);
      expect(lines.some((l) => l.startsWith('订单 SF1700000001901，由工作台 Packing 9'))).toBe(true);
      expect(lines.some((l) => l.includes('由仓库中心“Test hub”用 hub.pem 中的密钥签名'))).toBe(true);
      // In English the same package reads as `packwitness verify` words its lines.
      await page.click('#lang');
      await page.waitForFunction(() => document.getElementById('result')?.textContent?.startsWith('VERIFIED'), undefined, { timeout: 60_000 });
      const en = await logLines(page);
      expect(en.filter((l) => CJK.test(l))).toEqual([]);
      expect(en.some((l) => /^Clip \S+ of order SF1700000001901 \(shipping, packing\): the manifest is signed by the station key\.$/.test(l))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("names a hub package's changed token in Chinese, and the clip's trusted time as not checked", async () => {
    const dir = path.join(t.dir, 'hub-token-changed');
    fs.cpSync(hubPackage, dir, { recursive: true });
    const tsr = fs.readdirSync(dir).find((n) => n.endsWith('.tsr'))!;
    const b = fs.readFileSync(path.join(dir, tsr));
    b[b.length - 10]! ^= 1;
    fs.writeFileSync(path.join(dir, tsr), b);
    const { page, verdict } = await openAndCheck(dir);
    try {
      const r = await verdict();
      expect(r.status).toBe('fail');
      expect(r.text).toBe('未通过验证：发现 1 处问题；请查看标有 \u2717 的行。');
      const lines = await logLines(page);
      expect(lines.filter((l) => !CJK.test(l) || ENGLISH.test(l))).toEqual([]);
      expect(lines.some((l) => l.startsWith(`${tsr}：SHA-256 与已签名的清单不符`))).toBe(true);
      expect(lines.some((l) => /^订单 SF1700000001901 的视频 \S+（发货，打包）：其可信时间戳未检查（见上方各行）。$/.test(l))).toBe(true);
    } finally {
      await page.close();
    }
  });

  /** A Shopee package the warehouse hub made from a station's clip that a local TSA stamped; its folder. */
  async function hubShopeePackage(dir: string): Promise<string> {
    const tsa = await startLocalTsa(path.join(dir, 'tsa'));
    const h = await startConsoleHub(await embeddedBackend());
    try {
      const st = new FakeStation('Packing 9', dir);
      const mp4 = makeMp4(path.join(dir, 'hub.mp4'), 30, 'SF1700000001901');
      const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
      st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
      const clip = st.clip('SF1700000001901', mp4.length, mp4);
      await client.publishChain(st.chain);
      await client.publishClip({ ...publishInput(clip), tsr: (await requestTimestamp(tsa.url, clip.sha256)).response });
      await h.console.accounts.addUser('sam', 'service', 'correct horse battery');
      const cookie = await login(h, 'sam', 'correct horse battery');
      const start = await ask(h, `/console/api/clips/${encodeURIComponent(st.name)}/${clip.row.clipId}/export`, { cookie, body: { preset: 'shopee' } });
      expect(start.status, start.body.toString()).toBe(202);
      let v = start.json() as ConsoleExport;
      while (v.state === 'queued' || v.state === 'running') {
        await new Promise((r) => setTimeout(r, 200));
        v = (await ask(h, `/console/api/exports/${v.id}`, { cookie })).json() as ConsoleExport;
      }
      expect(v.state, v.error ?? '').toBe('done');
      const zip = path.join(dir, v.zipName!);
      fs.writeFileSync(zip, (await ask(h, `/console/api/exports/${v.id}/zip`, { cookie })).body);
      const out = path.join(dir, 'hub-package');
      spawnSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, out]);
      return out;
    } finally {
      await h.close();
      await tsa.close();
    }
  }
});

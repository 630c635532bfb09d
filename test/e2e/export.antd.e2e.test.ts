// The export panel on Ant Design at 1366×768 in Chinese, through door 2 (`packwitness serve` +
// Chromium): the channel and "what to export" are Ant Design selects worded in Chinese, no native
// select, number or date field is left in the panel, and a stills export shows a job row that
// names its channel and clips in Chinese, lists every file of the package with a size in its unit,
// and is on screen when it finishes. Screenshots go to PW_SHOT_DIR when it is set.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Engine } from '../../electron/engine/engine.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';
import { choose, chosenText, optionTexts } from '../helpers/antd.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ORDER = 'ANT-77012345';

describe.runIf(chromiumAvailable())('export panel on Ant Design, 1366×768, zh-CN (HTTP door)', () => {
  let t: ReturnType<typeof tmpDir>;
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    t = tmpDir('pw-export-antd-');
    const data = path.join(t.dir, 'data');
    const engine = await Engine.open({ dataDir: data, timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, ORDER, 20, '320x180', 30);
    await recordClip(engine, ORDER, webm);
    await engine.close();
    served = await startServe(['--data', data]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.addInitScript(() => localStorage.setItem('pw.lang', 'zh-CN'));
    await page.goto(`${served.url}#/lookup`);
    await page.getByTestId('lookup-q').fill(ORDER);
    await page.getByTestId('result').first().click();
    await page.getByTestId('export-panel').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t?.cleanup();
  });

  it('exports stills chosen in Chinese selects and shows the job row with channel, clips, sizes and every file', async () => {
    const panel = page.getByTestId('export-panel');
    await expect.poll(() => panel.locator('h3').textContent()).toBe('导出申诉材料');
    expect(await panel.locator('select, input[type="number"], input[type="date"]').count()).toBe(0);

    // The channel list speaks Chinese; Shopee takes video by default, so stills are the other choice.
    const channels = await optionTexts(page, 'export-preset');
    expect(channels).toContain('Shopee（30 MB，60 秒）');
    expect(channels).toContain('原始文件（不重新编码）');
    await choose(page, 'export-preset', 'shopee');
    expect(await chosenText(page, 'export-preset')).toBe('Shopee（30 MB，60 秒）');
    expect(await optionTexts(page, 'export-form')).toEqual(['视频', '关键帧图片 + PDF']);
    await choose(page, 'export-form', 'stills');
    expect(await chosenText(page, 'export-form')).toBe('关键帧图片 + PDF');
    await page.getByTestId('export-moments').waitFor();
    await expect.poll(() => page.getByTestId('export-expected').textContent(), { timeout: 30_000 }).toMatch(/\d+ 张图片.*[\d.]+ (B|kB|MB)$/);

    const done = page.locator('[data-testid="export-job"][data-status="done"]');
    const finished = page.locator('[data-testid="export-job"]:not([data-status="queued"]):not([data-status="running"])');
    await page.getByTestId('export-start').click();
    await expect.poll(() => finished.count(), { timeout: 90_000 }).toBe(1);
    const row = finished.first();
    expect(await row.getAttribute('data-status'), (await row.textContent()) ?? '').toBe('done');
    expect(await done.count()).toBe(1);
    await expect
      .poll(
        () =>
          row.evaluate((el) => {
            const r = el.getBoundingClientRect();
            return r.top < innerHeight && r.bottom > 0;
          }),
        { timeout: 10_000 },
      )
      .toBe(true); // scrolled into view
    if (process.env.PW_SHOT_DIR) fs.writeFileSync(path.join(process.env.PW_SHOT_DIR, 'export-antd-zh-CN.png'), await page.screenshot());

    // The row names the channel and the clips in Chinese, and its status.
    expect(await row.getAttribute('data-preset')).toBe('shopee');
    expect(await row.getByTestId('export-job-what').textContent()).toBe('Shopee（30 MB，60 秒） · 该订单的发货（打包）视频');
    expect(await row.textContent()).toContain('完成');

    // Every file of the package, the ZIP first, each with a size in the unit that fits it.
    const names = await row.getByTestId('export-file').allTextContents();
    const sizes = await row.getByTestId('export-file-size').allTextContents();
    expect(names[0]).toMatch(/_evidence\.zip$/);
    for (const own of ['verify.html', 'export-manifest.json', 'export-manifest.json.sig', 'README.txt']) expect(names).toContain(own);
    expect(names.filter((n) => n.endsWith('.jpg')).length).toBeGreaterThan(0);
    expect(names.some((n) => n.endsWith('_sheet.pdf'))).toBe(true);
    expect(names.some((n) => n.endsWith('.mp4'))).toBe(false);
    expect(sizes).toHaveLength(names.length);
    for (const s of sizes) {
      expect(s).toMatch(/^[\d.,]+ (B|kB|MB|GB)$/);
      expect(s).not.toMatch(/^0(\.0)? /);
    }
    expect(sizes[names.indexOf('export-manifest.json.sig')]).toBe('64 B');
  });
});

// The export panel in the lookup view, through door 2 (`packwitness serve` + Chromium): preset,
// expected size, progress with percent, download, cancel, and a pasted batch with its summary.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Engine } from '../../electron/engine/engine.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ORDER = 'UIX-55012345';

describe.runIf(chromiumAvailable())('export panel (HTTP door)', () => {
  let t: ReturnType<typeof tmpDir>;
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    t = tmpDir('pw-export-ui-');
    const data = path.join(t.dir, 'data');
    const engine = await Engine.open({ dataDir: data, timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, ORDER, 70, '320x180', 30);
    await recordClip(engine, ORDER, webm);
    await engine.close();
    served = await startServe(['--data', data]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
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

  const job = (status: string) => page.locator(`[data-testid="export-job"][data-status="${status}"]`);

  it('shows the expected result before exporting, then progress, then download links', async () => {
    await page.getByTestId('export-preset').selectOption('custom');
    await page.getByTestId('export-custom-mb').fill('2');
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/3 part\(s\), about \d+\.\d MB/);
    // Remember whether a progress bar with a percentage was ever on screen.
    await page.evaluate(() => {
      const w = window as unknown as { __sawPercent: boolean };
      w.__sawPercent = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="export-percent"]')) w.__sawPercent = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('export-start').click();
    await job('done').first().waitFor({ timeout: 90_000 });
    expect(await page.evaluate(() => (window as unknown as { __sawPercent: boolean }).__sawPercent)).toBe(true);
    const links = job('done').first().getByTestId('export-file');
    const names = await links.allTextContents();
    expect(names[0]).toMatch(/_evidence\.zip$/);
    expect(names.some((n) => /_part3of3\.mp4$/.test(n))).toBe(true);
    const href = await links.first().getAttribute('href');
    const status = await page.evaluate(async (u) => (await fetch(u!)).status, href);
    expect(status).toBe(200);
  });

  it('cancels a running export', async () => {
    await page.getByTestId('export-custom-mb').fill('1');
    await page.getByTestId('export-custom-s').fill('20');
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/4 part\(s\)/);
    await page.getByTestId('export-start').click();
    await page.getByTestId('export-cancel').first().click();
    await job('cancelled').first().waitFor({ timeout: 30_000 });
  });

  it('exports eBay stills at moments picked on the player', async () => {
    await page.getByTestId('export-preset').selectOption('ebay');
    await page.getByTestId('export-moments').waitFor();
    for (const at of [5, 42]) {
      await page.evaluate(async (sec) => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="player-video"]')!;
        if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
        v.currentTime = sec;
        await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      }, at);
      await page.getByTestId('export-add-moment').click();
    }
    expect(await page.getByTestId('export-moment').allTextContents()).toEqual(['5.0 s ✕', '42.0 s ✕']);
    await expect.poll(() => page.getByTestId('export-expected').textContent()).toMatch(/2 still\(s\)/);
    const before = await job('done').count();
    await page.getByTestId('export-start').click();
    await expect.poll(() => job('done').count(), { timeout: 60_000 }).toBe(before + 1);
    const names = await job('done').first().getByTestId('export-file').allTextContents();
    expect(names.filter((n) => n.endsWith('.jpg'))).toEqual([expect.stringMatching(/_still01_00m05\.0s\.jpg$/), expect.stringMatching(/_still02_00m42\.0s\.jpg$/)]);
    expect(names.some((n) => n.endsWith('_sheet.pdf'))).toBe(true);
  });

  it('exports a pasted batch and says which codes failed and why', async () => {
    await page.getByTestId('export-preset').selectOption('original');
    await page.locator('.export-batch summary').click();
    await page.getByTestId('export-batch').fill(`${ORDER}\nNOPE-404, bad/code`);
    await page.getByTestId('export-batch-start').click();
    const summary = page.getByTestId('export-batch-summary');
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toContain('1 of 3 exported, 2 failed');
    expect(await summary.textContent()).toContain('No clip of order NOPE-404');
  });
});

// The Status view and the legal hold through door 2, in Chromium: what a technician and customer
// service see and do.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { call, recordOverHttp } from '../helpers/faults.ts';
import { chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const haveChromium = chromiumAvailable();
if (!haveChromium) console.log('status e2e skipped: no Chromium at /usr/bin/chromium');

describe.skipIf(!haveChromium)('Status view and legal hold (door 2, Chromium)', () => {
  const t = tmpDir('pw-status-e2e-');
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let clip: { id: string; startedAt: string; fileName: string };

  beforeAll(async () => {
    const webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
    served = await startServe(['--data', path.join(t.dir, 'data')]);
    const r = await recordOverHttp(served.url, 'CS-DISPUTE-1', fs.readFileSync(webm));
    clip = (await call(served.url, 'recording.finish', { recordingId: r.id, reason: 'next-scan', chunkCount: r.chunkCount })).result.clip;
    // A clip file the index does not know (copied back from a backup).
    const file = clipPath(path.join(t.dir, 'data', 'clips'), clip);
    fs.copyFileSync(file, path.join(path.dirname(file), 'CS-STRAY-2_101500_mabc125-0123456789ab.mp4'));
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('shows the station check with the problem in plain words, and adopts the stray file', async () => {
    await page.goto(`${served.url}#/status`);
    await expect.poll(() => page.getByTestId('health-summary').textContent()).toContain('1 problem(s) need attention');
    const problem = page.locator('[data-level=problem]');
    await expect.poll(() => problem.textContent()).toContain('clip file(s) on disk are not in the index');
    expect(await problem.textContent()).toContain('CS-STRAY-2_101500_mabc125-0123456789ab.mp4');
    await page.getByTestId('adopt').click();
    await expect.poll(() => page.getByTestId('health-summary').textContent()).toContain('Everything is in order.');
    const adopted = await call(served.url, 'clips.get', { id: 'mabc125-0123456789ab' });
    expect(adopted.result.note).toMatch(/^Adopted on/);
  });

  it('customer service puts a clip on legal hold from the lookup player, with a reason', async () => {
    await page.goto(`${served.url}#/lookup`);
    await page.getByTestId('lookup-q').fill('CS-DISPUTE');
    await page.locator('.results button').first().click();
    await expect.poll(() => page.getByTestId('hold-state').textContent()).toContain('Not on legal hold');
    await page.getByTestId('hold-reason').fill('Ticket 4711: buyer says the box was empty');
    await page.getByTestId('hold-toggle').click();
    await expect.poll(() => page.getByTestId('hold-state').textContent()).toContain('On legal hold: Ticket 4711');
    const got = await call(served.url, 'clips.get', { id: clip.id });
    expect(got.result.legalHold).toBe(true);
    expect(got.result.holdReason).toBe('Ticket 4711: buyer says the box was empty');
    // Anyone opening the clip later sees the hold and why.
    await page.reload();
    await page.getByTestId('lookup-q').fill('CS-DISPUTE');
    await page.locator('.results button').first().click();
    await expect.poll(() => page.getByTestId('hold-state').textContent()).toContain('On legal hold: Ticket 4711');
  });
});

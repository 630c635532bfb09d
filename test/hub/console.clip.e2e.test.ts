// The console's clip page in real Chromium against a real embedded hub: an order packed at one
// station and returned at another shows both clips side by side, each playing in its own player;
// customer service verifies it (the hub's verdict lines), exports it for Shopee with progress and
// downloads the ZIP, and puts it on legal hold with a reason, which the results then show; a
// viewer sees none of these.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { chromiumAvailable, launchBrowser, ROOT } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { choose } from '../helpers/antd.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { embeddedBackend, enrolledClient, FakeStation, publishInput } from './hubFixture.ts';
import { startConsoleHub, type ConsoleHub } from './consoleFixture.ts';

const PASSWORD = 'correct horse battery';
const ORDER = 'SF1700000000042';
const haveAll = chromiumAvailable() && fs.existsSync(path.join(ROOT, 'out', 'console', 'index.html'));

/** A real H.264 MP4 (moov first) of 30 s, as long as the fake station's row says; the title makes each clip's bytes its own. */
function makeMp4(file: string, title: string): Buffer {
  execFileSync(ffmpegBin(), [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=30'],
    ...['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', '-movflags', '+faststart', '-metadata', `title=${title}`, file],
  ]);
  return fs.readFileSync(file);
}

async function publishOne(h: ConsoleHub, st: FakeStation, mode: 'shipping' | 'returns', dir: string): Promise<void> {
  const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
  st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
  const mp4 = makeMp4(path.join(dir, `${st.name}-${mode}.mp4`), `${ORDER} ${mode}`);
  const c = st.clip(ORDER, mp4.length, mp4, mode);
  await client.publishChain(st.chain);
  await client.publishClip(publishInput(c));
}

async function signIn(page: Page, name: string): Promise<void> {
  await page.getByTestId('console-name').fill(name);
  await page.getByTestId('console-password').fill(PASSWORD);
  await page.getByTestId('console-signin').click();
  await page.locator('[data-testid=console-signin].ant-btn-loading').waitFor({ state: 'detached' });
}

async function openOrder(page: Page): Promise<void> {
  await page.getByTestId('console-q').fill(ORDER);
  await page.getByTestId('console-find').click();
  await expect.poll(() => page.getByTestId('console-row').count()).toBe(2);
  await page.getByTestId('console-row').first().click();
  await expect.poll(() => page.getByTestId('console-clip-order').textContent()).toBe(ORDER);
}

describe.skipIf(!haveAll)('hub console clip page in Chromium', () => {
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    t = tmpDir('pw-console-clip-');
    h = await startConsoleHub(embeddedBackend());
    await publishOne(h, new FakeStation('Packing 1', t.dir), 'shipping', t.dir);
    await publishOne(h, new FakeStation('Returns 2', t.dir), 'returns', t.dir);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    await h.console.accounts.addUser('vic', 'viewer', PASSWORD);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    t?.cleanup();
  });

  it('customer service: shipping and return side by side, both play; verify says intact; a hold with a reason shows on the clip and in the results', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'sam');
    await openOrder(page);

    // Side by side: shipping on the left, the return on the right, each with its own player.
    const sides = page.getByTestId('console-side');
    await expect.poll(() => sides.count()).toBe(2);
    expect(await sides.evaluateAll((els) => els.map((e) => e.getAttribute('data-mode')))).toEqual(['shipping', 'returns']);
    expect(await sides.nth(0).textContent()).toContain('Packing 1');
    expect(await sides.nth(1).textContent()).toContain('Returns 2');
    const videos = page.getByTestId('player-video');
    expect(await videos.count()).toBe(2);
    for (const i of [0, 1]) {
      await expect.poll(() => videos.nth(i).evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      expect(await videos.nth(i).evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(30);
    }

    // Verify: the hub's verdict, the station's lines.
    await page.getByTestId('console-verify-run').click();
    const result = page.getByTestId('console-verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-verdict')).toBe('intact');
    expect(await page.getByTestId('console-verify-summary').textContent()).toContain(`This is the clip of order ${ORDER}`);
    for (const what of ['file', 'signature', 'chain']) expect(await page.getByTestId(`console-verify-check-${what}`).getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('console-verify-holes').textContent()).toContain('No hole');

    // Export for Shopee (the first preset) on the hub: progress, then the ZIP to download.
    await page.getByTestId('console-export-start').click();
    const job = page.getByTestId('console-export-job');
    await job.waitFor();
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await job.locator('.ant-progress').getAttribute('class')).toContain('ant-progress-status-success');
    expect(await page.getByTestId('console-export-state').textContent()).toContain('signed by the hub');
    const download = page.getByTestId('console-export-download');
    expect(await download.getAttribute('href')).toMatch(/\/console\/api\/exports\/[0-9a-f]{16}\/zip$/);
    const zip = await page.evaluate(
      async (href) => {
        const r = await fetch(href!);
        return { status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
      },
      await download.getAttribute('href'),
    );
    expect(zip).toMatchObject({ status: 200, type: 'application/zip' });
    expect(zip.size).toBeGreaterThan(10_000);

    // The Custom preset shows the same two limit fields as a station's export panel; what is typed there reaches the hub.
    await choose(page, 'console-export-preset', 'custom');
    expect(await page.getByTestId('console-export').textContent()).toMatch(/Size limit \(MB\).*Length limit \(s\)/);
    expect(await page.getByTestId('console-export-custom-mb').inputValue()).toBe('30');
    expect(await page.getByTestId('console-export-custom-s').inputValue()).toBe('60');
    await page.getByTestId('console-export-custom-s').fill('12');
    const shopeeZip = await download.getAttribute('href');
    await page.getByTestId('console-export-start').click();
    await expect.poll(() => download.getAttribute('href'), { timeout: 120_000 }).not.toBe(shopeeZip);
    expect(await job.getAttribute('data-state')).toBe('done');
    expect((await h.console.audit.list({ action: 'export' })).map((r) => r.detail)).toContainEqual(expect.stringMatching(/^custom \(30 MB, 12 s\)/));

    // Legal hold: the button waits for a reason; then the clip says who held it and why.
    const toggle = page.getByTestId('console-hold-toggle');
    expect(await toggle.isDisabled()).toBe(true);
    await page.getByTestId('console-hold-reason').fill('eBay case 5531');
    await toggle.click();
    await expect.poll(() => page.getByTestId('console-hold-state').getAttribute('data-held')).toBe('true');
    expect(await page.getByTestId('console-hold-state').textContent()).toMatch(/On hold since .* by sam: eBay case 5531/);
    expect(await page.getByTestId('console-hold-lock').textContent()).toContain('no Object Lock');
    expect(await toggle.textContent()).toContain('Release');

    // Back in the results the held clip is marked.
    await page.getByTestId('console-back').click();
    await page.getByTestId('console-find').click();
    await expect.poll(() => page.getByTestId('console-held-tag').count()).toBe(1);
    await context.close();
  });

  it('a viewer plays both clips but has no verify or hold button', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'vic');
    await openOrder(page);
    await expect.poll(() => page.getByTestId('console-side').count()).toBe(2);
    expect(await page.getByTestId('console-side-by-side').textContent()).toContain('发货与退货');
    // The hold is shown (in Chinese), never changeable; no verify.
    await expect.poll(() => page.getByTestId('console-hold-state').textContent()).toMatch(/保全|未设置/);
    expect(await page.getByTestId('console-verify-run').count()).toBe(0);
    expect(await page.getByTestId('console-hold-toggle').count()).toBe(0);
    expect(await page.getByTestId('console-export').count()).toBe(0);
    await context.close();
  });
});

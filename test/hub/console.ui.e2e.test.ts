// The console's pages in real Chromium against a real embedded hub with two stations publishing
// real MP4 clips: customer service signs in, finds an order of either station by part of its
// code, opens it and the video plays and seeks through the hub's Range route; a viewer plays; a
// wrong password is said so; the Chinese UI reads Chinese; a pasted column of codes names the
// codes with no clip; sign out everywhere ends the session.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { CHROMIUM, chromiumAvailable, launchBrowser, ROOT } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { thumbColours } from '../helpers/thumbs.ts';
import { ffmpegBin } from '../helpers/video.ts';
import { embeddedBackend, enrolledClient, FakeStation, publishInput } from './hubFixture.ts';
import { ask, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';
import { choose } from '../helpers/antd.ts';

const PASSWORD = 'correct horse battery';
const pagesBuilt = fs.existsSync(path.join(ROOT, 'out', 'console', 'index.html'));
const haveAll = chromiumAvailable() && pagesBuilt;
if (!haveAll) console.log(`console UI e2e skipped: needs ${CHROMIUM} and a build (npm run build)`);

/** A real H.264 MP4 of `seconds` of test pattern, moov first (plays while it streams). */
function makeMp4(file: string, seconds: number, title: string): Buffer {
  // The title makes each clip's bytes its own (the hub stores clips by their hash).
  execFileSync(ffmpegBin(), [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=320x240:rate=30:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '30',
    '-movflags',
    '+faststart',
    '-metadata',
    `title=${title}`,
    file,
  ]);
  return fs.readFileSync(file);
}

async function publish(h: ConsoleHub, st: FakeStation, orders: string[], dir: string): Promise<void> {
  const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
  st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
  const clips = orders.map((o) => {
    const mp4 = makeMp4(path.join(dir, `${o}.mp4`), 4, o);
    return st.clip(o, mp4.length, mp4);
  });
  await client.publishChain(st.chain);
  for (const c of clips) await client.publishClip(publishInput(c));
}

async function signIn(page: Page, name: string, password: string): Promise<void> {
  await page.getByTestId('console-name').fill(name);
  await page.getByTestId('console-password').fill(password);
  await page.getByTestId('console-signin').click();
  // The button ignores clicks while the hub checks the password: wait for the answer.
  await page.locator('[data-testid=console-signin].ant-btn-loading').waitFor({ state: 'detached' });
}

async function find(page: Page, text: string): Promise<void> {
  await page.getByTestId('console-q').fill(text);
  await page.getByTestId('console-find').click();
}

describe.skipIf(!haveAll)('hub console pages in Chromium', () => {
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    t = tmpDir('pw-console-ui-');
    h = await startConsoleHub(await embeddedBackend());
    await publish(h, new FakeStation('Packing 1', t.dir), ['SF1400000000001', 'YT9000000000003'], t.dir);
    await publish(h, new FakeStation('Returns 2', t.dir), ['SF1400000000009'], t.dir);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    await h.console.accounts.addUser('vic', 'viewer', PASSWORD);
    await h.console.accounts.addUser('ada', 'admin', PASSWORD);
    // One clip on legal hold; thumbnails made as the hub's loop makes them.
    const held = (await h.parts.index.findClips({ order: 'YT9000000000003' }))[0]!;
    await h.parts.index.addHold({ station: held.station, clipId: held.clipId, sha256: held.sha256, held: true, reason: 'claim', at: Date.now(), by: 'sam' });
    while ((await h.console.thumbs.runOnce()) > 0);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    t?.cleanup();
  });

  it('serves the pages with a CSP that allows no inline script', async () => {
    const a = await ask(h, '/console/');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/text\/html/);
    const csp = String(a.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(a.body.toString()).not.toMatch(/<script>(?!<\/script>)/);
    expect((await ask(h, '/console/assets/../../etc/passwd')).status).toBe(404);
    expect((await ask(h, '/console')).headers.location).toBe('/console/');
  });

  it('customer service finds an order of either station by part of its code, opens it, and it plays and seeks', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'sam', PASSWORD);
    await expect.poll(() => page.getByTestId('console-user').textContent()).toContain('sam');

    // "0000000000" is in all three codes, across both stations: newest first, station names shown.
    await find(page, '0000000000');
    await page.getByTestId('console-row').first().waitFor();
    const rows = page.getByTestId('console-row');
    await expect.poll(() => rows.count()).toBe(3);
    const table = await page.getByTestId('console-results').textContent();
    expect(table).toContain('Packing 1');
    expect(table).toContain('Returns 2');

    // A part of one code of the second station.
    await find(page, '00009');
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(() => rows.first().textContent()).toContain('SF1400000000009');
    await rows.first().click();
    await expect.poll(() => page.getByTestId('console-clip-order').textContent()).toBe('SF1400000000009');
    expect(await page.getByTestId('console-clip-meta').textContent()).toContain('Returns 2');

    const video = page.getByTestId('player-video');
    await video.waitFor();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    expect(await video.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(4);
    await page.getByTestId('player-play').click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(0);
    // Seek near the end: the browser asks the hub for a later range.
    await video.evaluate((v: HTMLVideoElement) => {
      v.pause();
      v.currentTime = 3.2;
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => !v.seeking && v.readyState >= 2 && v.currentTime), { timeout: 30_000 }).toBeGreaterThan(3);
    expect(await video.evaluate((v: HTMLVideoElement) => v.error)).toBeNull();

    // Back to the results, which are still there.
    await page.getByTestId('console-back').click();
    await expect.poll(() => rows.count()).toBe(1);

    // A pasted column of codes: found ones listed, the one with no clip named.
    await find(page, 'SF1400000000001\nYT9000000000003\nJD0000000000404');
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.getByTestId('console-missing').textContent()).toContain('JD0000000000404');
    expect(cspErrors).toEqual([]);

    // Sign out everywhere: this page is back at sign-in, and the old session is refused.
    await page.getByTestId('console-signout-everywhere').click();
    await page.getByTestId('console-login').waitFor();
    expect(await page.getByTestId('console-notice').textContent()).toContain('every device');
    const status = await page.evaluate(async () => (await fetch('/console/api/me')).status);
    expect(status).toBe(401);
    await context.close();
  });

  it('a viewer can play a clip', async () => {
    const context = await browser.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'vic', PASSWORD);
    await find(page, 'yt9'); // any case
    await page.getByTestId('console-row').first().click();
    const video = page.getByTestId('player-video');
    await page.getByTestId('player-play').click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('console-signout').click();
    await page.getByTestId('console-login').waitFor();
    await context.close();
  });

  it('a wrong password is said so; in zh-CN the page reads Chinese', async () => {
    const context = await browser.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    expect(await page.getByTestId('console-signin').textContent()).toContain('登录');
    await signIn(page, 'sam', 'not the password');
    await expect.poll(() => page.getByTestId('console-login-error').textContent()).toBe('用户名或密码错误。');
    await signIn(page, 'sam', PASSWORD);
    await find(page, 'SF14');
    await page.getByTestId('console-row').first().waitFor();
    const header = await page.getByTestId('console-results').locator('thead').textContent();
    expect(header).toContain('订单');
    expect(header).toContain('工位');
    await context.close();
  });

  it('in English a wrong password is said so, and the lock-out says when to try again', async () => {
    const context = await browser.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'vic', 'wrong wrong wrong');
    await expect.poll(() => page.getByTestId('console-login-error').textContent()).toBe('The name or the password is wrong.');
    for (let i = 0; i < 5; i++) await signIn(page, 'vic', `wrong ${i}`);
    await expect.poll(() => page.getByTestId('console-login-error').textContent()).toMatch(/try again in \d+ seconds/);
    await context.close();
  });

  it('results show each clip’s thumbnail and status tags; the status filter finds the clip on hold', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'sam', PASSWORD);
    await find(page, '0000000000');
    const rows = page.getByTestId('console-row');
    await expect.poll(() => rows.count()).toBe(3);
    const thumbs = page.getByTestId('console-thumb');
    await expect.poll(() => thumbs.count()).toBe(3);
    // Each picture drawn (a JPEG the hub cut from the clip, fetched through the same session).
    for (let i = 0; i < 3; i++) await expect.poll(() => thumbColours(thumbs.nth(i)), { timeout: 30_000 }).toBeGreaterThan(20);
    // These stations' clips reached the hub days after they were recorded (their clocks are in the past).
    expect(await rows.first().getByTestId('console-tags').textContent()).toContain('published late');
    await choose(page, 'console-status', 'held');
    await page.getByTestId('console-find').click();
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(() => rows.first().textContent()).toContain('YT9000000000003');
    expect(await rows.first().getByTestId('console-tags').textContent()).toContain('on hold');
    await context.close();
  });

  it('an admin adds a user (password twice, 10+ characters), logs them out, removes them; makes an enrollment code with its QR; sees the stations and the audit log', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'ada', PASSWORD);
    await page.getByTestId('console-users').waitFor();
    await expect.poll(() => page.getByTestId('console-user-row-sam').count()).toBe(1);

    await page.getByTestId('console-new-name').fill('nina');
    await choose(page, 'console-new-role', 'viewer');
    await page.getByTestId('console-new-password').fill('short');
    await expect.poll(() => page.getByTestId('console-new-problem').textContent()).toContain('at least 10 characters');
    await page.getByTestId('console-new-password').fill(PASSWORD);
    await page.getByTestId('console-new-password2').fill(`${PASSWORD}!`);
    await expect.poll(() => page.getByTestId('console-new-problem').textContent()).toContain('differ');
    expect(await page.getByTestId('console-new-add').isDisabled()).toBe(true);
    await page.getByTestId('console-new-password2').fill(PASSWORD);
    await page.getByTestId('console-new-add').click();
    await expect.poll(() => page.getByTestId('console-admin-notice').textContent()).toContain('User nina added');
    await expect.poll(() => page.getByTestId('console-user-row-nina').textContent()).toContain('viewer');
    // nina signs in elsewhere; the admin ends every session of hers.
    const nina = await ask(h, '/console/api/login', { body: { name: 'nina', password: PASSWORD } });
    const ninaCookie = nina.headers['set-cookie']![0]!.split(';')[0]!;
    await page.getByTestId('console-user-row-nina').getByTestId('console-user-logout').click();
    await expect.poll(() => page.getByTestId('console-admin-notice').textContent()).toContain('Every session of nina has ended');
    expect((await ask(h, '/console/api/me', { cookie: ninaCookie })).status).toBe(401);
    await page.getByTestId('console-user-row-nina').getByTestId('console-user-remove').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(() => page.getByTestId('console-user-row-nina').count()).toBe(0);
    // The admin's own row cannot be removed from here.
    expect(await page.getByTestId('console-user-row-ada').getByTestId('console-user-remove').isDisabled()).toBe(true);

    await page.getByTestId('console-admin-tab-enroll').click();
    await page.getByTestId('console-enroll-make').click();
    await expect.poll(() => page.getByTestId('console-enroll-code').textContent()).toMatch(/^PWE1-[A-Z2-7]{20}-[0-9a-f]{16}$/);
    const qr = page.getByTestId('console-enroll-qr');
    await expect.poll(() => qr.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    expect(await page.getByTestId('console-enroll-expiry').textContent()).toMatch(/Valid until .+, once\./);

    await page.getByTestId('console-admin-tab-stations').click();
    await expect.poll(() => page.getByTestId('console-station-row').count()).toBe(2);
    const stations = await page.getByTestId('console-stations').textContent();
    expect(stations).toContain('Packing 1');
    expect(stations).toContain('Returns 2');
    expect(stations).toContain('none yet');

    await page.getByTestId('console-admin-tab-audit').click();
    await expect.poll(() => page.getByTestId('console-audit-row').count()).toBeGreaterThan(3);
    await choose(page, 'console-audit-action', 'user-add');
    await page.getByTestId('console-audit-show').click();
    await expect.poll(() => page.getByTestId('console-audit-row').count()).toBe(1);
    expect(await page.getByTestId('console-audit-row').first().textContent()).toContain('nina (viewer)');
    const href = await page.getByTestId('console-audit-csv').getAttribute('href');
    expect(href).toContain('action=user-add');
    const csv = await page.evaluate(async (u) => (await fetch(u!)).text(), href);
    expect(csv.split('\r\n')[1]).toContain(',ada,admin,user-add,');
    await context.close();
  });

  it('in zh-CN the filters, tags and admin pages read Chinese', async () => {
    const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${h.url}/console/`);
    await signIn(page, 'sam', PASSWORD);
    expect(await page.getByTestId('console-status').textContent()).toContain('任意状态');
    await find(page, 'SF1400000000009');
    await page.getByTestId('console-row').first().waitFor();
    expect(await page.getByTestId('console-tags').first().textContent()).toContain('延迟上传');
    expect(await page.getByTestId('console-results').locator('thead').textContent()).toContain('状态');
    await page.getByTestId('console-signout').click();
    await page.getByTestId('console-login').waitFor();
    await signIn(page, 'ada', PASSWORD);
    await page.getByTestId('console-users').waitFor();
    expect(await page.getByTestId('console-admin').textContent()).toContain('审计日志');
    expect(await page.getByTestId('console-admin-link').textContent()).toBe('管理');
    await page.getByTestId('console-admin-tab-enroll').click();
    expect(await page.getByTestId('console-enroll-make').textContent()).toContain('生成登记码');
    await context.close();
  });
});

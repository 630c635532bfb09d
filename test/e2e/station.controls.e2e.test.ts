// Issue 6 through door 2 (a real `packwitness serve`, the real page in Chromium, scans typed as a
// USB scanner types them): control codes drive the station, product barcodes are refused, auto stop,
// the window colour and the sounds, the printed control sheet decodes with zbarimg, and the page in
// zh-CN shows no raw i18n key. Door 1 (Electron) loads this same page and runs the same
// StationController + shared/stationMachine.ts, so the control-code path is the same code there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { CONTROL } from '../../shared/stationMachine.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { apiCall, chromiumAvailable, launchBrowser, openStationPage, scan, startServe, waitForState, type Served } from '../helpers/station.ts';

const zbar = (() => {
  try {
    execFileSync('zbarimg', ['--version']);
    return true;
  } catch {
    return false;
  }
})();
const ready = chromiumAvailable();

type Tree = { [k: string]: string | Tree };
function keysOf(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keysOf(v, `${prefix}${k}.`)));
}

async function clips(served: Served, input: Record<string, unknown> = {}): Promise<Clip[]> {
  return (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', input)).clips;
}
/**
 * A scanner's burst: every key of the code then Enter, a few microseconds apart, dispatched in the
 * page. A hardware scanner's timing does not depend on how loaded the PC is; Playwright's typing
 * (one DevTools round trip per key) does, so a loaded test machine would otherwise "type slowly".
 * The real-keyboard path (keys landing in a text field) is tested with scan() below.
 */
async function burst(page: Page, code: string): Promise<void> {
  await page.evaluate((c) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...c, 'Enter']) target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, code);
}
const bodyColour = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const lastOutcome = (page: Page) => page.locator('[data-testid="scan-log"] li').first().getAttribute('data-outcome');

describe.skipIf(!ready)('station driven by scans alone (door 2)', () => {
  const t = tmpDir();
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    served = await startServe(['--data', t.dir]);
    await apiCall(served.url, 'settings.update', { operators: ['Li Na', '王芳'], stationName: 'Bench 3' });
    ({ browser, page } = await openStationPage(served.url));
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('badge, STOP, mode switch and DISCARD codes drive the station; the window colour follows', async () => {
    expect(await bodyColour(page)).toBe('rgb(31, 95, 168)'); // blue: ready
    await burst(page, 'PW:OP:Li Na');
    await expect.poll(() => page.getByTestId('operator').textContent(), { timeout: 10_000 }).toContain('Li Na');

    await burst(page, 'SF1400123456789');
    await waitForState(page, 'recording', 'SF1400123456789');
    await expect.poll(() => bodyColour(page), { timeout: 5_000 }).toBe('rgb(198, 40, 40)'); // red: recording
    await page.waitForTimeout(1500);
    await burst(page, 'PW:STOP');
    await waitForState(page, 'idle');
    await expect.poll(async () => (await clips(served)).length, { timeout: 20_000 }).toBe(1);
    const [shipped] = await clips(served);
    expect(shipped).toMatchObject({ order: 'SF1400123456789', stopReason: 'stop-code', operator: 'Li Na', mode: 'shipping' });

    // Returns: the unboxing of the same order, tagged and searchable apart.
    await burst(page, 'PW:MODE:RETURNS');
    await expect.poll(() => page.getByTestId('state-line').textContent(), { timeout: 10_000 }).toContain('Returns');
    await burst(page, 'SF1400123456789');
    await waitForState(page, 'recording', 'SF1400123456789');
    await expect.poll(() => page.getByTestId('state-line').textContent(), { timeout: 10_000 }).toContain('RETURN');
    await page.waitForTimeout(1200);
    await burst(page, 'PW:STOP');
    await waitForState(page, 'idle');
    await expect.poll(async () => (await clips(served, { mode: 'returns' })).length, { timeout: 20_000 }).toBe(1);
    expect((await clips(served, { mode: 'shipping' })).map((c) => c.mode)).toEqual(['shipping']);
    await burst(page, 'PW:MODE:SHIPPING');
    await burst(page, 'PW:OP-OUT');
    await expect.poll(() => page.getByTestId('operator').textContent(), { timeout: 10_000 }).toContain('No operator');

    // DISCARD: the clip is thrown away, the page says so, the index keeps no clip of it.
    await burst(page, 'YT1234567890123');
    await waitForState(page, 'recording', 'YT1234567890123');
    await page.waitForTimeout(1200);
    // One scan alone only asks: the clip goes on recording until DISCARD is scanned again in time.
    await burst(page, 'PW:DISCARD');
    await expect.poll(() => page.getByTestId('station-message').getAttribute('data-key'), { timeout: 10_000 }).toBe('scan.discardArmed');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('recording');
    await page.waitForTimeout(600);
    await burst(page, 'PW:DISCARD');
    await waitForState(page, 'idle');
    await expect.poll(() => page.getByTestId('station-message').getAttribute('data-key'), { timeout: 10_000 }).toBe('scan.discarded');
    expect(await lastOutcome(page)).toBe('discarded');
    await page.waitForTimeout(1500);
    expect((await clips(served, { q: 'YT1234567890123' })).length).toBe(0);
    // ...and the chain of custody records the discard
    const db = new Database(path.join(t.dir, 'index.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT id, status, note FROM clips WHERE order_code = ?').get('YT1234567890123') as { id: string; status: string; note: string };
      expect(row.status).toBe('discarded');
      expect(row.note).toContain('DISCARD control code');
      const entry = db.prepare("SELECT kind FROM chain WHERE clip_id = ? AND kind = 'discarded'").get(row.id);
      expect(entry).toBeTruthy();
    } finally {
      db.close();
    }

    const cues = await page.evaluate(() => (window as unknown as { __pwCues: string[] }).__pwCues.slice());
    expect(cues).toEqual(expect.arrayContaining(['start', 'stop', 'switch', 'warning']));
  });

  it('refuses a product barcode (EAN-13) without recording, with the error colour and sound', async () => {
    await burst(page, '6901028075862');
    await expect.poll(() => page.getByTestId('station-message').getAttribute('data-key'), { timeout: 10_000 }).toBe('scan.productBarcode');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
    await expect.poll(() => bodyColour(page), { timeout: 5_000 }).toBe('rgb(123, 31, 162)'); // purple for a few seconds
    expect(await lastOutcome(page)).toBe('refused');
    const cues = await page.evaluate(() => (window as unknown as { __pwCues: string[] }).__pwCues.slice());
    expect(cues.at(-1)).toBe('error');
  });

  it('slow typing in the lookup search never starts a recording; a scanner burst there still does', async () => {
    await page.getByTestId('nav-lookup').click();
    const box = page.getByTestId('lookup-q');
    await box.click();
    await box.pressSequentially('SF14001', { delay: 110 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
    await box.fill('');
    await scan(page, 'JT1234567890123'); // focus still in the search box
    await waitForState(page, 'recording', 'JT1234567890123');
    expect(await box.inputValue()).toBe('');
    await page.waitForTimeout(1200);
    await scan(page, 'PW:STOP');
    await waitForState(page, 'idle');
    await page.getByTestId('nav-station').click();
  });

  it('stops by itself after the maximum duration; a moving picture is not idle', async () => {
    await apiCall(served.url, 'settings.update', { maxClipMs: 2500 });
    await page.waitForTimeout(500); // settings.changed reaches the page over SSE
    await burst(page, 'SF1400000000001');
    await waitForState(page, 'recording', 'SF1400000000001');
    await waitForState(page, 'idle', undefined, 10_000);
    await apiCall(served.url, 'settings.update', { maxClipMs: 0, idleStopMs: 2000 });
    await page.waitForTimeout(500);
    await burst(page, 'SF1400000000002');
    await waitForState(page, 'recording', 'SF1400000000002');
    // Nobody touches the station, but the picture moves (the fake camera animates, as hands packing
    // do): twice the idle time later it still records. The static-picture case is in station.pip.
    await page.waitForTimeout(4000);
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('recording');
    await burst(page, 'PW:STOP');
    await waitForState(page, 'idle');
    await apiCall(served.url, 'settings.update', { idleStopMs: 0 });
    await expect.poll(async () => (await clips(served, { q: 'SF140000000000' })).length, { timeout: 20_000 }).toBe(2);
    const byOrder = new Map((await clips(served, { q: 'SF140000000000' })).map((c) => [c.order, c]));
    expect(byOrder.get('SF1400000000001')!.stopReason).toBe('auto-max-duration');
    expect(byOrder.get('SF1400000000001')!.durationMs).toBeGreaterThan(2000);
    expect(byOrder.get('SF1400000000002')!.stopReason).toBe('stop-code');
  });

  it('today panel lists the last scans with their outcome and the orders packed', async () => {
    const items = page.locator('[data-testid="scan-log"] li');
    expect(await items.count()).toBeGreaterThanOrEqual(10);
    expect(await items.count()).toBeLessThanOrEqual(20);
    const outcomes = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
    expect(outcomes).toEqual(expect.arrayContaining(['started', 'stopped', 'discarded', 'mode', 'operator', 'refused']));
    await expect.poll(() => page.getByTestId('today-summary').textContent(), { timeout: 10_000 }).toMatch(/^4 orders, average 00:0\d$/);
    expect(await page.getByTestId('today-returns').textContent()).toBe('1 return unboxed');
  });

  it('the lookup filters by mode and shows the shipping and the return clip of an order side by side', async () => {
    await page.getByTestId('nav-lookup').click();
    await page.getByTestId('lookup-q').fill('SF1400123456789');
    await expect.poll(() => page.getByTestId('result').count(), { timeout: 10_000 }).toBe(2);
    await page.getByTestId('lookup-mode-shipping').click();
    await expect.poll(() => page.getByTestId('result').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('result').first().click();
    const paired = page.getByTestId('paired-clip');
    await paired.waitFor({ timeout: 10_000 });
    expect(await paired.getAttribute('data-mode')).toBe('returns');
    expect(await page.getByTestId('player-video').count()).toBe(2);
    const [ship, ret] = await page.getByTestId('player-video').evaluateAll((vs) => vs.map((v) => (v as HTMLVideoElement).getAttribute('src')));
    const all = await clips(served, { q: 'SF1400123456789' });
    expect(ship).toBe(all.find((c) => c.mode === 'shipping')!.mediaUrl);
    expect(ret).toBe(all.find((c) => c.mode === 'returns')!.mediaUrl);
    await page.getByTestId('lookup-mode-all').click();
    await page.getByTestId('nav-station').click();
  });

  it.skipIf(!zbar)('prints a control sheet whose QR and Code 128 codes decode to the control payloads', async () => {
    // A printer's resolution, roughly: the sheet at twice the CSS pixel density.
    const ctx = await browser.browser.newContext({ viewport: { width: 1000, height: 1300 }, deviceScaleFactor: 2 });
    const sheetPage = await ctx.newPage();
    await sheetPage.goto(`${served.url}#/codes`);
    const sheet = sheetPage.getByTestId('control-sheet');
    await sheet.waitFor();
    await sheetPage.locator('[data-testid="sheet-op-0"] svg rect').first().waitFor();
    await sheetPage.locator('[data-testid="sheet-op-1"] img').waitFor();
    const png = path.join(t.dir, 'sheet.png');
    await sheet.screenshot({ path: png });
    await ctx.close();
    const withType = execFileSync('zbarimg', [png]).toString('utf8');
    const found = withType.split('\n').filter(Boolean);
    const wangFang = CONTROL.operatorHash('王芳'); // an ASCII badge: wedge scanners cannot type Chinese
    const expected = ['PW:STOP', 'PW:DISCARD', 'PW:MODE:SHIPPING', 'PW:MODE:RETURNS', 'PW:OP-OUT', 'PW:OP:Li Na', wangFang];
    for (const p of expected) {
      expect(withType).toContain(`QR-Code:${p}`);
      expect(withType).toContain(`CODE-128:${p}`);
    }
    expect(found.filter((l) => l.startsWith('CODE-128:'))).toHaveLength(expected.length);
    // the decoded badge logs 王芳 in
    await burst(page, wangFang);
    await expect.poll(() => page.getByTestId('operator').textContent(), { timeout: 10_000 }).toContain('王芳');
    await burst(page, 'PW:OP-OUT');
    expect(fs.statSync(png).size).toBeGreaterThan(10_000);
  });

  it('a station on this computer only says how to turn LAN access on', async () => {
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('lan-off').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('lan-off').textContent()).toContain('--host 0.0.0.0');
    await page.getByTestId('nav-station').click();
  });

  it('in zh-CN every view renders translated: no raw key, Chinese text, localized numbers', async () => {
    const keys = keysOf(en as unknown as Tree).filter((k) => k.includes('.'));
    await page.getByTestId('language').selectOption('zh-CN');
    for (const view of ['station', 'lookup', 'codes', 'settings', 'verify', 'status']) {
      await page.getByTestId(`nav-${view}`).click();
      await page.waitForTimeout(700);
      const text = await page.evaluate(() => document.body.innerText);
      const leaked = keys.filter((k) => text.includes(k));
      expect(leaked, `view ${view}`).toEqual([]);
      expect(text, `view ${view}`).toMatch(/[\u4e00-\u9fff]/);
    }
    await page.getByTestId('nav-station').click();
    await expect.poll(() => page.getByTestId('state-line').textContent(), { timeout: 10_000 }).toContain('就绪');
    await expect.poll(() => page.getByTestId('today-summary').textContent(), { timeout: 10_000 }).toMatch(/^4 单，平均 00:0\d$/);
    await burst(page, '6901028075862');
    await expect.poll(() => page.getByTestId('station-message').textContent(), { timeout: 10_000 }).toContain('商品条码');
    await page.getByTestId('language').selectOption('en');
  });
});

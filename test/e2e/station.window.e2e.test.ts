// The station window at 1366×768 as a packer sees it from across the room, through door 2 (a real
// `packwitness serve`, the real page in Chromium with a fake camera): red means recording, also
// after a refused scan (the refusal is a band inside the red window); Stop, the mode and the operator
// are on screen without scrolling on first run and in returns mode, in English and in Chinese; one
// PW:DISCARD scan throws nothing away, the second within a few seconds does; Today's counts agree
// with Today's clip list, also after a reload. Screenshots go to PW_SHOTS (when set) for a person
// to look at.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tmpDir } from '../helpers/tmp.ts';
import { thumbColours } from '../helpers/thumbs.ts';
import { apiCall, chromiumAvailable, launchBrowser, scan, startServe, waitForState, withDiagnostics, type Served } from '../helpers/station.ts';

const RED = 'rgb(198, 40, 40)';
const W = 1366;
const H = 768;

const bodyColour = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** Whole element inside the 1366×768 window with nothing scrolled. */
async function onScreen(page: Page, testId: string): Promise<boolean> {
  return page.evaluate(
    ([id, h, w]) => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return window.scrollY === 0 && r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= h && r.right <= w;
    },
    [testId, H, W] as const,
  );
}

async function shot(page: Page, name: string): Promise<void> {
  if (process.env.PW_SHOTS) await page.screenshot({ path: path.join(process.env.PW_SHOTS, `${name}.png`) });
}

async function essentialsOnScreen(page: Page): Promise<void> {
  for (const id of ['state-line', 'preview', 'stop', 'mode-shipping', 'mode-returns', 'operator']) expect(await onScreen(page, id), id).toBe(true);
}

describe.skipIf(!chromiumAvailable())('station window at 1366×768 (door 2)', () => {
  const t = tmpDir();
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    served = await startServe(['--data', t.dir]);
    await apiCall(served.url, 'settings.update', { operators: ['Li Na'], stationName: 'Packing bench 3 (north hall)' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: W, height: H });
    await page.goto(served.url);
    await page.evaluate(() => localStorage.setItem('pw.lang', 'en'));
    await page.reload();
    await waitForState(page, 'idle');
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('first run and returns mode: preview, state, Stop, mode and operator on screen without scrolling', async () => {
    await expect.poll(() => page.getByTestId('first-run').count()).toBe(1);
    await shot(page, 'first-run-en');
    await essentialsOnScreen(page);
    await scan(page, 'PW:MODE:RETURNS');
    await expect.poll(() => page.getByTestId('mode-tag').count()).toBe(1);
    await scan(page, 'PW:OP:Li Na');
    await expect.poll(() => page.getByTestId('operator').textContent()).toContain('Li Na');
    await shot(page, 'returns-first-run-en');
    await essentialsOnScreen(page);
    await scan(page, 'PW:MODE:SHIPPING');
    await expect.poll(() => page.getByTestId('mode-tag').count()).toBe(0);
  });

  it('a refused product barcode while recording: the window stays red, the refusal is a band inside it', async () => {
    await withDiagnostics(page, served, async () => {
      await scan(page, 'SF1400123456789');
      await waitForState(page, 'recording', 'SF1400123456789');
      expect(await bodyColour(page)).toBe(RED);
      await scan(page, '6901028075862'); // an EAN-13 product code
      await expect.poll(() => page.getByTestId('station-message').getAttribute('data-key')).toBe('scan.productBarcode');
      await expect.poll(() => page.getByTestId('station-message').getAttribute('data-band')).toBe('error');
      expect(await page.getByTestId('station-message').textContent()).toContain('6901028075862'); // says what it answers
      expect(await bodyColour(page)).toBe(RED);
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('recording');
      expect(await page.evaluate(() => document.body.dataset.alert)).toBe('error');
      await shot(page, 'recording-refusal-en');
      await essentialsOnScreen(page);
    });
  });

  it('one PW:DISCARD scan throws nothing away; the second within a few seconds does, and the lookup says so', async () => {
    await withDiagnostics(page, served, async () => {
      await scan(page, 'PW:DISCARD');
      await expect.poll(() => page.getByTestId('station-message').getAttribute('data-key')).toBe('scan.discardArmed');
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('recording');
      expect(await page.getByTestId('station-message').textContent()).toContain('Scan DISCARD again');
      await shot(page, 'discard-armed-en');
      await page.waitForTimeout(600); // a confirmation, not the same scan read twice
      await scan(page, 'PW:DISCARD');
      await waitForState(page, 'idle');
      await expect.poll(() => page.getByTestId('station-message').getAttribute('data-key')).toBe('scan.discarded');
      const { clips } = await apiCall<{ clips: unknown[] }>(served.url, 'clips.search', {});
      expect(clips).toHaveLength(0);
      // The lookup says that a recording of this order existed and was thrown away: when, where, whose.
      await page.getByTestId('nav-lookup').click();
      await page.getByTestId('lookup-q').fill('SF1400123456789');
      await expect.poll(() => page.getByTestId('discarded-note').count(), { timeout: 10_000 }).toBe(1);
      const note = (await page.getByTestId('discarded-note').textContent()) ?? '';
      expect(note).toContain('A recording of SF1400123456789 was discarded on');
      expect(note).toContain('Packing bench 3 (north hall)');
      expect(note).toContain('operator: Li Na');
      await shot(page, 'lookup-discarded-en');
      await page.getByTestId('nav-station').click();
      await waitForState(page, 'idle');
    });
  });

  it('the control sheet puts DISCARD last, far from STOP, and says it needs two scans', async () => {
    await page.getByTestId('nav-codes').click();
    await page.getByTestId('control-sheet').waitFor();
    const ids = await page.locator('[data-testid="control-sheet"] section').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(ids[0]).toBe('sheet-stop');
    expect(ids.at(-1)).toBe('sheet-discard');
    expect(await page.getByTestId('sheet-discard').textContent()).toContain('scan twice within 5 s');
    await page.getByTestId('nav-station').click();
    await waitForState(page, 'idle');
  });

  it("Today's counts agree with Today's clip list, after a reload too, in English and in Chinese", async () => {
    await withDiagnostics(page, served, async () => {
      await scan(page, 'YT1234567890123');
      await waitForState(page, 'recording', 'YT1234567890123');
      await page.waitForTimeout(1500);
      await page.getByTestId('stop').click();
      await waitForState(page, 'idle');
      await expect.poll(() => page.locator('[data-testid="today-clips"] li').count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByTestId('today-summary').textContent()).toMatch(/^1 order, average 00:0\d$/);
      // The clip's picture is drawn in the list (a frame of the camera's view, not an empty box).
      await expect.poll(() => thumbColours(page.getByTestId('today-thumb').first()), { timeout: 20_000 }).toBeGreaterThan(20);
      await page.reload();
      await waitForState(page, 'idle');
      await expect.poll(() => page.locator('[data-testid="today-clips"] li').count()).toBe(1);
      expect(await page.getByTestId('today-clips').getAttribute('data-total')).toBe('1');
      expect(await page.getByTestId('today-summary').textContent()).toMatch(/^1 order, average 00:0\d$/);
      expect(await page.locator('[data-testid="today-clips"] li').first().getAttribute('data-order')).toBe('YT1234567890123');
      await page.getByTestId('replay-last').click();
      expect(await page.getByTestId('today-player').getAttribute('data-order')).toBe('YT1234567890123');
      await shot(page, 'today-en');

      await page.evaluate(() => localStorage.setItem('pw.lang', 'zh-CN'));
      await page.reload();
      await waitForState(page, 'idle');
      await expect.poll(() => page.getByTestId('today-summary').textContent()).toMatch(/^1 单，平均 00:0\d$/);
      expect(await page.locator('[data-testid="today-clips"] li').count()).toBe(1);
      await scan(page, 'PW:MODE:RETURNS');
      await expect.poll(() => page.getByTestId('mode-tag').count()).toBe(1);
      await shot(page, 'returns-first-run-zh');
      await essentialsOnScreen(page);
      await scan(page, 'JT5012345678901');
      await waitForState(page, 'recording', 'JT5012345678901');
      await scan(page, '6901028075862');
      await expect.poll(() => page.getByTestId('station-message').getAttribute('data-band')).toBe('error');
      expect(await bodyColour(page)).toBe(RED);
      await shot(page, 'recording-refusal-zh');
      await essentialsOnScreen(page);
      await page.getByTestId('stop').click();
      await waitForState(page, 'idle');
    });
  });
});

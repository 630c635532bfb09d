// What a packer sees at 1366×768 through door 2 (a real `packwitness serve`, the real page in
// Chromium with a fake camera) when a person types instead of scanning, when the operator is logged
// in across a reload and a restart, and when the Discard button asks before throwing a clip away:
// - typing on the page (no field clicked) fills the order box visibly; Enter records it as a typed
//   code under the same rules as a scan, and the scan log says "typed";
// - a message says what it answers and fades once it no longer does: new typing, a new state, or
//   after a few seconds, so a refusal never sits under "Ready";
// - the operator is kept by the engine: shown in the header after a reload and after the station
//   restarts on the same data folder;
// - Discard asks inside the window (no browser dialog): Esc or "Keep recording" keeps it, a scan
//   goes on as usual, Tab then Enter throws it away; in English and in Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { apiCall, chromiumAvailable, launchBrowser, scan, startServe, waitForState, withDiagnostics, type Served } from '../helpers/station.ts';

const W = 1366;
const H = 768;

/** A person typing: a real key event per character, at least 120 ms apart (a loaded machine only slows it). */
async function typeByHand(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 120 });
}

const message = (page: Page) => page.getByTestId('station-message');
const boxValue = (page: Page) => page.getByTestId('scan-input').inputValue();
const firstLogEntry = (page: Page) => page.locator('[data-testid="scan-log"] li').first();

/** Whether the message is shown (not faded): what a packer can read. */
async function messageShown(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="station-message"]');
    return !!el && el.getAttribute('data-stale') !== 'true' && el.getAttribute('aria-hidden') !== 'true';
  });
}

async function clips(served: Served): Promise<Clip[]> {
  return (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', {})).clips;
}

describe.skipIf(!chromiumAvailable())('typing, operator and the Discard question at 1366×768 (door 2)', () => {
  const t = tmpDir();
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    served = await startServe(['--data', t.dir]);
    await apiCall(served.url, 'settings.update', { operators: ['Li Na'], setupDone: true });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
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

  it('typing on the page shows in the order box; Enter records it as typed; the answer says what it answers', async () => {
    await withDiagnostics(page, served, async () => {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()); // no field has focus
      await typeByHand(page, 'SF1400123456789');
      expect(await boxValue(page)).toBe('SF1400123456789');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('scan-input');
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle'); // slow typing never records by itself
      await page.keyboard.press('Enter');
      await waitForState(page, 'recording', 'SF1400123456789');
      expect(await boxValue(page)).toBe('');
      await expect.poll(() => firstLogEntry(page).getAttribute('data-source')).toBe('typed');
      expect(await firstLogEntry(page).textContent()).toContain('typed');
      expect(await message(page).textContent()).toContain('Recording SF1400123456789');

      // A typed code that breaks the rules: refused, and the message names what it answers.
      await typeByHand(page, 'SF12.3');
      expect(await boxValue(page)).toBe('SF12.3');
      await page.keyboard.press('Enter');
      await expect.poll(() => message(page).getAttribute('data-key')).toBe('scan.invalid');
      const refusal = (await message(page).textContent()) ?? '';
      expect(refusal).toContain('SF12.3');
      expect(refusal).toContain("'.'");
      expect(await messageShown(page)).toBe(true);
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('recording'); // a refused code ends no recording
      expect(await firstLogEntry(page).getAttribute('data-outcome')).toBe('refused');
      expect(await firstLogEntry(page).getAttribute('data-source')).toBe('typed');

      // New typing: the refusal no longer answers anything and fades.
      await typeByHand(page, 'x');
      await expect.poll(() => messageShown(page)).toBe(false);
      await page.keyboard.press('Backspace');
      expect(await boxValue(page)).toBe('');

      // A scanner burst while the box has focus is still a scan, not typing.
      await scan(page, 'PW:STOP');
      await waitForState(page, 'idle');
      expect(await boxValue(page)).toBe('');
      await expect.poll(() => message(page).getAttribute('data-key'), { timeout: 20_000 }).toBe('scan.saved');
      expect(await message(page).textContent()).toMatch(/^Saved SF1400123456789 \(\d+ s\)\.$/);
      expect(await messageShown(page)).toBe(true);
      expect((await clips(served)).map((c) => c.order)).toEqual(['SF1400123456789']);
    });
  });

  it('a refusal while recording fades when the clip ends, and never sits under "Ready"', async () => {
    await withDiagnostics(page, served, async () => {
      await scan(page, 'YT1234567890123');
      await waitForState(page, 'recording', 'YT1234567890123');
      await scan(page, '6901028075862'); // a product barcode
      await expect.poll(() => message(page).getAttribute('data-key')).toBe('scan.productBarcode');
      expect(await messageShown(page)).toBe(true);
      await page.getByTestId('stop').click();
      await waitForState(page, 'idle');
      // Until "Saved" replaces it, the refusal is already gone from the idle window.
      expect(
        await page.evaluate(
          () =>
            document.querySelector('[data-testid="station-message"]')?.getAttribute('data-key') !== 'scan.productBarcode' ||
            !!document.querySelector('[data-testid="station-message"][data-stale="true"]'),
        ),
      ).toBe(true);
      await expect.poll(() => message(page).getAttribute('data-key'), { timeout: 20_000 }).toBe('scan.saved');

      // Idle, a refused typed code, then nothing: the message fades by itself after a few seconds.
      await typeByHand(page, 'AB.1');
      await page.keyboard.press('Enter');
      await expect.poll(() => message(page).getAttribute('data-key')).toBe('scan.invalid');
      expect(await messageShown(page)).toBe(true);
      await expect.poll(() => messageShown(page), { timeout: 30_000 }).toBe(false);
      expect(await page.getByTestId('state-line').textContent()).toContain('Ready');
    });
  });

  it('the operator stays logged in across a reload and a station restart, shown in the header', async () => {
    await withDiagnostics(page, served, async () => {
      await scan(page, 'PW:OP:Li Na');
      await expect.poll(() => page.getByTestId('operator').textContent()).toBe('Operator: Li Na');
      await expect.poll(async () => (await apiCall<{ operator: string | null }>(served.url, 'settings.get')).operator).toBe('Li Na');
      const inHeader = await page.evaluate(() => !!document.querySelector('header [data-testid="operator"]'));
      expect(inHeader).toBe(true);

      await page.reload();
      await waitForState(page, 'idle');
      expect(await page.getByTestId('operator').textContent()).toBe('Operator: Li Na');

      await served.stop();
      served = await startServe(['--data', t.dir]);
      await page.goto(served.url);
      await page.evaluate(() => localStorage.setItem('pw.lang', 'en')); // a new port is a new origin
      await page.reload();
      await waitForState(page, 'idle');
      expect(await page.getByTestId('operator').textContent()).toBe('Operator: Li Na');
      // The next clip is filed under the operator the header shows.
      await scan(page, 'JT5012345678901');
      await waitForState(page, 'recording', 'JT5012345678901');
      await page.waitForTimeout(2000); // a clip with video in it
      await page.getByTestId('stop').click();
      await waitForState(page, 'idle');
      await expect.poll(async () => (await clips(served)).find((c) => c.order === 'JT5012345678901')?.operator ?? null, { timeout: 20_000 }).toBe('Li Na');

      await scan(page, 'PW:OP-OUT');
      await expect.poll(() => page.getByTestId('operator').textContent()).toBe('No operator logged in');
      await page.reload();
      await waitForState(page, 'idle');
      expect(await page.getByTestId('operator').textContent()).toBe('No operator logged in');
    });
  });

  it('Discard asks inside the window: Esc keeps recording, a scan goes on, Tab then Enter discards; in Chinese too', async () => {
    await withDiagnostics(page, served, async () => {
      await scan(page, 'SF1400000000001');
      await waitForState(page, 'recording', 'SF1400000000001');
      await page.getByTestId('discard').click();
      await page.getByTestId('discard-confirm').waitFor();
      expect(await page.getByTestId('discard-confirm').textContent()).toContain('SF1400000000001');
      // Focus starts on "Keep recording": Enter alone never throws a clip away.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('discard-keep');
      for (const id of ['stop', 'discard-yes', 'discard-keep', 'state-line']) {
        const box = await page.getByTestId(id).boundingBox();
        expect(box && box.y >= 0 && box.y + box.height <= H, id).toBe(true);
      }
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('discard-confirm').count()).toBe(0);
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('recording');

      // Asked, then the packer scans the next parcel: the scan works as always and the question goes.
      await page.getByTestId('discard').click();
      await page.getByTestId('discard-confirm').waitFor();
      await scan(page, 'SF1400000000002');
      await waitForState(page, 'recording', 'SF1400000000002');
      expect(await page.getByTestId('discard-confirm').count()).toBe(0);

      // In Chinese: the question in Chinese; Tab to "Discard this clip", Enter: the clip is gone.
      await page.evaluate(() => localStorage.setItem('pw.lang', 'zh-CN'));
      await page.getByTestId('language').selectOption('zh-CN');
      await page.getByTestId('discard').click();
      await page.getByTestId('discard-confirm').waitFor();
      const zh = (await page.getByTestId('discard-confirm').textContent()) ?? '';
      expect(zh).toContain('丢弃正在录制的 SF1400000000002 的视频');
      expect(zh).toContain('继续录制');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('discard-yes');
      await page.keyboard.press('Enter');
      await waitForState(page, 'idle');
      await expect.poll(() => message(page).getAttribute('data-key')).toBe('scan.discarded');
      await expect.poll(async () => (await clips(served)).map((c) => c.order)).not.toContain('SF1400000000002');
      // The clip the scan switched away from is kept (saved in the background).
      await expect.poll(async () => (await clips(served)).map((c) => c.order), { timeout: 20_000 }).toContain('SF1400000000001');
      expect(dialogs).toEqual([]); // no browser dialog ever stopped the page
      await page.getByTestId('language').selectOption('en');
    });
  });
});

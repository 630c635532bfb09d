// Engine-made sentences on screen at 1366×768 through door 2 (a real `packwitness serve`, the real
// page in Chromium), in English and in Chinese: every message code of shared/messages.ts as the UI
// words it (the #/messages page renders the catalogue through the same formatter the views use),
// and the Status checks, a verify verdict and the export presets as the engine sends them: in the
// Chinese UI they read in Chinese, with no English sentence. Screenshots go to PW_SHOT_DIR when set.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MESSAGES, formatMessage, placeholdersOf } from '../../shared/messages.ts';
import { chromiumAvailable, launchBrowser, startServe, waitForState, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

const CJK = /[\u4e00-\u9fff]/;
/** An English sentence: three Latin words in a row (codes, paths, sizes and names are single tokens). */
const ENGLISH = /\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b/;

describe.skipIf(!chromiumAvailable())('engine messages in both languages at 1366×768 (door 2)', () => {
  const t = tmpDir('pw-messages-e2e-');
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const shot = async (name: string): Promise<void> => {
    if (process.env.PW_SHOT_DIR) fs.writeFileSync(path.join(process.env.PW_SHOT_DIR, `${name}.png`), await page.screenshot());
  };

  beforeAll(async () => {
    served = await startServe(['--data', t.dir]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.addInitScript(() => {
      if (!sessionStorage.getItem('pw.test.lang')) {
        sessionStorage.setItem('pw.test.lang', '1');
        localStorage.setItem('pw.lang', 'en');
      }
    });
    await page.goto(served.url);
    await waitForState(page, 'idle');
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  const setLanguage = async (lang: 'en' | 'zh-CN') => {
    await page.getByTestId('language').selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  };

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: every message code is worded on screen, its data in place`, async () => {
      await setLanguage(lang);
      await page.goto(`${served.url}#/messages`);
      const rows = page.locator('[data-testid=message-catalogue] tr');
      await rows.first().waitFor();
      const shown = await rows.evaluateAll((trs) =>
        trs.map((tr) => ({
          code: tr.getAttribute('data-code')!,
          params: (tr.getAttribute('data-params') ?? '').split(' ').filter(Boolean),
          text: tr.querySelector('[data-testid=message-text]')!.textContent ?? '',
        })),
      );
      expect(shown.map((r) => r.code).sort()).toEqual(Object.keys(MESSAGES).sort());
      for (const r of shown) {
        expect(r.text, r.code).not.toMatch(/\{\{/);
        for (const p of r.params) expect(r.text, `${r.code} shows ${p}`).toContain(`‹${p}›`);
        const params = Object.fromEntries(placeholdersOf(MESSAGES[r.code as keyof typeof MESSAGES]).map((p) => [p, `‹${p}›`]));
        if (lang === 'en') expect(r.text, r.code).toBe(formatMessage({ code: r.code, params }));
        else expect(CJK.test(r.text), `${r.code}: ${r.text}`).toBe(true);
      }
      await shot(`messages-${lang}`);
    });

    it(`${lang}: the Status checks read in the UI language`, async () => {
      await setLanguage(lang);
      await page.goto(`${served.url}#/status`);
      const lines = page.locator('[data-testid=health-checks] > li');
      await lines.first().waitFor();
      const texts = await lines.allTextContents();
      expect(texts.length).toBeGreaterThanOrEqual(5);
      for (const text of texts) {
        if (lang === 'en') expect(text).toMatch(ENGLISH);
        else {
          expect(CJK.test(text), text).toBe(true);
          expect(text, text).not.toMatch(ENGLISH);
        }
      }
      await shot(`status-${lang}`);
    });

    it(`${lang}: a file of no clip gets its verdict and check in the UI language`, async () => {
      await setLanguage(lang);
      await page.goto(`${served.url}#/verify`);
      await page
        .locator('input[type=file]')
        .first()
        .setInputFiles({ name: 'stranger.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not a clip of this station') });
      const summary = page.getByTestId('verify-summary');
      await summary.waitFor();
      const check = await page.getByTestId('verify-check-file').textContent();
      if (lang === 'en') expect(await summary.textContent()).toBe(formatMessage({ code: 'verify-unknown', params: {} }));
      else {
        for (const text of [await summary.textContent(), check]) {
          expect(CJK.test(text ?? ''), text ?? '').toBe(true);
          expect(text, text ?? '').not.toMatch(ENGLISH);
        }
      }
      await shot(`verify-unknown-${lang}`);
    });
  }
});

// Engine-made sentences on screen at 1366×768 through door 2 (a real `packwitness serve`, the real
// page in Chromium), in English and in Chinese: every message code of shared/messages.ts as the UI
// words it (the #/messages page renders the catalogue through the same formatter the views use),
// and the Status checks, a verify verdict and the export presets as the engine sends them: in the
// Chinese UI they read in Chinese, with no English sentence, also the failing lines of a clip whose
// chain entry was changed. Screenshots go to PW_SHOT_DIR when set.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGES, formatMessage, placeholdersOf } from '../../shared/messages.ts';
import { chromiumAvailable } from '../helpers/station.ts';
import { useScreens } from '../helpers/screens.ts';
import { clipPath } from '../helpers/clipPath.ts';
import { CJK, ENGLISH, leaveUnfinishedRecording } from '../helpers/messageWords.ts';

describe.skipIf(!chromiumAvailable())('engine messages in both languages at 1366×768 (door 2)', () => {
  // Two clips; the first one's chain entry is then changed in the index (its hash and the next link break).
  const s = useScreens({
    tmpPrefix: 'pw-messages-e2e-',
    clips: [{ order: 'MSG-TAMPER-1' }, { order: 'MSG-TAMPER-2' }],
    prepare: (engine) => {
      engine.db.prepare(`UPDATE chain SET body=replace(body, '"MSG-TAMPER-1"', '"MSG-TAMPER-X"') WHERE kind='clip' AND body LIKE '%MSG-TAMPER-1%'`).run();
    },
  });
  const shot = async (name: string) => void (await s.shot(name));
  const setLanguage = (lang: 'en' | 'zh-CN') => s.setLanguage(lang);

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: every message code is worded on screen, its data in place`, async () => {
      await setLanguage(lang);
      await s.page.goto(`${s.served.url}#/messages`);
      const rows = s.page.locator('[data-testid=message-catalogue] tr');
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
      await s.page.goto(`${s.served.url}#/status`);
      const lines = s.page.locator('[data-testid=health-checks] > li');
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
      await s.page.goto(`${s.served.url}#/verify`);
      await s.page
        .locator('input[type=file]')
        .first()
        .setInputFiles({ name: 'stranger.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not a clip of this station') });
      const summary = s.page.getByTestId('verify-summary');
      await summary.waitFor();
      const check = await s.page.getByTestId('verify-check-file').textContent();
      if (lang === 'en') expect(await summary.textContent()).toBe(formatMessage({ code: 'verify-unknown', params: {} }));
      else {
        for (const text of [await summary.textContent(), check]) {
          expect(CJK.test(text ?? ''), text ?? '').toBe(true);
          expect(text, text ?? '').not.toMatch(ENGLISH);
        }
      }
      await shot(`verify-unknown-${lang}`);
    });

    it(`${lang}: a clip whose chain entry was changed: every line of its verdict in the UI language`, async () => {
      await setLanguage(lang);
      await s.page.goto(`${s.served.url}#/verify`);
      const clip = s.clips[0]!;
      await s.page
        .locator('input[type=file]')
        .first()
        .setInputFiles(clipPath(path.join(s.dataDir, 'clips'), clip));
      await s.page.getByTestId('verify-summary').waitFor();
      expect(await s.page.getByTestId('verify-result').getAttribute('data-verdict')).toBe('problem');
      const chain = (await s.page.getByTestId('verify-check-chain').first().textContent()) ?? '';
      const lines = await s.page.locator('[data-testid^=verify-check-]').allTextContents();
      expect(lines.length).toBeGreaterThanOrEqual(5);
      if (lang === 'en') expect(chain).toMatch(/broken link: chain entry \d+ was altered after it was written/);
      else {
        expect(chain).toMatch(/链接断开：哈希链第 \d+ 条记录在写入后被改动/);
        for (const text of [await s.page.getByTestId('verify-summary').textContent(), ...lines]) {
          expect(CJK.test(text ?? ''), text ?? '').toBe(true);
          expect(text, text ?? '').not.toMatch(ENGLISH);
        }
      }
      await shot(`verify-tampered-${lang}`);
    });
  }
});

describe.skipIf(!chromiumAvailable())('clip notes, deletions and the hub line in both languages (door 2)', () => {
  const ctx = { door: 'http' as const };
  // An old clip retention deletes, a recording the station did not finish (recovered when serve
  // starts), and an enrollment with a hub nobody answers at: the three kinds of stored English.
  const s = useScreens({
    tmpPrefix: 'pw-notes-e2e-',
    clips: [{ order: 'NOTE-OLD-1' }],
    prepare: async (engine, clips) => {
      engine.db.prepare('UPDATE clips SET started_at = started_at - ? WHERE id=?').run(45 * 86_400_000, clips[0]!.id);
      await engine.call('settings.update', { keepDays: 30 }, ctx);
      await engine.call('retention.run', {}, ctx);
      await leaveUnfinishedRecording(engine, 'note-crash-1', 'NOTE-CRASH-1', path.join(s.dir, 'clip0.webm'));
      engine.db
        .prepare(
          `INSERT INTO hub_link (id, url, hub_name, hub_fingerprint, hub_public_key_pem, enrolled_at, chain_sent, holds_since) VALUES (1, ?, ?, ?, ?, ?, 0, 0)`,
        )
        .run('http://127.0.0.1:9', 'HUB-E2E', 'ab'.repeat(32), 'pem', Date.now());
    },
  });
  const RECOVERED = 'Recovered after the station stopped unexpectedly; at most the last second is missing.';

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`${lang}: a recovered clip's note in the lookup`, async () => {
      await s.setLanguage(lang);
      await s.page.goto(`${s.served.url}#/lookup`);
      await s.page.getByTestId('lookup-q').fill('NOTE-CRASH-1');
      await s.page.getByTestId('result').first().click();
      const note = (await s.page.getByTestId('clip-note').textContent()) ?? '';
      if (lang === 'en') expect(note).toBe(` — ${RECOVERED}`);
      else {
        expect(note).toBe(' — 工作台意外停止后恢复；最多缺少最后一秒。');
        expect(note).not.toMatch(ENGLISH);
      }
      await s.shot(`note-recovered-${lang}`);
    });

    it(`${lang}: the deletion by retention and the hub line in the Status view`, async () => {
      await s.setLanguage(lang);
      await s.page.goto(`${s.served.url}#/status`);
      const deletion = s.page.locator('[data-testid=deletions] tr').first();
      await deletion.waitFor();
      const cells = await deletion.locator('td').allTextContents();
      expect(cells[1]).toBe('NOTE-OLD-1');
      const hub = s.page.locator('[data-testid=health-checks] > li').filter({ hasText: 'HUB-E2E' });
      // The line itself, without the detail lines under it (the last error's own words are data).
      const line = await hub.evaluate((li) =>
        [...li.childNodes]
          .filter((n) => n.nodeName !== 'UL')
          .map((n) => n.textContent)
          .join(''),
      );
      if (lang === 'en') {
        expect(cells.slice(2)).toEqual(['retention (run by hand)', 'older than 30 days (kept 30 days)']);
        expect(line).toMatch(
          /Warehouse hub: Hub "HUB-E2E" at http:\/\/127\.0\.0\.1:9; (every sealed clip is published|.*not yet published.*); (no success yet|last success .*)\.$/,
        );
      } else {
        expect(cells.slice(2)).toEqual(['保留策略（手动运行）', '超过 30 天（保留 30 天）']);
        expect(line).toMatch(/仓库中心：“HUB-E2E”，地址 http:\/\/127\.0\.0\.1:9；.*(已上传|尚未上传).*；.*(尚未成功过|上次成功)/);
        expect(line, line).not.toMatch(ENGLISH);
      }
      await s.shot(`status-notes-${lang}`);
    });
  }
});

// The engine's message codes (shared/messages.ts): every code is worded in both UI languages with
// the same parameters, the English formatter fills them, and the engine's sentences that became
// codes read as they did.
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { formatMessage, isMessageCode, MESSAGES, msg, placeholdersOf, type MessageCode } from '../../shared/messages.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-CN.ts';
import { wordMessage } from '../../renderer/src/i18n/message.ts';
import { PRESETS, presetWords } from '../../electron/engine/export/presets.ts';
import { fsErrorMessage, lowSpace, lowSpaceMessage } from '../../electron/engine/storage.ts';

const codes = Object.keys(MESSAGES) as MessageCode[];
const zh = zhCN.engine as Record<string, string>;
const CJK = /[\u4e00-\u9fff]/;

describe('message catalogue', () => {
  it('has a Chinese text for every code, with the same parameters, and nothing else', () => {
    expect(codes.length).toBeGreaterThan(60);
    expect(Object.keys(zh).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect(zh[code]!.trim(), code).not.toBe('');
      expect(CJK.test(zh[code]!), `${code} is not translated: ${zh[code]}`).toBe(true);
      expect(placeholdersOf(zh[code]!), code).toEqual(placeholdersOf(MESSAGES[code]));
    }
    expect(en.engine).toBe(MESSAGES);
  });

  it('every parameter an English text names is used once at least, and a missing one stays visible', () => {
    expect(formatMessage(msg('health-storage-ok', { dir: '/clips' }))).toBe('The clips folder /clips is present and writable.');
    expect(formatMessage({ code: 'health-storage-ok', params: {} })).toContain('{{dir}}');
    expect(formatMessage({ code: 'no-such-code', params: {} })).toBe('no-such-code');
  });

  it('words every code through the UI formatter in both languages with no placeholder left', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'en',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
    for (const code of codes) {
      const params = Object.fromEntries(placeholdersOf(MESSAGES[code]).map((p) => [p, `<${p}>`]));
      const m = { code, params };
      const english = wordMessage(i18n.t, m);
      expect(english, code).toBe(formatMessage(m));
      await i18n.changeLanguage('zh-CN');
      const chinese = wordMessage(i18n.t, m);
      await i18n.changeLanguage('en');
      expect(chinese, code).not.toMatch(/\{\{/);
      for (const p of Object.keys(params)) expect(chinese, `${code} drops ${p}`).toContain(`<${p}>`);
      expect(chinese, code).not.toBe(english);
    }
  });

  it("names every export preset and its note with a code whose English is the preset's own", () => {
    for (const p of PRESETS) {
      const w = presetWords(p);
      expect(formatMessage(w.name), p.id).toBe(p.name);
      expect(formatMessage(w.note), p.id).toBe(p.note);
    }
  });

  it('keeps the English of the space refusals and folder failures', () => {
    const space = { folder: '/clips', freeBytes: 1024 ** 3, totalBytes: 100 * 1024 ** 3, reserveBytes: 2 * 1024 ** 3, automatic: true };
    expect(lowSpaceMessage(space)).toBe(
      'Only 1.0 GB free on the storage of /clips, below its reserve of 2.0 GB. Free some space (move old clips to an archive disk) or lower the reserve in Settings.',
    );
    expect(fsErrorMessage(Object.assign(new Error('x'), { code: 'EROFS' }), '/clips')).toEqual(msg('fs-read-only', { dir: '/clips' }));
    const params = { free: '1.0 GB', dir: '/clips', reserve: '2.0 GB' };
    expect(formatMessage(msg('record-refused-below-reserve', params))).toBe(`Recording refused: ${lowSpaceMessage(space)} Nothing was recorded.`);
  });

  it('has a code for every folder or space sentence inside a recording refusal or end, reading as the sentence itself', () => {
    const errnos = ['EROFS', 'EACCES', 'ENOSPC', 'ENOENT', 'EIO', 'EWHATEVER'];
    const space = { folder: '/clips', freeBytes: 1024 ** 3, totalBytes: 100 * 1024 ** 3, reserveBytes: 2 * 1024 ** 3, automatic: true };
    const inner = [
      ...errnos.map((code) => fsErrorMessage(Object.assign(new Error('odd'), { code }), '/clips')),
      msg('fs-folder-gone', { dir: '/clips' }),
      lowSpace(space)!,
      lowSpace({ ...space, freeBytes: 2.5 * 1024 ** 3 }, 1024 ** 3)!,
    ];
    expect(new Set(inner.map((m) => m.code)).size).toBe(inner.length);
    for (const m of inner) {
      const stopped = `record-stopped-${m.code}`;
      expect(isMessageCode(stopped), stopped).toBe(true);
      expect(formatMessage({ code: stopped, params: { ...m.params, order: 'ORD-1' } })).toBe(
        `Recording of ORD-1 stopped: ${formatMessage(m)} What was recorded until now is kept as an interrupted clip.`,
      );
      if (!m.code.startsWith('fs-') || m.code === 'fs-folder-gone') continue;
      const refused = `record-refused-${m.code}`;
      expect(isMessageCode(refused), refused).toBe(true);
      expect(formatMessage({ code: refused, params: m.params })).toBe(`${formatMessage(m)} Nothing was recorded.`);
    }
    expect(formatMessage(msg('problem-retention-failed-after-clip', { error: 'EIO' }))).toBe('Retention (after a clip) failed: EIO');
  });
});

// The failing lines of Check a clip and `verify --all` come as codes: the UI words them in Chinese
// with no English sentence left, and in English exactly as the CLI prints them.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import i18next, { type TFunction } from 'i18next';
import { Engine } from '../../electron/engine/engine.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-CN.ts';
import { joinSentences, wordCheck, wordFinding } from '../../renderer/src/i18n/message.ts';
import type { VerifyAnswer } from '../../shared/contract/evidence.ts';
import { ctx, recordClip } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

const LATIN_WORDS = /\b(chain|entry|station|the|does|not|missing|link)\b/i;

describe('engine lines of a failing verdict in both languages', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  const sha: string[] = [];
  let enT: TFunction;
  let zhT: TFunction;

  beforeAll(async () => {
    t = tmpDir('pw-msgverify-');
    const webms = [15, 12].map((fps) => {
      const f = path.join(t.dir, `src${fps}.webm`);
      makeWebmH264(f, 1, '320x240', fps);
      return f;
    });
    engine = await Engine.open({ dataDir: path.join(t.dir, 'station'), timestampWorker: false });
    for (const [i, order] of ['MSG-1', 'MSG-2'].entries()) sha.push((await recordClip(engine, order, webms[i]!)).clip!.sha256);
    // One chain entry edited in the index: its own hash breaks, and so does the next entry's link.
    const seq = (engine.db.prepare(`SELECT seq FROM chain WHERE kind='clip' ORDER BY seq LIMIT 1`).get() as { seq: number }).seq;
    engine.db.prepare(`UPDATE chain SET body=replace(body, '"MSG-1"', '"MSG-X"') WHERE seq=?`).run(seq);
    const make = async (lng: string) => {
      const i18n = i18next.createInstance();
      await i18n.init({
        resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
        lng,
        fallbackLng: 'en',
        interpolation: { escapeValue: false },
      });
      return i18n.t;
    };
    enT = await make('en');
    zhT = await make('zh-CN');
  });
  afterAll(async () => {
    await engine?.close();
    t?.cleanup();
  });

  it('a broken link and a bad signature: findings as codes, the same English, Chinese without English words', async () => {
    const answer: VerifyAnswer = await engine.call('evidence.verifyHash', { sha256: sha[0]!, name: null, sizeBytes: null }, ctx);
    expect(answer.verdict).toBe('problem');
    const failing = answer.checks.filter((c) => c.ok === false);
    expect(failing.map((c) => c.what).sort()).toEqual(['chain', 'signature']);
    for (const c of failing) {
      expect(c.findings?.length, c.what).toBeGreaterThan(0);
      expect(wordCheck(enT, c), c.what).toBe(c.text);
      const zh = wordCheck(zhT, c);
      expect(zh, c.what).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, c.what).not.toMatch(LATIN_WORDS);
    }
    expect(
      wordCheck(
        zhT,
        failing.find((c) => c.what === 'chain')!,
      ),
    ).toContain('链接断开：');
    // Every line of the answer has Chinese words (the file name and hashes are data).
    for (const c of answer.checks) expect(wordCheck(zhT, c), `${c.what}: ${c.text}`).not.toMatch(LATIN_WORDS);
  });

  it('verify --all names each problem with a code the Status list words', async () => {
    const report = await engine.call('evidence.verifyAll', {}, ctx);
    expect(report.ok).toBe(false);
    const worded = report.problems.filter((p) => p.words);
    expect(worded.length).toBeGreaterThan(0);
    for (const p of worded) {
      expect(wordFinding(enT, p.kind, p.words!)).toBe(`${p.label}: ${p.message}`);
      expect(wordFinding(zhT, p.kind, p.words!)).not.toMatch(LATIN_WORDS);
    }
  });

  it('joins Chinese sentences without a space and English ones with one', () => {
    expect(joinSentences(['第一句。', '第二句。'])).toBe('第一句。第二句。');
    expect(joinSentences(['One.', 'Two.'])).toBe('One. Two.');
  });
});

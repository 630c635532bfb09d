// What the station's index keeps as sentences (clip notes, deletion reasons), the hub's Status line
// and verify --all's own problems carry message codes besides their English: the English stays word
// for word (the CLI, the manifest and the chain read it), the codes read as that English, and the
// Chinese UI words them with no English sentence left. Rows written before the codes show their English.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { verifyAll } from '../../electron/engine/evidence/verifyAll.ts';
import { StationCustody } from '../../electron/engine/evidence/stationCustody.ts';
import { formatMessage, formatMessages, msg, type Message } from '../../shared/messages.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-CN.ts';
import { wordMessages } from '../../renderer/src/i18n/message.ts';
import { backdate, ctx, recordClip, startAndUpload } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { CJK, ENGLISH, leaveUnfinishedRecording } from '../helpers/messageWords.ts';
import { makeWebmH264 } from '../helpers/video.ts';

let zh: TFunction;
let english: TFunction;

/** The sentences' English is `text` word for word, and their Chinese has no English sentence in it. */
function expectWorded(words: readonly Message[] | null | undefined, text: string): void {
  expect(words, text).toBeTruthy();
  expect(formatMessages(words!)).toBe(text);
  expect(wordMessages(english, words!, 'fallback')).toBe(text);
  const chinese = wordMessages(zh, words!, 'fallback');
  expect(CJK.test(chinese), chinese).toBe(true);
  expect(chinese, chinese).not.toMatch(ENGLISH);
}

describe('notes, deletion reasons, the hub line and verify --all as codes', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: string;
  let engine: Engine;
  let dataDir: string;
  beforeAll(async () => {
    t = tmpDir('pw-notes-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'en',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
    english = i18n.getFixedT('en');
    zh = i18n.getFixedT('zh-CN');
  });
  afterAll(() => t.cleanup());
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(t.dir, 'data-'));
    engine = await Engine.open({ dataDir, timestampWorker: false });
  });
  afterEach(async () => {
    await engine.close().catch(() => {});
  });

  it('a deleted clip: its note and its deletion reason keep their English and read in Chinese', async () => {
    const old = (await recordClip(engine, 'OLD-NOTE-1', webm)).clip!;
    backdate(engine, old.id, 45);
    await engine.call('settings.update', { keepDays: 30 }, ctx);
    await engine.call('retention.run', {}, ctx);
    const row = (await engine.clips.get(old.id))!;
    expect(row.status).toBe('deleted');
    expect(row.note).toMatch(/^Deleted on \d{4}-\d\d-\d\dT[\d:.]+Z by retention \(run by hand\): older than 30 days \(kept 30 days\)\.$/);
    expectWorded(JSON.parse(row.note_words!) as Message[], row.note!);
    const { deletions } = await engine.call('retention.deletions', {}, ctx);
    expect(deletions[0]!.reason).toBe('older than 30 days (kept 30 days)');
    expectWorded(deletions[0]!.reasonWords, deletions[0]!.reason);
    // The chain's record of the deletion is the English reason, as ever.
    const body = JSON.parse(engine.db.prepare(`SELECT body FROM chain WHERE kind='deleted' AND clip_id=?`).pluck().get(old.id) as string) as { why: string };
    expect(body.why).toBe('older than 30 days (kept 30 days)');
  });

  it('a recording the station did not finish is recovered with a note the lookup words in Chinese', async () => {
    const id = 'recover-note-1';
    await leaveUnfinishedRecording(engine, id, 'CRASH-NOTE-1', webm);
    await engine.close();
    engine = await Engine.open({ dataDir, timestampWorker: false });
    const clip = await engine.call('clips.get', { id }, ctx);
    expect(clip.status).toBe('recovered');
    expect(clip.note).toBe('Recovered after the station stopped unexpectedly; at most the last second is missing.');
    expectWorded(clip.noteWords, clip.note!);
    // Told at start in the Status view, also as a code.
    const startup = (await engine.call('station.health', {}, ctx)).checks.find((x) => x.id === 'startup')!;
    const i = startup.details.indexOf('Recovered 1 clip(s) after an unexpected stop: CRASH-NOTE-1.');
    expect(i).toBeGreaterThanOrEqual(0);
    expectWorded([startup.detailWords![i]!], startup.details[i]!);
  });

  it("the page's note is kept as codes only where they read as its English; the engine's own sentences always are", async () => {
    const stalled = msg('note-camera-stalled', { seconds: 5 });
    const a = await startAndUpload(engine, 'CAM-NOTE-1', webm);
    const first = await engine.call(
      'recording.finish',
      {
        recordingId: a.recordingId,
        reason: 'camera-stalled',
        status: 'interrupted',
        chunkCount: a.chunkCount + 2,
        note: formatMessage(stalled),
        noteWords: [stalled],
      },
      ctx,
    );
    expect(first.clip!.note).toBe(
      'The camera gave no picture for 5 s while recording; recording goes on in a new clip once the camera gives a picture again. 2 of ' +
        `${a.chunkCount + 2} chunks did not arrive.`,
    );
    expectWorded(first.clip!.noteWords, first.clip!.note!);

    // Codes that say something else than the note are not kept: the note shows in English.
    const b = await startAndUpload(engine, 'CAM-NOTE-2', webm);
    const second = await engine.call(
      'recording.finish',
      {
        recordingId: b.recordingId,
        reason: 'camera-lost',
        status: 'interrupted',
        chunkCount: b.chunkCount,
        note: 'Unplugged by the cat.',
        noteWords: [stalled],
      },
      ctx,
    );
    expect(second.clip!.note).toBe('Unplugged by the cat.');
    expect(second.clip!.noteWords).toBeNull();
    expect(wordMessages(zh, second.clip!.noteWords ?? [], second.clip!.note!)).toBe('Unplugged by the cat.');

    // Too short: the note and what the finish answers, both coded.
    await engine.call('settings.update', { minClipMs: 60_000 }, ctx);
    const c = await startAndUpload(engine, 'SHORT-NOTE-1', webm);
    const third = await engine.call('recording.finish', { recordingId: c.recordingId, reason: 'same-code', chunkCount: c.chunkCount }, ctx);
    expect(third.clip!.note).toMatch(/^Shorter than the minimum of 60\.0 s \(\d+\.\d s\); kept and marked\.$/);
    expectWorded(third.clip!.noteWords, third.clip!.note!);
    expect(third.message).toMatch(/^The clip of SHORT-NOTE-1 is only \d+\.\d s long \(the minimum is 60\.0 s\): it was kept and marked as short\.$/);
    expectWorded(third.words, third.message!);
  });

  it('a row written before the codes (English only) shows its English', async () => {
    const clip = (await recordClip(engine, 'OLD-ROW-1', webm)).clip!;
    engine.db.prepare('UPDATE clips SET note=?, note_words=NULL WHERE id=?').run('Recovered after a crash.', clip.id);
    const got = await engine.call('clips.get', { id: clip.id }, ctx);
    expect(got.noteWords).toBeNull();
    expect(wordMessages(zh, got.noteWords ?? [], got.note!)).toBe('Recovered after a crash.');
  });

  it("the hub's Status line and its last error read as their English and in Chinese", async () => {
    await recordClip(engine, 'HUB-NOTE-1', webm);
    await recordClip(engine, 'HUB-NOTE-2', webm);
    engine.db
      .prepare(
        `INSERT INTO hub_link (id, url, hub_name, hub_fingerprint, hub_public_key_pem, enrolled_at, chain_sent, holds_since) VALUES (1, ?, ?, ?, ?, ?, 0, 0)`,
      )
      .run('https://hub.example:8443', 'Warehouse-A', 'ab'.repeat(32), 'pem', Date.now());
    const lineOf = async () => (await engine.call('station.health', {}, ctx)).checks.find((x) => x.id === 'hub')!;
    const before = await lineOf();
    expect(before.text).toMatch(
      /^Warehouse hub: Hub "Warehouse-A" at https:\/\/hub\.example:8443; 2 clip\(s\) not yet published \(oldest recorded .*\); \d+ chain entries not yet sent; no success yet\.$/,
    );
    expectWorded(before.messages, before.text);

    engine.db
      .prepare(`UPDATE hub_link SET last_error_code='unreachable', last_error=?, last_error_at=?`)
      .run('connect ECONNREFUSED 10.0.0.9:8443', Date.now() - 120_000);
    engine.db.prepare('UPDATE hub_link SET last_success_at=?, chain_sent=(SELECT max(seq) FROM chain)').run(Date.now() - 60_000);
    engine.db.prepare(`UPDATE hub_outbox SET state='confirmed'`).run();
    const after = await lineOf();
    expect(after.text).toMatch(/^Warehouse hub: Hub "Warehouse-A" at https:\/\/hub\.example:8443; every sealed clip is published; last success .*\.$/);
    expectWorded(after.messages, after.text);
    expect(after.details[0]).toMatch(/^last error .*: the hub could not be reached \(connect ECONNREFUSED 10\.0\.0\.9:8443\)$/);
    expect(formatMessage(after.detailWords![0]!)).toBe(after.details[0]);
    expect(wordMessages(zh, [after.detailWords![0]!])).toMatch(/^上次错误 .*：无法连接仓库中心（connect ECONNREFUSED 10\.0\.0\.9:8443）$/);
  });

  it("verify --all's own problems carry codes whose English is the problem's", async () => {
    // Where the station's local store keeps each clip's MP4.
    const fileOf = async (order: string) => {
      const id = (await recordClip(engine, order, webm)).clip!.id;
      return engine.store.localPath((await engine.clips.get(id))!.file!);
    };
    const [a, b, c] = [await fileOf('VALL-1'), await fileOf('VALL-2'), await fileOf('VALL-3')];
    fs.rmSync(a); // missing file
    fs.appendFileSync(b, 'x'); // modified file
    fs.rmSync(c.replace(/\.mp4$/, '.manifest.json.sig')); // missing sidecar
    fs.copyFileSync(webm, path.join(path.dirname(c), 'stranger.mp4')); // no chain entry seals it
    const report = await verifyAll({ db: engine.db, clipsDir: engine.paths.clipsDir, custody: engine.custody as StationCustody });
    const kinds = report.problems.map((p) => p.kind);
    expect(kinds).toEqual(expect.arrayContaining(['missing-file', 'modified-file', 'missing-sidecar', 'missing-entry']));
    for (const p of report.problems) {
      expect(p.words, p.message).toBeTruthy();
      expect(formatMessage(p.words!)).toBe(p.message);
      const chinese = wordMessages(zh, [p.words!]);
      expect(CJK.test(chinese), chinese).toBe(true);
      expect(chinese, chinese).not.toMatch(ENGLISH);
    }
  });
});

// The package check's words (shared/evidence/packageWords.ts): the parts of a line that are words
// (a clip's name, a mode, a reason, what a file is) are worded in the line's language; the English is
// the check's English word for word, so `packwitness verify PACKAGE` prints what it always printed.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../electron/engine/evidence/nodeCrypto.ts';
import { certsFromFile } from '../../electron/engine/evidence/tsaTrust.ts';
import { labelVerdict } from '../../shared/evidence/labelVerdict.ts';
import { clipWord, editsWord, exportModeWord, fileWords, pkgWord, wordPackage, type FileEntry, type PackageWord } from '../../shared/evidence/packageWords.ts';
import { checkSegment, type SegmentCheck } from '../../shared/evidence/segment.ts';
import { checkTimestampToken, TokenError, UnverifiableToken } from '../../shared/evidence/tsaToken.ts';
import { CJK, ENGLISH } from '../helpers/messageWords.ts';

const FIX = path.resolve(import.meta.dirname, '../fixtures/tsa');
const zh = (w: { code: Parameters<typeof wordPackage>[0]; params?: Parameters<typeof wordPackage>[1] }) => wordPackage(w.code, w.params, 'zh-CN');
const en = (w: { code: Parameters<typeof wordPackage>[0]; params?: Parameters<typeof wordPackage>[1] }) => wordPackage(w.code, w.params, 'en');

describe('package check words', () => {
  it('word the parts of a line in the line language: a clip, its mode, the edits', () => {
    const what = clipWord({ clipId: 'c1', order: 'SF1', mode: 'returns' });
    const line = pkgWord('pkg-clip-signed', { what });
    expect(en(line)).toBe('Clip c1 of order SF1 (RETURN, unboxing): the manifest is signed by the station key.');
    expect(zh(line)).toBe('订单 SF1 的视频 c1（退货，拆箱）：清单由工作台密钥签名。');
    const order = pkgWord('pkg-order', { order: 'SF1', createdAt: 'T', station: 'S', preset: 'P', mode: exportModeWord('all') });
    expect(en(order)).toBe('Order SF1, exported T by station S with preset P; clips: shipping and returns.');
    expect(zh(order)).toContain('视频：发货和退货。');
    const edited = pkgWord('pkg-edited', { edits: editsWord(['speed 2x', 'trimmed']) });
    expect(en(edited)).toBe('This export is EDITED: speed 2x, trimmed.');
    expect(zh(edited)).toBe('本次导出经过编辑：2 倍速、trimmed。');
  });

  it("say a token's missing TSA certificate in English as the token check does, and in Chinese", async () => {
    const reply = fs.readFileSync(path.join(FIX, 'sigstage/response-no-embedded-cert.tsr'));
    const other = certsFromFile(fs.readFileSync(path.join(FIX, 'identrust/ts_chain.pem'))).map((c) => c.raw);
    for (const given of [[], other]) {
      const e = (await checkTimestampToken(nodeCrypto, reply, null, given).catch((x: unknown) => x)) as UnverifiableToken;
      expect(e).toBeInstanceOf(UnverifiableToken);
      const reason = pkgWord('pkg-tsa-unverifiable', {
        carried: pkgWord(e.reason!.carriesCerts ? 'pkg-tsa-carries-other' : 'pkg-tsa-carries-none'),
        given: pkgWord(e.reason!.given ? 'pkg-tsa-given-nomatch' : 'pkg-tsa-given-none'),
      });
      expect(en(reason)).toBe(e.message);
      expect(zh(reason)).toMatch(CJK);
      expect(zh(reason)).not.toMatch(ENGLISH);
    }
  });

  it("say why a token does not verify in both languages, the English as the token check's message", async () => {
    const reply = fs.readFileSync(path.join(FIX, 'sigstage/response-sha256.tsr'));
    const chain = certsFromFile(fs.readFileSync(path.join(FIX, 'sigstage/ts_chain.pem'))).map((c) => c.raw);
    const flipped = Buffer.from(reply);
    flipped[flipped.length - 10]! ^= 1;
    const other = (await checkTimestampToken(nodeCrypto, reply, 'ab'.repeat(32), chain).catch((x: unknown) => x)) as TokenError;
    const broken = (await checkTimestampToken(nodeCrypto, flipped, null, chain).catch((x: unknown) => x)) as TokenError;
    expect(other.word.code).toBe('pkg-token-other-file');
    expect(broken.word.code).toBe('pkg-token-signature-invalid');
    for (const e of [other, broken]) {
      expect(e).toBeInstanceOf(TokenError);
      expect(en(e.word)).toBe(e.message);
      expect(zh(e.word)).toMatch(CJK);
      expect(zh(e.word)).not.toMatch(ENGLISH);
    }
    expect(zh(broken.word)).toBe('TSA 对该令牌的签名无效');
  });

  it('say the label verdict of a signed manifest in both languages, the English as before', () => {
    const mismatch = labelVerdict({ source: 'camera', seenAtMs: null, reads: [], mismatch: ['YT999'] }, ['SF1'])!;
    expect(mismatch.text).toBe(
      'LABEL MISMATCH: the picture showed YT999, but the clip is filed under SF1 (signed in the manifest). The code was read by the camera.',
    );
    expect(en(mismatch.word)).toBe(mismatch.text);
    expect(zh(mismatch.word)).toBe('面单不符：画面中出现的是 YT999，但该视频归档在 SF1 下（已在清单中签名）。该单号由摄像头识别。');
    const seen = labelVerdict({ source: 'scanner', seenAtMs: 3200, reads: [], mismatch: [] }, ['SF1'])!;
    expect(seen.text).toBe('The label SF1 is in the picture: seen at 00:03.2 (signed in the manifest).');
    expect(zh(seen.word)).toBe('面单 SF1 出现在画面中：于 00:03.2 看到（已在清单中签名）。');
  });

  it("describe each exported file: the station's signed English as it is, Chinese from the entry's fields", () => {
    const from = { clipId: 'c1', order: 'SF1', mode: 'shipping' };
    const entries: [FileEntry, RegExp][] = [
      [
        { role: 'video', text: 'signed words 1', from, how: { method: 'original' }, span: { startMs: 0, endMs: 30_000 } },
        /^原始录像本身，逐字节相同，订单 SF1 的视频 c1/,
      ],
      [
        {
          role: 'video',
          text: 'signed words 2',
          from,
          how: { method: 'stream-copy', frames: { first: 0, end: 450 } },
          span: { startMs: 0, endMs: 15_000 },
          part: { index: 1, count: 2 },
        },
        /^第 1\/2 部分，未经重新编码直接剪切（第 0–449 帧，逐位相同），取自订单 SF1 的视频 c1（发货，打包），覆盖其 00:00\.0–00:15\.0$/,
      ],
      [
        {
          role: 'video',
          text: 'signed words 3',
          from,
          how: { method: 're-encode', params: { width: 1280, height: 720, speed: 2 } },
          span: { startMs: 0, endMs: 30_000 },
        },
        /^重新编码（H\.264 1280x720，以 2 倍速播放：已编辑），取自订单 SF1 的视频 c1/,
      ],
      [
        { role: 'still', text: 'signed words 4', from, how: { method: 'still', atMs: 3200, params: { crop: [0, 0, 1, 1] } } },
        /在 00:03\.2 摄像头识别到面单的画面/,
      ],
      [
        { role: 'sheet', text: 'signed words 5', from, how: { method: 'sheet', format: 'pdf' }, span: { startMs: 0, endMs: 30_000 } },
        /的证据单（PDF），覆盖其 00:00\.0–00:30\.0$/,
      ],
      [{ role: 'package', text: 'signed words 6', from: null, how: null }, /^包中附带的文件$/],
    ];
    for (const [entry, chinese] of entries) {
      const line = pkgWord('pkg-derived', { file: 'f', what: fileWords(entry) });
      expect(en(line)).toBe(`f: ${entry.text}.`);
      const z = zh(pkgWord('pkg-file-missing', { file: 'f', what: fileWords(entry) }));
      expect(z, entry.text).not.toMatch(ENGLISH);
      expect(zh(fileWords(entry).word), entry.text).toMatch(chinese);
    }
  });
});

describe("a clip's chain segment, worded in Chinese", () => {
  // A station key, a clip's signed manifest as the first chain entry and an anchor entry after it;
  // the anchor token's reading is given (the token checks have their own tests).
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const fp = createHash('sha256').update(spki).digest('hex');
  const hash = (s: string) => createHash('sha256').update(s).digest('hex');
  const entry = (body: Record<string, unknown>) => {
    const text = JSON.stringify(body);
    return { seq: body.seq as number, body: text, hash: hash(text), signature: sign(null, Buffer.from(text), privateKey).toString('base64') };
  };
  const manifest = JSON.stringify({ v: 1, seq: 7, prev: '0'.repeat(64), kind: 'clip', key: fp, sha256: 'ab'.repeat(32) });
  const token = Buffer.from('token bytes');
  const first = { seq: 7, body: manifest, hash: hash(manifest), signature: sign(null, Buffer.from(manifest), privateKey).toString('base64') };
  const anchor = entry({ v: 1, seq: 8, prev: first.hash, kind: 'anchor', key: fp, head: 7, headHash: first.hash, token: token.toString('base64') });

  async function lines(entries: unknown[]): Promise<{ kind: string; zh: string; en: string }[]> {
    const out: { kind: string; zh: string; en: string }[] = [];
    const put = (kind: string) => (w: PackageWord) => void out.push({ kind, zh: zh(w), en: en(w) });
    const files = new Map<string, Uint8Array>([
      ['c.manifest.json', Buffer.from(manifest)],
      ['c.chain.json', Buffer.from(JSON.stringify({ entries }))],
      ['c.anchor.tsr', token],
    ]);
    const check: SegmentCheck = {
      crypto: nodeCrypto,
      stationKey: spki,
      fingerprint: fp,
      stamp: async () => ({ hashAlg: 'SHA-256', hashed: first.hash, timeMs: Date.UTC(2026, 11, 6, 8, 0, 0), tsa: 'TSA1', unverifiable: null }),
    };
    const what = clipWord({ clipId: 'c1', order: 'SF1', mode: 'shipping' });
    await checkSegment({ manifest: 'c.manifest.json', chainSegment: 'c.chain.json', anchorToken: 'c.anchor.tsr' }, what, files, new Set(), check, {
      ok: put('ok'),
      fail: put('fail'),
      info: put('info'),
    });
    return out;
  }

  it('an intact segment: the clip was in the record by the anchor time', async () => {
    const [l, ...more] = await lines([first, anchor]);
    expect(more).toEqual([]);
    expect(l!.kind).toBe('ok');
    expect(l!.en).toBe(
      "Clip c1 of order SF1 (shipping, packing): in the station's record by 2026-12-06 08:00:00 UTC at the latest (anchor of TSA1): chain entries 7–8 are signed by the station and linked, and TSA1 stamped entry 7.",
    );
    expect(l!.zh).toBe(
      '订单 SF1 的视频 c1（发货，打包）：最迟于 2026-12-06 08:00:00 UTC 已在工作台的记录中（TSA1 的锚点）：链条目 7–8 由工作台签名并相互链接，TSA1 为条目 7 盖了时间戳。',
    );
  });

  it('an entry changed after signing: each problem said in Chinese, none in English words', async () => {
    const changed = { ...anchor, body: anchor.body.replace('"head":7', '"head":7,"x":1') };
    const out = await lines([first, changed]);
    expect(out.map((l) => l.kind)).toContain('fail');
    for (const l of out) {
      expect(l.zh).toMatch(CJK);
      expect(l.zh, l.zh).not.toMatch(ENGLISH);
    }
    expect(out.map((l) => l.zh)).toContain(
      '订单 SF1 的视频 c1（发货，打包）：c.chain.json 中的链条目 8：它的 SHA-256 不是链片段给出的哈希值：其内容被修改过。',
    );
    expect(out.map((l) => l.en)).toContain(
      'Clip c1 of order SF1 (shipping, packing): chain entry 8 in c.chain.json: its SHA-256 is not the hash the segment gives it: its body was changed.',
    );
  });
});

// One suite for every HubIndex implementation (SQLite, PostgreSQL).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HubClip, type HubIndex, IndexConflictError } from '../../electron/hub/index/types.ts';

const fp = (s: string) => createHash('sha256').update(s).digest('hex');
const sha = (s: string) => createHash('sha256').update(`clip:${s}`).digest('hex');
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);

export const stationA = {
  fingerprint: fp('station A'),
  name: 'Pack-1',
  publicKeyPem: '-----BEGIN PUBLIC KEY-----\nA\n-----END PUBLIC KEY-----\n',
  enrolledAt: T0 - DAY,
};
export const stationB = {
  fingerprint: fp('station B'),
  name: 'Pack-2',
  publicKeyPem: '-----BEGIN PUBLIC KEY-----\nB\n-----END PUBLIC KEY-----\n',
  enrolledAt: T0 - DAY,
};

export function clipRow(station: string, clipId: string, order: string, startedAt: number, extra: Partial<HubClip> = {}): HubClip {
  return {
    station,
    clipId,
    order,
    mode: 'shipping',
    operator: 'li',
    startedAt,
    endedAt: startedAt + 30_000,
    durationMs: 30_000,
    sizeBytes: 4_000_000,
    sha256: sha(`${station}/${clipId}`),
    status: 'ok',
    stopReason: 'scan-next',
    note: null,
    publishedAt: startedAt + 31_000,
    ...extra,
  };
}

export function hubIndexSuite(make: () => Promise<{ index: HubIndex; cleanup?: () => Promise<void> }>): void {
  let ix: HubIndex;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ index: ix, cleanup } = await make());
  });
  afterAll(async () => {
    await ix?.close();
    await cleanup?.();
  });

  it('registers stations by key fingerprint, finds them by fingerprint or name, renames in place', async () => {
    await ix.upsertStation(stationA);
    await ix.upsertStation({ ...stationB, name: 'old name' });
    expect((await ix.upsertStation(stationB)).name).toBe('Pack-2');
    expect(await ix.getStation(stationA.fingerprint)).toEqual(stationA);
    expect((await ix.getStation('Pack-2'))?.fingerprint).toBe(stationB.fingerprint);
    expect(await ix.getStation('nobody')).toBeNull();
    expect((await ix.listStations()).map((s) => s.name)).toEqual(['Pack-1', 'Pack-2']);
  });

  it('indexes a clip once: the same clip again is a harmless duplicate, another SHA-256 for its id is refused', async () => {
    const c = clipRow(stationA.fingerprint, 'c-1', 'SF1234567890', T0);
    expect(await ix.addClip(c)).toBe('inserted');
    expect(await ix.addClip(c)).toBe('duplicate');
    await expect(ix.addClip({ ...c, sha256: sha('forged') })).rejects.toThrow(IndexConflictError);
    const held = await ix.getClip(stationA.fingerprint, 'c-1');
    expect(held).toMatchObject({ ...c, stationName: 'Pack-1' });
    // The same clip id on another station is another clip.
    expect(await ix.addClip(clipRow(stationB.fingerprint, 'c-1', 'SF1234567890', T0 + 1000))).toBe('inserted');
    expect((await ix.clipsBySha256(c.sha256)).map((r) => r.station)).toEqual([stationA.fingerprint]);
    // Unicode codes are kept as scanned.
    expect(await ix.addClip(clipRow(stationB.fingerprint, 'c-zh', '订单-北京_42', T0 + 2000))).toBe('inserted');
    expect((await ix.findClips({ order: '订单-北京_42' }))[0]?.clipId).toBe('c-zh');
  });

  it('finds clips by exact code, partial code, time range, station, operator and mode, newest first, in pages', async () => {
    const rows: HubClip[] = [];
    for (let i = 0; i < 30; i++) {
      const st = i % 2 === 0 ? stationA.fingerprint : stationB.fingerprint;
      rows.push(
        clipRow(st, `d-${i}`, `YT${String(7000000 + i).padStart(10, '0')}`, T0 + DAY + i * 60_000, {
          operator: i % 3 === 0 ? 'wang' : 'zhao',
          mode: i % 5 === 0 ? 'returns' : 'shipping',
        }),
      );
    }
    rows.push(clipRow(stationA.fingerprint, 'pct', 'AB%_CD', T0 + 2 * DAY));
    rows.push(clipRow(stationA.fingerprint, 'quote', 'Q"R-77', T0 + 2 * DAY + 1));
    rows.push(clipRow(stationA.fingerprint, 'zh-sh', '运单-上海_88', T0 + 2 * DAY + 2));
    for (const r of rows) await ix.addClip(r);

    expect((await ix.findClips({ order: 'YT0007000007' })).map((r) => r.clipId)).toEqual(['d-7']);
    expect(await ix.findClips({ order: 'yt0007000007' })).toEqual([]);
    // Partial: any case; % and _ in the search are literal characters.
    expect((await ix.findClips({ orderContains: 'yt000700001' })).map((r) => r.clipId).sort()).toEqual([
      'd-10',
      'd-11',
      'd-12',
      'd-13',
      'd-14',
      'd-15',
      'd-16',
      'd-17',
      'd-18',
      'd-19',
    ]);
    expect((await ix.findClips({ orderContains: '%_' })).map((r) => r.clipId)).toEqual(['pct']);
    expect((await ix.findClips({ orderContains: 'B%' })).map((r) => r.clipId)).toEqual(['pct']);
    expect(await ix.findClips({ orderContains: 'A_C' })).toEqual([]);
    // Three characters or more go through the trigram index on SQLite: the same answers.
    expect((await ix.findClips({ orderContains: 'b%_c' })).map((r) => r.clipId)).toEqual(['pct']);
    expect((await ix.findClips({ orderContains: 'q"r' })).map((r) => r.clipId)).toEqual(['quote']);
    expect((await ix.findClips({ orderContains: '"R-7' })).map((r) => r.clipId)).toEqual(['quote']);
    expect((await ix.findClips({ orderContains: '上海_8' })).map((r) => r.clipId)).toEqual(['zh-sh']);
    expect(await ix.findClips({ orderContains: '上海_9' })).toEqual([]);
    expect((await ix.findClips({ orderContains: 'yt0007000018', station: stationA.fingerprint })).map((r) => r.clipId)).toEqual(['d-18']);

    const day2 = await ix.findClips({ from: T0 + DAY, to: T0 + 2 * DAY });
    expect(day2).toHaveLength(30);
    expect(day2.map((r) => r.startedAt)).toEqual([...day2.map((r) => r.startedAt)].sort((a, b) => b - a));
    expect((await ix.findClips({ from: T0 + DAY + 10 * 60_000, to: T0 + DAY + 13 * 60_000 })).map((r) => r.clipId)).toEqual(['d-12', 'd-11', 'd-10']);

    const byName = await ix.findClips({ station: 'Pack-2', from: T0 + DAY, to: T0 + 2 * DAY });
    expect(byName).toHaveLength(15);
    expect(byName.every((r) => r.station === stationB.fingerprint && r.stationName === 'Pack-2')).toBe(true);
    expect(await ix.findClips({ station: stationB.fingerprint, from: T0 + DAY, to: T0 + 2 * DAY })).toEqual(byName);
    expect((await ix.findClips({ operator: 'wang', from: T0 + DAY })).length).toBe(10);
    expect((await ix.findClips({ mode: 'returns' })).map((r) => r.clipId).sort()).toEqual(['d-0', 'd-10', 'd-15', 'd-20', 'd-25', 'd-5']);
    expect((await ix.findClips({ mode: 'returns', station: 'Pack-1', operator: 'wang' })).map((r) => r.clipId).sort()).toEqual(['d-0']);

    // Pages of 7 over the day: every clip once, in order.
    const seen: string[] = [];
    let before: { startedAt: number; rowId: number } | undefined;
    for (;;) {
      const page = await ix.findClips({ from: T0 + DAY, to: T0 + 2 * DAY, limit: 7, ...(before ? { before } : {}) });
      if (page.length === 0) break;
      seen.push(...page.map((r) => r.clipId));
      const last = page[page.length - 1]!;
      before = { startedAt: last.startedAt, rowId: last.rowId! };
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `d-${29 - i}`));
  });

  it('keeps each station chain by seq: same entry again is a duplicate, another hash for a held seq is refused', async () => {
    const entry = (seq: number, at: number) => ({
      station: stationA.fingerprint,
      seq,
      prev: fp(`e${seq - 1}`),
      hash: fp(`e${seq}`),
      signature: Buffer.alloc(64, seq).toString('base64'),
      kind: 'clip',
      at,
      clipId: `c-${seq}`,
      body: JSON.stringify({ seq }),
    });
    for (const s of [1, 2, 5, 6, 9]) expect(await ix.addChainEntry(entry(s, T0 + s * 1000))).toBe('inserted');
    expect(await ix.addChainEntry(entry(2, T0 + 2000))).toBe('duplicate');
    await expect(ix.addChainEntry({ ...entry(2, T0 + 2000), hash: fp('other') })).rejects.toThrow(IndexConflictError);
    expect(await ix.chainHead(stationA.fingerprint)).toEqual({ seq: 9, hash: fp('e9') });
    expect(await ix.chainHead(stationB.fingerprint)).toBeNull();
    expect((await ix.listChain(stationA.fingerprint, { fromSeq: 5 })).map((e) => e.seq)).toEqual([5, 6, 9]);
    expect((await ix.listChain(stationA.fingerprint))[0]).toEqual(entry(1, T0 + 1000));
    // The holes, with the time span between the entries around them.
    expect(await ix.findChainGaps(stationA.fingerprint)).toEqual([
      { station: stationA.fingerprint, fromSeq: 3, toSeq: 4, fromTime: T0 + 2000, toTime: T0 + 5000 },
      { station: stationA.fingerprint, fromSeq: 7, toSeq: 8, fromTime: T0 + 6000, toTime: T0 + 9000 },
    ]);
    // A chain whose first entries never arrived starts with a hole.
    await ix.addChainEntry({ ...entry(3, T0 + 3000), station: stationB.fingerprint });
    expect(await ix.findChainGaps(stationB.fingerprint)).toEqual([{ station: stationB.fingerprint, fromSeq: 1, toSeq: 2, fromTime: null, toTime: T0 + 3000 }]);
  });

  it('lists the sealed clips a station deleted or discarded before they reached the hub, with who, why and their time span', async () => {
    const st = { fingerprint: fp('station-lost'), name: 'Pack-Lost', publicKeyPem: stationA.publicKeyPem, enrolledAt: T0 };
    await ix.upsertStation(st);
    const entry = (seq: number, kind: string, clipId: string | null, body: Record<string, unknown>) => ({
      station: st.fingerprint,
      seq,
      prev: fp(`l${seq - 1}`),
      hash: fp(`l${seq}`),
      signature: Buffer.alloc(64, seq).toString('base64'),
      kind,
      at: T0 + seq * 1000,
      clipId,
      body: JSON.stringify({ seq, kind, ...body }),
    });
    const sealed = (seq: number, clipId: string, order: string) =>
      entry(seq, 'clip', clipId, { clipId, orders: [order], sha256: fp(clipId), startedAt: T0 + seq, endedAt: T0 + seq + 60_000 });
    await ix.addChainEntry(sealed(1, 'k-1', 'LOST-1'));
    await ix.addChainEntry(sealed(2, 'k-2', 'PUBLISHED-2'));
    await ix.addChainEntry(sealed(3, 'k-3', 'LIVE-3'));
    await ix.addChainEntry(entry(4, 'deleted', 'k-1', { who: 'retention', why: 'older than 30 days' }));
    await ix.addChainEntry(entry(5, 'deleted', 'k-2', { who: 'retention', why: 'older than 30 days' }));
    await ix.addChainEntry(entry(6, 'discarded', 'k-9', { who: 'station', why: 'scanned by mistake' }));
    await ix.addClip(clipRow(st.fingerprint, 'k-2', 'PUBLISHED-2', T0 + 2, { sha256: fp('k-2') }));
    const lost = await ix.findLostClips(st.fingerprint);
    expect(lost).toEqual([
      {
        station: st.fingerprint,
        clipId: 'k-1',
        order: 'LOST-1',
        sha256: fp('k-1'),
        startedAt: T0 + 1,
        endedAt: T0 + 60_001,
        sealedSeq: 1,
        sealedAt: T0 + 1000,
        kind: 'deleted',
        goneSeq: 4,
        goneAt: T0 + 4000,
        who: 'retention',
        why: 'older than 30 days',
      },
    ]);
    expect((await ix.findLostClips()).filter((l) => l.station === st.fingerprint)).toEqual(lost);
    expect(await ix.findLostClips(stationB.fingerprint)).toEqual([]);
  });

  it('lists recorded holes and refused uploads', async () => {
    const hole = {
      station: stationA.fingerprint,
      fromSeq: 3,
      toSeq: 4,
      fromTime: T0 + 2000,
      toTime: T0 + 5000,
      reason: 'deleted before it reached the hub',
      detectedAt: T0 + DAY,
    };
    expect(await ix.addHole(hole)).toBe('inserted');
    expect(await ix.addHole(hole)).toBe('duplicate');
    expect(await ix.listHoles(stationA.fingerprint)).toEqual([hole]);
    expect(await ix.listHoles(stationB.fingerprint)).toEqual([]);
    const id1 = await ix.addRefusal({
      station: stationB.fingerprint,
      clipId: 'x',
      sha256: sha('x'),
      reason: 'bad-signature',
      detail: 'manifest signed by another key',
      at: T0 + 10,
    });
    const id2 = await ix.addRefusal({ station: null, clipId: null, sha256: null, reason: 'unknown-station', detail: 'no such fingerprint', at: T0 + 20 });
    expect(id2).toBeGreaterThan(id1);
    expect((await ix.listRefusals()).map((r) => r.reason)).toEqual(['unknown-station', 'bad-signature']);
    expect(await ix.listRefusals({ station: stationB.fingerprint })).toEqual([
      { id: id1, station: stationB.fingerprint, clipId: 'x', sha256: sha('x'), reason: 'bad-signature', detail: 'manifest signed by another key', at: T0 + 10 },
    ]);
    expect(await ix.stats()).toEqual({ stations: 3, clips: 37, chainEntries: 12, holes: 1, refused: 2 });
  });

  it('remembers request signatures once; a streamed part reads its upload and whether its signature was seen in one call', async () => {
    const sig = sha('signature of a part');
    const upload = { sha256: sha('clip under way'), station: stationA.fingerprint, size: 11 << 20, uploadId: 'up-1', startedAt: T0 };
    expect(await ix.uploadForRequest(upload.sha256, sig)).toEqual({ upload: null, seen: false });
    await ix.putUpload(upload);
    expect(await ix.uploadForRequest(upload.sha256, sig)).toEqual({ upload, seen: false });
    expect(await ix.rememberRequest(sig, T0, T0 - 600_000)).toBe(true);
    expect(await ix.rememberRequest(sig, T0, T0 - 600_000)).toBe(false);
    expect(await ix.uploadForRequest(upload.sha256, sig)).toEqual({ upload, seen: true });
    expect(await ix.uploadForRequest(sha('no such clip'), sig)).toEqual({ upload: null, seen: true });
    expect(await ix.requestSeen(sig)).toBe(true);
    // Signatures older than the window are forgotten (a later purge; their time is refused anyway).
    expect(await ix.rememberRequest(sha('later'), T0 + DAY, T0 + DAY - 600_000)).toBe(true);
    expect(await ix.requestSeen(sig)).toBe(false);
    await ix.dropUpload(upload.sha256);
    expect(await ix.uploadForRequest(upload.sha256, sig)).toEqual({ upload: null, seen: false });
  });

  it('two writers adding the same clip at once: one inserts, the other gets a duplicate', async () => {
    const c = clipRow(stationA.fingerprint, 'race', 'RACE-1', T0 + 3 * DAY);
    const outcomes = await Promise.all([ix.addClip(c), ix.addClip(c), ix.addClip(c)]);
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'inserted']);
  });
}

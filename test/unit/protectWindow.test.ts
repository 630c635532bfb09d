// Defaults that protect the evidence: auto stop on, the protect window kept by space retention (a
// station refuses to record rather than delete a clip a buyer may still dispute), and the days the
// disk lasts at the station's measured rate.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { openDb } from '../../electron/engine/db.ts';
import { SqliteClipIndex } from '../../electron/engine/index/sqlite.ts';
import { measureRate, refuseInDays, storageOutlook } from '../../electron/engine/outlook.ts';
import { defaultSettings } from '../../electron/engine/settingsStore.ts';
import { storagePatch } from '../../electron/cli/storageFlags.ts';
import { startHeadroomBytes } from '../../electron/engine/storage.ts';
import { backdate, ctx, recordClip } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { errorMessage } from '../../shared/errorMessage.ts';
import { clipPath } from '../helpers/clipPath.ts';

const DAY = 86_400_000;
const GB = 1024 ** 3;
/** A start needs 10 s of video above the reserve (storage.ts): room is counted after it. */
const HEADROOM = startHeadroomBytes(2_500_000);

describe('protective defaults', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir('pw-protect-');
  });
  afterAll(() => t.cleanup());

  it('a fresh station stops idle and overlong clips by itself and protects 120 days', async () => {
    const engine = await Engine.open({ dataDir: path.join(t.dir, 'fresh') });
    try {
      const s = await engine.call('settings.get', {}, ctx);
      expect(s.idleStopMs).toBe(180_000);
      expect(s.maxClipMs).toBe(30 * 60_000);
      expect(s.protectDays).toBe(120);
      expect(s.deleteOldestForSpace).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('an existing station gets the new defaults for what nobody set, and keeps what somebody chose', async () => {
    const dataDir = path.join(t.dir, 'old');
    const first = await Engine.open({ dataDir });
    await first.close();
    // What an older station's index holds: only the keys a person changed. Here the idle stop was
    // switched on and off again (stored 0); the maximum duration was never touched (no row).
    const db = openDb(path.join(dataDir, 'index.sqlite'));
    const put = db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    put.run('stationName', JSON.stringify('Dock 3'));
    put.run('idleStopMs', JSON.stringify(0));
    put.run('keepDays', JSON.stringify(0));
    db.close();
    const engine = await Engine.open({ dataDir });
    try {
      const s = await engine.call('settings.get', {}, ctx);
      expect(s.stationName).toBe('Dock 3');
      expect(s.idleStopMs).toBe(0); // a person's choice
      expect(s.maxClipMs).toBe(30 * 60_000); // never set: today's default
      expect(s.protectDays).toBe(120);
      await expect(engine.call('settings.update', { protectDays: 0 }, ctx)).rejects.toThrow(/protectDays/);
      // `serve --protect-days N` stores it like the Settings view does.
      expect(storagePatch({ 'protect-days': '180' })).toEqual({ protectDays: 180 });
      expect(() => storagePatch({ 'protect-days': '0' })).toThrow(/at least 1/);
    } finally {
      await engine.close();
    }
  });
});

describe('space retention keeps the protect window', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: string;
  let engine: Engine;
  let problems: string[];
  beforeAll(() => {
    t = tmpDir('pw-protect-space-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
  });
  afterAll(() => t.cleanup());
  beforeEach(async () => {
    engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(t.dir, 'data-')) });
    problems = [];
    engine.on((e) => {
      if (e.event === 'station.problem') problems.push(e.payload.message);
    });
  });
  afterEach(async () => {
    await engine.close().catch(() => {});
  });

  it('deletes older clips first, never one inside the window, then refuses to record and says why', async () => {
    const rec = async (order: string, daysAgo: number) => {
      const c = (await recordClip(engine, order, webm)).clip!;
      backdate(engine, c.id, daysAgo);
      return c;
    };
    const old130 = await rec('OLD-130', 130);
    const old121 = await rec('OLD-121', 121);
    const held = await rec('HELD-200', 200);
    const in100 = await rec('IN-100', 100);
    const in2 = await rec('IN-2', 2);
    await engine.call('clips.setHold', { id: held.id, hold: true, reason: 'dispute 12' }, ctx);
    // A reserve larger than the disk: whatever retention frees, the station stays below it.
    await engine.call('settings.update', { reserveMb: 10_000_000 }, ctx);

    const start = await engine.call('recording.start', { order: 'NEW-1', mimeType: 'video/webm' }, ctx).catch((e: Error) => e);
    expect(start).toBeInstanceOf(Error);
    const message = errorMessage(start);
    expect(message).toMatch(
      /^Recording refused: Free space on .* below the reserve of .*no more clips may be deleted for space: the 3 clip\(s\) left .* are younger than the protect window of 120 days or on legal hold \(1\)\. New recordings are refused until space is freed.* Nothing was recorded\.$/,
    );
    expect((await engine.call('clips.search', { q: 'NEW-1' }, ctx)).total).toBe(0);

    const deleted = (await engine.call('retention.deletions', {}, ctx)).deletions;
    expect(deleted.map((d) => d.order).sort()).toEqual(['OLD-121', 'OLD-130']);
    expect(deleted.at(-1)!.order).toBe('OLD-130'); // the oldest went first
    expect(fs.existsSync(clipPath(engine, old130))).toBe(false);
    expect(fs.existsSync(clipPath(engine, old121))).toBe(false);
    for (const kept of [held, in100, in2]) expect(fs.existsSync(clipPath(engine, kept))).toBe(true);
    // The alarm: told to every open page and kept for the Status view, once, not at every scan.
    expect(problems.filter((p) => /protect window of 120 days/.test(p))).toHaveLength(1);
    expect((await engine.call('station.info', {}, ctx)).problems.join(' ')).toMatch(/protect window of 120 days/);
    await engine.call('recording.start', { order: 'NEW-2', mimeType: 'video/webm' }, ctx).catch(() => {});
    expect(problems.filter((p) => /protect window/.test(p))).toHaveLength(1);

    // A shorter window, chosen in Settings, lets the 100-day clip go; the 2-day one never goes.
    await engine.call('settings.update', { protectDays: 90 }, ctx);
    await engine.call('recording.start', { order: 'NEW-3', mimeType: 'video/webm' }, ctx).catch(() => {});
    expect(fs.existsSync(clipPath(engine, in100))).toBe(false);
    expect(fs.existsSync(clipPath(engine, in2))).toBe(true);
    expect(fs.existsSync(clipPath(engine, held))).toBe(true);
  });
});

describe('how long the disk lasts', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir('pw-outlook-');
  });
  afterAll(() => t.cleanup());

  /** A station's index with `perDay` clips of `bytes` each on each of the last `days` days. */
  function history(name: string, days: number, perDay: number, bytes: number, now: number) {
    const db = openDb(path.join(t.dir, `${name}.sqlite`));
    const ins = db.prepare(
      `INSERT INTO clips (id, order_code, station, started_at, ended_at, size_bytes, file, status, mime_type) VALUES (?, ?, 'S', ?, ?, ?, ?, 'ok', 'video/webm')`,
    );
    db.transaction(() => {
      for (let d = 0; d < days; d++) {
        for (let i = 0; i < perDay; i++) {
          const at = now - (d + 1) * DAY + i * 60_000;
          ins.run(`${name}-${d}-${i}`, `SF${d}x${i}`, at, at + 60_000, bytes, `x/${d}-${i}.mp4`);
        }
      }
    })();
    return db;
  }

  it('days left follow the measured rate: "about 41 days at 310 orders a day"', async () => {
    const now = Date.UTC(2026, 11, 6, 12);
    const perClip = 19 * 1024 ** 2; // a minute at the default quality
    const db = history('rate', 20, 310, perClip, now);
    try {
      const rate = await measureRate(new SqliteClipIndex(db), now);
      expect(rate.measuredDays).toBe(14);
      expect(rate.ordersPerDay).toBeCloseTo(310, 5);
      expect(rate.bytesPerDay).toBeCloseTo(310 * perClip, 0);
      const reserve = 20 * GB;
      const space = { folder: '/clips', freeBytes: reserve + HEADROOM + 41 * 310 * perClip, totalBytes: 4096 * GB, reserveBytes: reserve, automatic: true };
      const o = await storageOutlook(new SqliteClipIndex(db), { ...defaultSettings(), protectDays: 120 }, space, now);
      expect(o.daysLeft).toBeCloseTo(41, 6);
      expect(o.ordersPerDay).toBeCloseTo(310, 5);
      // 20 days of clips on disk, none older than 120 days: the window breaks when the 41 days run out.
      expect(o.refuseInDays).toBeCloseTo(41, 6);
      expect(o.level).toBe('ok');
      // Half the rate, twice the days.
      const half = history('half', 20, 155, perClip, now);
      expect((await storageOutlook(new SqliteClipIndex(half), defaultSettings(), space, now)).daysLeft).toBeCloseTo(82, 6);
      half.close();
    } finally {
      db.close();
    }
  });

  it('warns a week before the protect window can no longer be kept, and not while it can', async () => {
    const now = Date.UTC(2026, 11, 6, 12);
    const db = history('warn', 14, 100, 10 * 1024 ** 2, now);
    try {
      const perDay = 100 * 10 * 1024 ** 2;
      const reserve = 2 * GB;
      const at = (days: number) => ({
        folder: '/c',
        freeBytes: reserve + HEADROOM + days * perDay,
        totalBytes: 1024 * GB,
        reserveBytes: reserve,
        automatic: true,
      });
      expect(await storageOutlook(new SqliteClipIndex(db), defaultSettings(), at(8), now)).toMatchObject({ level: 'ok' });
      const soon = await storageOutlook(new SqliteClipIndex(db), defaultSettings(), at(6.5), now);
      expect(soon.level).toBe('warning');
      expect(soon.refuseInDays).toBeCloseTo(6.5, 6);
      // Room for 130 days at this rate: the window of 120 days is kept for good.
      expect(await storageOutlook(new SqliteClipIndex(db), defaultSettings(), at(130), now)).toMatchObject({ level: 'ok', refuseInDays: null });
      // Nothing left above the reserve and nothing old enough to delete: refusing now.
      expect(await storageOutlook(new SqliteClipIndex(db), defaultSettings(), at(0), now)).toMatchObject({ level: 'problem', refuseInDays: 0 });
      // A station that never measured anything: hours at its quality instead of days.
      const empty = openDb(path.join(t.dir, 'empty.sqlite'));
      const e = await storageOutlook(new SqliteClipIndex(empty), defaultSettings(), at(10), now);
      expect(e.daysLeft).toBeNull();
      expect(e.hoursAtQuality).toBeCloseTo((10 * perDay) / (2_500_000 / 8) / 3600, 6);
      empty.close();
    } finally {
      db.close();
    }
  });

  it('the running station reports it a week ahead, in the Status view and on every page', async () => {
    const engine = await Engine.open({ dataDir: path.join(t.dir, 'station') });
    try {
      await engine.call('settings.update', { reserveMb: 0 }, ctx);
      const st = fs.statfsSync(engine.paths.clipsDir);
      // Two weeks of recording at a rate that fills what is free in about three days.
      const perDay = Math.floor((st.bavail * st.bsize) / 3);
      const now = Date.now();
      const ins = engine.db.prepare(
        `INSERT INTO clips (id, order_code, station, started_at, ended_at, size_bytes, file, status, mime_type) VALUES (?, ?, 'S', ?, ?, ?, ?, 'ok', 'video/webm')`,
      );
      for (let d = 0; d < 14; d++) ins.run(`big-${d}`, `SF9${d}`, now - (d + 1) * DAY + 60_000, now - (d + 1) * DAY + 120_000, perDay, `x/${d}.mp4`);
      const problems: string[] = [];
      engine.on((e) => {
        if (e.event === 'station.problem') problems.push(e.payload.message);
      });
      engine.retention.start();
      await expect
        .poll(() => problems.join(' '), { timeout: 10_000 })
        .toMatch(/the disk can keep the last 120 days of clips for only about 3 more day\(s\); then new recordings are refused/);
      const o = await engine.call('storage.outlook', {}, ctx);
      expect(o.level).toBe('warning');
      expect(Math.round(o.refuseInDays!)).toBe(3);
    } finally {
      engine.retention.stop();
      await engine.close();
    }
  });

  it('counts the clips that leave the window as room', () => {
    const now = 0;
    // 10 GB a day; 5 GB free; 20 GB of clips leave the window in 1 day, 20 GB more in 3 days.
    const releases = [
      { at: 1 * DAY, bytes: 20 * GB },
      { at: 3 * DAY, bytes: 20 * GB },
    ];
    expect(refuseInDays(5 * GB, 10 * GB, 120, releases, now)).toBeCloseTo(0.5, 6); // runs out before the first release
    expect(refuseInDays(10 * GB, 10 * GB, 120, releases, now)).toBeCloseTo(5, 6); // 10 + 20 + 20 GB last 5 days
    expect(refuseInDays(-1 * GB, 10 * GB, 120, [{ at: -DAY, bytes: 3 * GB }], now)).toBeCloseTo(0.2, 6); // due clips go first
    expect(refuseInDays(2000 * GB, 10 * GB, 120, [], now)).toBeNull(); // 200 days of room: kept for good
  });
});

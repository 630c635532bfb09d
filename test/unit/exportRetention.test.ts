// Export folders are copies for one appeal: retention removes them after a week, and before any
// clip when the disk is below its reserve, never a running or just-finished export.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { exportsRoot } from '../../electron/engine/export/jobs.ts';
import { listExportFolders, removeExportFolders } from '../../electron/engine/export/exportRetention.ts';
import { backdate, ctx, recordClip } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An export folder as jobs.ts leaves one, last written `ageMs` ago. */
function fakeExport(root: string, jobId: string, ageMs: number, bytes = 200_000): string {
  const dir = path.join(root, jobId);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'ORDER_2026-11-01_part1of1.mp4');
  fs.writeFileSync(file, Buffer.alloc(bytes, 1));
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(file, when, when);
  fs.utimesSync(dir, when, when);
  return dir;
}

describe('retention of export folders', () => {
  let t: ReturnType<typeof tmpDir>;
  let webm: string;
  let engine: Engine;
  beforeAll(() => {
    t = tmpDir('pw-export-retention-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
  });
  afterAll(() => t.cleanup());
  beforeEach(async () => {
    engine = await Engine.open({ dataDir: fs.mkdtempSync(path.join(t.dir, 'data-')) });
  });
  afterEach(async () => {
    await engine.close().catch(() => {});
  });

  it('removes exports older than a week and keeps newer ones, the clips and anything that is not an export', async () => {
    const clip = (await recordClip(engine, 'KEEP-1', webm)).clip!;
    const root = exportsRoot(engine);
    const old = fakeExport(root, 'mhx1a2b3-0123456789', 8 * DAY);
    const young = fakeExport(root, 'mhx1a2b4-abcdef0123', 2 * DAY);
    fs.mkdirSync(path.join(root, 'my notes'), { recursive: true });
    const dry = await engine.call('retention.run', { dryRun: true }, ctx);
    expect(dry.exportsRemoved.map((e) => e.jobId)).toEqual(['mhx1a2b3-0123456789']);
    expect(fs.existsSync(old)).toBe(true);

    const report = await engine.call('retention.run', {}, ctx);
    expect(report.exportsRemoved).toEqual([
      { jobId: 'mhx1a2b3-0123456789', bytes: 200_000, reason: expect.stringMatching(/older than 7 days.*export it again/) },
    ]);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(young)).toBe(true);
    expect(fs.existsSync(path.join(root, 'my notes'))).toBe(true);
    expect(report.deleted).toEqual([]);
    expect(fs.existsSync(clipPath(engine, clip))).toBe(true);
  });

  it('below the reserve, exports older than an hour go before any clip; a fresh one stays', async () => {
    const clip = (await recordClip(engine, 'OLD-CLIP', webm)).clip!;
    backdate(engine, clip.id, 130); // older than the protect window: may be deleted for space
    const root = exportsRoot(engine);
    const stale = fakeExport(root, 'mhx1a2b5-1111111111', 3 * HOUR);
    const fresh = fakeExport(root, 'mhx1a2b6-2222222222', 5 * 60_000);
    // A reserve no disk can meet: retention must free what it may, exports first.
    await engine.call('settings.update', { reserveMb: 10_000_000, deleteOldestForSpace: true }, ctx);
    const report = await engine.call('retention.run', {}, ctx);
    expect(report.exportsRemoved.map((e) => e.jobId)).toEqual(['mhx1a2b5-1111111111']);
    expect(report.exportsRemoved[0]!.reason).toMatch(/below the reserve/);
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
    // The reserve is still not met, so the clip went after the export (as before this change).
    expect(report.deleted.map((d) => d.order)).toEqual(['OLD-CLIP']);
    expect(report.message).toMatch(/below the reserve/);
  });

  it('never removes the folder of an export that is still running', async () => {
    expect((await recordClip(engine, 'RUN-1', webm)).clip).toBeTruthy();
    const started = await engine.call('export.start', { orders: ['RUN-1'], preset: 'original' }, ctx);
    const jobId = started.jobs[0]!.jobId;
    const dir = path.join(exportsRoot(engine), jobId);
    fs.mkdirSync(dir, { recursive: true });
    const when = new Date(Date.now() - 30 * DAY);
    fs.utimesSync(dir, when, when);
    const report = await engine.call('retention.run', { dryRun: true }, ctx);
    // Either still running (skipped) or finished just now (young): never on the list.
    expect(report.exportsRemoved.map((e) => e.jobId)).not.toContain(jobId);
  });

  it("an active job's folder stays however old it looks; the same folder goes once the job has ended", async () => {
    const root = exportsRoot(engine);
    fakeExport(root, 'mhx1a2b7-3333333333', 30 * DAY);
    const folders = await listExportFolders(root);
    const opts = { before: Date.now() - DAY, reason: 'test', dryRun: true };
    expect((await removeExportFolders(folders, { ...opts, active: new Set(['mhx1a2b7-3333333333']) })).removed).toEqual([]);
    expect((await removeExportFolders(folders, { ...opts, active: new Set<string>() })).removed.map((r) => r.jobId)).toEqual(['mhx1a2b7-3333333333']);
  });
});

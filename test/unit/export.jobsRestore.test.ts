// After a restart, customer service still finds the exports made before it, with working links;
// a half-written export (the process died while writing it) is not offered.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { exportsRoot } from '../../electron/engine/export/jobs.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ctx = { door: 'http' as const };
const ORDER = 'RESTART-7788';

describe('export jobs across a restart', () => {
  const t = tmpDir('pw-export-restore-');
  afterAll(() => t.cleanup());
  const dataDir = path.join(t.dir, 'data');

  it('lists the exports finished before the restart, newest first, and not a half-written one', async () => {
    let engine = await Engine.open({ dataDir, timestampWorker: false });
    const webm = path.join(t.dir, 'a.webm');
    makeOrderWebm(webm, ORDER, 3, '320x180', 15);
    await recordClip(engine, ORDER, webm);
    const waitDone = async (jobId: string) => {
      for (;;) {
        const job = (await engine.call('export.jobs', {}, ctx)).jobs.find((j) => j.jobId === jobId)!;
        if (job.status !== 'queued' && job.status !== 'running') return job;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const first = await waitDone((await engine.call('export.start', { orders: [ORDER], preset: 'original' }, ctx)).jobs[0]!.jobId);
    const second = await waitDone((await engine.call('export.start', { orders: [ORDER], preset: 'generic-100' }, ctx)).jobs[0]!.jobId);
    expect([first.status, second.status]).toEqual(['done', 'done']);
    await engine.close();

    // A folder left by a process killed while writing the ZIP: manifest there, .work not cleaned up.
    const broken = path.join(exportsRoot(engine), 'mhx9zzzz-0123456789');
    fs.cpSync(path.join(exportsRoot(engine), first.jobId), broken, { recursive: true });
    fs.mkdirSync(path.join(broken, '.work'));

    engine = await Engine.open({ dataDir, timestampWorker: false });
    try {
      const { jobs } = await engine.call('export.jobs', {}, ctx);
      expect(jobs.map((j) => j.jobId)).toEqual([second.jobId, first.jobId]);
      const again = jobs.find((j) => j.jobId === first.jobId)!;
      expect(again).toMatchObject({ status: 'done', order: ORDER, preset: 'original', percent: 100, createdAt: expect.any(String) });
      expect(again.files.map((f) => f.name).sort()).toEqual(first.files.map((f) => f.name).sort());
      for (const f of again.files) {
        expect(f.url).toBe(first.files.find((x) => x.name === f.name)!.url);
        expect(fs.statSync(path.join(exportsRoot(engine), first.jobId, f.name)).size).toBe(f.bytes);
      }
      // New exports still come first.
      const third = (await engine.call('export.start', { orders: [ORDER], preset: 'original' }, ctx)).jobs[0]!;
      expect((await engine.call('export.jobs', {}, ctx)).jobs[0]!.jobId).toBe(third.jobId);
      await waitDone(third.jobId);
    } finally {
      await engine.close();
    }
  });
});

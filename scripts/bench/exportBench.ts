// Export (issue 4): fitting a 3-minute clip to 30 MB / 60 s (the "custom" channel preset, split
// into parts, re-encoded), in x realtime; and the "Original" export (byte-for-byte copy) in MB/s
// against `cp` of the same file. Both through Engine.call, timed from export.start to the job's done.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/engine/engine.ts';
import { stationLikeWebm } from './media.ts';
import { median, round, sleep } from './stats.ts';
import type { Figure, Section } from './types.ts';

const ctx = { door: 'http' as const };

async function recordFile(engine: Engine, order: string, webm: string): Promise<{ file: string; sizeBytes: number; durationMs: number }> {
  const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/x-matroska;codecs=avc1' }, ctx);
  const data = fs.readFileSync(webm);
  let seq = 0;
  for (let off = 0; off < data.length; off += 1 << 20) await engine.call('recording.chunk', { recordingId, seq: seq++, data: data.subarray(off, off + (1 << 20)) }, ctx);
  const { clip } = await engine.call('recording.finish', { recordingId, reason: 'stop-button', chunkCount: seq }, ctx);
  if (!clip) throw new Error('no clip');
  return clip;
}

async function runExport(engine: Engine, input: Record<string, unknown>): Promise<{ ms: number; files: { name: string; bytes: number }[] }> {
  const t = performance.now();
  const started = await engine.call('export.start', input as never, ctx);
  if (started.refused.length) throw new Error(started.refused.map((r) => r.reason).join('; '));
  const jobId = started.jobs[0]!.jobId;
  for (;;) {
    const { jobs } = await engine.call('export.jobs', { batchId: started.batchId }, ctx);
    const job = jobs.find((j) => j.jobId === jobId)!;
    if (job.status === 'done') return { ms: performance.now() - t, files: job.files };
    if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`export ${job.status}: ${job.message}`);
    await sleep(20);
  }
}

export const exportBench: Section = async ({ quick, log }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-export-'));
  const engine = await Engine.open({ dataDir: dir, timestampWorker: false });
  const runs = quick ? 1 : 3;
  try {
    const seconds = 180;
    const clip = await recordFile(engine, 'EXPORT-BENCH-1', stationLikeWebm(seconds));
    const plan = await engine.call('export.plan', { order: 'EXPORT-BENCH-1', preset: 'custom', custom: { maxMB: 30, maxSeconds: 60 } } as never, ctx);
    const fitMs: number[] = [];
    let fitFiles: { name: string; bytes: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runExport(engine, { orders: ['EXPORT-BENCH-1'], preset: 'custom', custom: { maxMB: 30, maxSeconds: 60 }, zip: false });
      fitMs.push(r.ms);
      fitFiles = r.files;
    }
    const xrt = (clip.durationMs / median(fitMs));
    log(`export fit: ${fitMs.map((x) => (x / 1000).toFixed(1)).join(', ')} s → ${xrt.toFixed(1)}x realtime`);
    const videos = fitFiles.filter((f) => /\.mp4$/i.test(f.name));
    const origMs: number[] = [];
    const cpMs: number[] = [];
    let origBytes = 0;
    for (let i = 0; i < runs; i++) {
      const r = await runExport(engine, { orders: ['EXPORT-BENCH-1'], preset: 'original', zip: false });
      origMs.push(r.ms);
      origBytes = r.files.filter((f) => /\.mp4$/i.test(f.name)).reduce((s, f) => s + f.bytes, 0) || clip.sizeBytes;
      const target = path.join(dir, `cp-${i}.mp4`);
      const t = performance.now();
      execFileSync('cp', [clip.file, target]);
      cpMs.push(performance.now() - t);
      fs.rmSync(target);
    }
    const mb = origBytes / 2 ** 20;
    const origMBs = mb / (median(origMs) / 1000);
    const cpMBs = (clip.sizeBytes / 2 ** 20) / (median(cpMs) / 1000);
    const ratio = origMBs / cpMBs;
    log(`export original: ${origMBs.toFixed(0)} MB/s vs cp ${cpMBs.toFixed(0)} MB/s`);
    const fit: Figure = {
      key: 'export-fit',
      figure: 'export: fit to 30 MB / 60 s',
      how: `"custom" preset (30 MB, 60 s), a ${seconds / 60}-minute 720p30 clip → ${videos.length} part(s) (${plan.clips[0]?.form ?? '?'}, ${plan.clips[0]?.width ?? '?'}x${plan.clips[0]?.height ?? '?'}), evidence sheet and package, no ZIP; export.start → job done, median of ${runs}`,
      target: '5x realtime or more',
      value: `${round(xrt, 1)}x realtime (${round(median(fitMs) / 1000, 1)} s)`,
      met: xrt >= 5,
      details: [`runs (s): ${fitMs.map((x) => (x / 1000).toFixed(1)).join(', ')}; parts: ${videos.map((v) => `${v.name} ${(v.bytes / 2 ** 20).toFixed(1)} MB`).join(', ')}`],
    };
    if (!fit.met) fit.miss = `${round(5 / xrt, 1)}x too slow`;
    const orig: Figure = {
      key: 'export-original',
      figure: 'export: "Original"',
      how: `"original" preset (byte-for-byte copy, ${mb.toFixed(0)} MB, with evidence sheet and package, no ZIP) vs \`cp\` of the same file; median of ${runs}`,
      target: '0.8 of cp or more',
      value: `${round(ratio)} (${origMBs.toFixed(0)} vs ${cpMBs.toFixed(0)} MB/s)`,
      met: ratio >= 0.8,
      details: [`export runs (ms): ${origMs.map((x) => x.toFixed(0)).join(', ')}; cp runs (ms): ${cpMs.map((x) => x.toFixed(0)).join(', ')}`],
    };
    if (!orig.met) orig.miss = `${round(ratio * 100, 0)}% of cp`;
    return [fit, orig];
  } finally {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

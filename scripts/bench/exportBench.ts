// Export (issue 4), through the export module's own bench functions (electron/engine/export/bench.ts):
// fitting a 3-minute clip to 30 MB / 60 s in x realtime (plan, cut or encode, sheets, package,
// ZIP), also with a tighter limit that forces a re-encode; and "Original" in MB/s against a plain
// copy of the same file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../electron/engine/engine.ts';
import { benchFitExport, benchOriginalExport, type FitFigure } from '../../electron/engine/export/bench.ts';
import { stationLikeWebm } from './media.ts';
import { median, round } from './stats.ts';
import type { Figure, Section } from './types.ts';

const ctx = { door: 'http' as const };
const ORDER = 'SF9500000000001';

async function recordFile(engine: Engine, order: string, webm: string): Promise<void> {
  const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/x-matroska;codecs=avc1' }, ctx);
  const data = fs.readFileSync(webm);
  let seq = 0;
  for (let off = 0; off < data.length; off += 1 << 20) await engine.call('recording.chunk', { recordingId, seq: seq++, data: data.subarray(off, off + (1 << 20)) }, ctx);
  const { clip } = await engine.call('recording.finish', { recordingId, reason: 'stop-button', chunkCount: seq }, ctx);
  if (!clip) throw new Error('no clip');
}

function medianFit(runs: FitFigure[]): FitFigure {
  const m = median(runs.map((r) => r.wallMs));
  return runs.reduce((best, r) => (Math.abs(r.wallMs - m) < Math.abs(best.wallMs - m) ? r : best));
}

export const exportBench: Section = async ({ quick, log }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-export-'));
  const engine = await Engine.open({ dataDir: dir, timestampWorker: false });
  const runs = quick ? 1 : 3;
  try {
    await recordFile(engine, ORDER, stationLikeWebm(180));
    const fitRuns: FitFigure[] = [];
    const tightRuns: FitFigure[] = [];
    for (let i = 0; i < runs; i++) {
      fitRuns.push(await benchFitExport(engine, ORDER, 'custom', 'parts', { maxMB: 30, maxSeconds: 60 }));
      tightRuns.push(await benchFitExport(engine, ORDER, 'custom', 'parts', { maxMB: 8, maxSeconds: 60 }));
    }
    const fit = medianFit(fitRuns);
    const tight = medianFit(tightRuns);
    log(`export fit 30 MB/60 s: ${fitRuns.map((r) => r.realtimeX).join(', ')}x (re-encoded: ${fit.reencoded}); 8 MB/60 s: ${tightRuns.map((r) => r.realtimeX).join(', ')}x (re-encoded: ${tight.reencoded})`);
    const origRuns = [];
    for (let i = 0; i < runs; i++) origRuns.push(await benchOriginalExport(engine, ORDER));
    const exportMBps = median(origRuns.map((r) => r.exportMBps));
    const copyMBps = median(origRuns.map((r) => r.copyMBps));
    const ratio = exportMBps / copyMBps;
    log(`export original: ${exportMBps} MB/s vs copy ${copyMBps} MB/s`);
    const describe = (f: FitFigure): string => `${f.parts} part(s), largest ${(f.largestPartBytes / 2 ** 20).toFixed(1)} MB, ${f.reencoded ? 're-encoded' : 'cut from the original without re-encoding'}`;
    const fitFig: Figure = {
      key: 'export-fit',
      figure: 'export: fit to 30 MB / 60 s',
      how: `a 3-minute 720p30 clip (2.5 Mbit/s) with the "custom" preset at 30 MB / 60 s, parts: plan, ${describe(fit)}, evidence sheets, package and ZIP (export/bench.ts benchFitExport), median of ${runs}`,
      target: '5x realtime or more',
      value: `${fit.realtimeX}x realtime (${round(fit.wallMs / 1000, 1)} s)`,
      met: fit.realtimeX >= 5,
      details: [
        `runs (x realtime): ${fitRuns.map((r) => r.realtimeX).join(', ')}`,
        `with a limit that forces a re-encode (8 MB / 60 s, ${describe(tight)}): ${tight.realtimeX}x realtime (${round(tight.wallMs / 1000, 1)} s; runs ${tightRuns.map((r) => r.realtimeX).join(', ')}) — ${tight.realtimeX >= 5 ? 'also meets' : 'misses'} 5x`,
      ],
    };
    if (!fitFig.met) fitFig.miss = `${round(5 / fit.realtimeX, 1)}x too slow`;
    const orig: Figure = {
      key: 'export-original',
      figure: 'export: "Original"',
      how: `"original" preset (copy, SHA-256 check of the copy, evidence sheet, package; no ZIP) of the ${(origRuns[0]!.bytes / 2 ** 20).toFixed(0)} MB clip vs a plain copy of the same file (export/bench.ts benchOriginalExport), median of ${runs}`,
      target: '0.8 of cp or more',
      value: `${round(ratio)} (${exportMBps} vs ${copyMBps} MB/s)`,
      met: ratio >= 0.8,
      details: [`export runs (ms): ${origRuns.map((r) => r.exportMs).join(', ')}; plain copy runs (ms): ${origRuns.map((r) => r.copyMs).join(', ')}`],
    };
    if (!orig.met) orig.miss = `${round(ratio * 100, 0)}% of a plain copy`;
    return [fitFig, orig];
  } finally {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

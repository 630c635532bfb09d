// Figures for `npm run bench` (the bench script calls these; they assert nothing).
// - fit: a clip exported for a size/length-limited channel (default Shopee, 30 MB / 60 s), timed
//   end to end (plan, encode, sheets, package, ZIP); realtimeX = seconds of clip per second of work.
// - original: the "Original" preset (a byte copy plus hash check and package), compared with a
//   plain file copy of the same clip on the same disk.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../engine.ts';
import { runExport } from './run.ts';
import type { FitMode } from './plan.ts';
import type { CustomLimits } from './presets.ts';

export interface FitFigure {
  preset: string;
  fit: FitMode;
  clipSeconds: number;
  wallMs: number;
  encodeMs: number;
  realtimeX: number;
  parts: number;
  largestPartBytes: number;
  /** false when the parts were cut from the original without re-encoding. */
  reencoded: boolean;
}

export async function benchFitExport(engine: Engine, order: string, preset = 'shopee', fit: FitMode = 'parts', custom?: CustomLimits): Promise<FitFigure> {
  const row = engine.clips.byOrder(order)[0];
  if (!row) throw new Error(`no clip of ${order}`);
  const out = await fsp.mkdtemp(path.join(os.tmpdir(), 'pw-bench-export-'));
  try {
    const t0 = performance.now();
    let encodeEnd = 0;
    let encodedStage = false;
    const result = await runExport(engine, { order, preset, fit, custom, zip: true }, out, {
      onProgress: (_f, stage) => {
        if (stage.startsWith('encoding') || stage.startsWith('cutting')) encodeEnd = performance.now();
        if (stage.startsWith('encoding')) encodedStage = true;
      },
    });
    const wallMs = performance.now() - t0;
    const videos = result.files.filter((f) => f.kind === 'video');
    const clipSeconds = (row.duration_ms ?? 0) / 1000;
    return {
      preset,
      fit,
      clipSeconds,
      wallMs: Math.round(wallMs),
      encodeMs: Math.round(encodeEnd - t0),
      realtimeX: Math.round((clipSeconds / (wallMs / 1000)) * 10) / 10,
      parts: videos.length,
      largestPartBytes: Math.max(...videos.map((v) => v.bytes)),
      reencoded: encodedStage,
    };
  } finally {
    await fsp.rm(out, { recursive: true, force: true });
  }
}

export interface OriginalFigure {
  bytes: number;
  exportMs: number;
  exportMBps: number;
  copyMs: number;
  copyMBps: number;
}

/** "Original" (copy + SHA-256 check + sheet + package, no ZIP) against `cp` of the same file. */
export async function benchOriginalExport(engine: Engine, order: string): Promise<OriginalFigure> {
  const row = engine.clips.byOrder(order)[0];
  const file = row ? engine.clipFile(row.id) : undefined;
  if (!row || !file) throw new Error(`no clip of ${order}`);
  const out = await fsp.mkdtemp(path.join(os.tmpdir(), 'pw-bench-original-'));
  try {
    let t = performance.now();
    await fsp.copyFile(file, path.join(out, 'plain-copy.mp4'));
    const copyMs = performance.now() - t;
    t = performance.now();
    await runExport(engine, { order, preset: 'original', zip: false }, path.join(out, 'export'));
    const exportMs = performance.now() - t;
    const bytes = row.size_bytes ?? 0;
    const mbps = (ms: number): number => Math.round((bytes / 1048576 / (ms / 1000)) * 10) / 10;
    return { bytes, exportMs: Math.round(exportMs), exportMBps: mbps(exportMs), copyMs: Math.round(copyMs), copyMBps: mbps(copyMs) };
  } finally {
    await fsp.rm(out, { recursive: true, force: true });
  }
}

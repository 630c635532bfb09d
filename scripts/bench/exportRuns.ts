// Figures for `npm run bench` (the bench script calls these; they assert nothing).
// - fit: a clip exported for a size/length-limited channel (default Shopee, 30 MB / 60 s), timed
//   end to end (plan, encode, sheets, package, ZIP); realtimeX = seconds of clip per second of work.
// - original: the "Original" preset's copy step (a kernel copy whose read-back check runs beside the
//   evidence sheet), compared with a plain file copy of the same clip on the same disk; the copy and
//   its check one after the other, and the whole export (sheet and package included), beside it.
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Engine } from '../../electron/engine/engine.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { runExport } from '../../electron/engine/export/run.ts';
import { copyVerified } from '../../test/helpers/copyVerified.ts';
import type { FitMode } from '../../electron/engine/export/plan.ts';
import type { CustomLimits } from '../../electron/engine/export/presets.ts';

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
  const row = (await engine.clips.byOrder(order))[0];
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
  /** The copy step inside a real "Original" export (its check runs on, beside the evidence sheet). */
  copyStepMs: number;
  /** The copy and its check (read back, SHA-256 against the sealed hash) one after the other. */
  copyAndCheckMs: number;
  /** A plain copy of the same file (fs.copyFile: copy_file_range, what `cp` does): mean of one just before and one just after. */
  plainCopyMs: number;
  /** SHA-256 of the clip alone (engine's sha256File): no verified copy can be faster. */
  hashMs: number;
  /** The whole export: plan, copy, evidence sheet (PNG + PDF), package; no ZIP. */
  exportMs: number;
  /** The clip was dropped from the page cache before each step (read from disk). */
  cold: boolean;
}

/**
 * Drops one file's pages from the page cache (posix_fadvise DONTNEED through GNU dd), so the next
 * read comes from the disk. Only that file; nothing else on the machine is touched.
 */
export function evictFromCache(file: string): boolean {
  return spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']).status === 0;
}

/**
 * "Original" against a plain copy of the same file on the same disk. The figure is the copy step
 * measured inside the real export (its progress stages); the whole export is timed too.
 */
export async function benchOriginalExport(engine: Engine, order: string, opts: { cold?: boolean } = {}): Promise<OriginalFigure> {
  const row = (await engine.clips.byOrder(order))[0];
  const file = row ? await engine.clipFile(row.id) : undefined;
  if (!row || !file) throw new Error(`no clip of ${order}`);
  const cold = opts.cold === true && evictFromCache(file);
  const out = await fsp.mkdtemp(path.join(os.tmpdir(), 'pw-bench-original-'));
  try {
    let t = performance.now();
    await sha256File(file);
    const hashMs = performance.now() - t;
    if (cold) evictFromCache(file);
    t = performance.now();
    await fsp.copyFile(file, path.join(out, 'plain-copy.mp4'));
    const plainCopyMs = performance.now() - t;
    await fsp.rm(path.join(out, 'plain-copy.mp4'));
    if (cold) evictFromCache(file);
    t = performance.now();
    await copyVerified(file, path.join(out, 'checked-copy.mp4'), row.sha256 ?? '');
    const copyAndCheckMs = performance.now() - t;
    await fsp.rm(path.join(out, 'checked-copy.mp4'));
    if (cold) evictFromCache(file);
    let copyStart = 0;
    let copyEnd = 0;
    t = performance.now();
    await runExport(engine, { order, preset: 'original', zip: false }, path.join(out, 'export'), {
      onProgress: (_f, stage) => {
        const now = performance.now();
        if (stage === 'copying the original') copyStart = now;
        else if (copyStart && !copyEnd) copyEnd = now;
      },
    });
    const exportMs = performance.now() - t;
    // A second plain copy after the export: each side has a copy made just after a file was removed
    // (freed pages at hand), so neither gets the easier turn.
    if (cold) evictFromCache(file);
    t = performance.now();
    await fsp.copyFile(file, path.join(out, 'plain-copy.mp4'));
    const plainCopyMs2 = performance.now() - t;
    if (!copyStart || !copyEnd) throw new Error('the export reported no copy step');
    const r = (ms: number): number => Math.round(ms * 10) / 10;
    return {
      bytes: row.size_bytes ?? 0,
      copyStepMs: r(copyEnd - copyStart),
      copyAndCheckMs: r(copyAndCheckMs),
      plainCopyMs: r((plainCopyMs + plainCopyMs2) / 2),
      hashMs: r(hashMs),
      exportMs: Math.round(exportMs),
      cold,
    };
  } finally {
    await fsp.rm(out, { recursive: true, force: true });
  }
}

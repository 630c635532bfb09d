// One export of one order: plan, encode or copy, stills, sheets, package, ZIP, chain of custody.
// Called by jobs.ts (both doors) and directly by the CLI. Never touches the original clip files.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PwError } from '../../../shared/contract.ts';
import { parseOrderCode } from '../../../shared/orderCode.ts';
import type { ClipRow } from '../clipsRepo.ts';
import type { Engine } from '../engine.ts';
import { encodeExport, ExportCancelled, extractStill, probeFrames, probeStreams, type FrameList } from '../ffmpeg.ts';
import { sha256File } from '../hash.ts';
import { readEvidence, type EvidenceInfo } from './evidenceInfo.ts';
import { captionFont } from './fonts.ts';
import { MANIFEST_NAME, writePackageFiles, zipFolder, type ExportManifest, type PackagedClip, type PackagedExport } from './package.ts';
import { autoStillTimes, planExport, PlanError, type ExportPlan, type FitMode, type RangeMs, type SourceInfo } from './plan.ts';
import { findPreset, withCustomLimits, type ChannelPreset, type CustomLimits, type ExportForm } from './presets.ts';
import { clock, writeSheet } from './sheet.ts';
import { copyOriginal } from './verifiedCopy.ts';

export interface ExportRequest {
  order: string;
  clipIds?: string[] | null;
  preset: string;
  form?: ExportForm | null;
  fit?: FitMode;
  range?: RangeMs | null;
  custom?: CustomLimits | null;
  stillsAtMs?: number[] | null;
  zip?: boolean;
  /** Who asked, for the chain of custody. */
  actor?: string;
}

export interface WrittenFile {
  name: string;
  path: string;
  bytes: number;
  kind: 'video' | 'still' | 'sheet-png' | 'sheet-pdf' | 'zip' | 'evidence' | 'verify' | 'manifest' | 'readme';
}

export interface ExportResult {
  order: string;
  outDir: string;
  files: WrittenFile[];
  zip: string | null;
  edits: string[];
  warnings: string[];
}

export interface RunHooks {
  signal?: AbortSignal;
  /** fraction 0..1 of the whole export, and what it is doing. */
  onProgress?: (fraction: number, stage: string) => void;
  /** ffmpeg threads; 2 by default (the recorder keeps priority through niceness). */
  threads?: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function safeName(order: string): string {
  return order.replace(/[^\p{L}\p{M}\p{Nd}_-]/gu, '_').slice(0, 80) || 'order';
}

/** <ORDER>_<YYYY-MM-DD>_<HHMMSS>, local time of the clip's start, as the clips themselves are named. */
export function exportBase(order: string, startedAt: number): string {
  const d = new Date(startedAt);
  return `${safeName(order)}_${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** File name of one exported video: part and any edit are visible in the name itself. */
export function videoName(base: string, part: number, parts: number, edits: string[]): string {
  const p = parts > 1 ? `_part${part}of${parts}` : '';
  const e = edits.length ? `_EDITED-${edits.map((x) => x.replace(/[^A-Za-z0-9.]+/g, '')).join('-')}` : '';
  return `${base}${p}${e}.mp4`;
}

export function resolveOrder(raw: string): string {
  const parsed = parseOrderCode(raw);
  if (!parsed.ok) throw new PwError('bad-input', parsed.reason);
  return parsed.code;
}

export function resolvePreset(id: string, custom: CustomLimits | null | undefined): ChannelPreset {
  const preset = findPreset(id);
  if (!preset) throw new PwError('bad-input', `Unknown preset "${id.slice(0, 60)}". Run \`packwitness export --presets\` for the list.`);
  return withCustomLimits(preset, custom ?? undefined);
}

export function clipsToExport(engine: Engine, order: string, clipIds?: string[] | null): ClipRow[] {
  const rows = engine.clips.byOrder(order).filter((r) => r.file && (!clipIds?.length || clipIds.includes(r.id)));
  if (rows.length === 0) {
    throw new PwError('not-found', clipIds?.length ? `None of the chosen clips belongs to order ${order}.` : `No clip of order ${order} was found on this station.`);
  }
  return rows;
}

function sourceOf(row: ClipRow, frames: FrameList): SourceInfo {
  return {
    durationMs: frames.durationMs || row.duration_ms || 0,
    sizeBytes: row.size_bytes ?? 0,
    width: frames.width,
    height: frames.height,
    fps: frames.fps,
    hasAudio: frames.hasAudio,
    framePtsMs: frames.ptsMs,
    keyframes: frames.keyframes,
    frameBytes: frames.sizes,
  };
}

export interface PlannedClip {
  row: ClipRow;
  file: string;
  frames: FrameList;
  plan: ExportPlan;
}

export async function planOrder(engine: Engine, req: ExportRequest): Promise<{ order: string; preset: ChannelPreset; clips: PlannedClip[] }> {
  const order = resolveOrder(req.order);
  const preset = resolvePreset(req.preset, req.custom);
  const rows = clipsToExport(engine, order, req.clipIds);
  if (req.range && rows.length > 1) throw new PwError('bad-input', `Order ${order} has ${rows.length} clips; choose one clip to trim.`);
  const clips: PlannedClip[] = [];
  for (const row of rows) {
    const file = engine.clipFile(row.id);
    if (!file) throw new PwError('not-found', `The file of clip ${row.id} is missing.`);
    // A preset that never re-encodes exports the file whole: its frame list is not needed.
    const frames = await (preset.reencode ? probeFrames(file) : probeStreams(file)).catch((err: Error) => {
      throw new PwError('refused', `The clip ${row.id} of ${order} cannot be read: ${err.message}`);
    });
    try {
      const plan = planExport(preset, sourceOf(row, frames), { form: req.form ?? undefined, fit: req.fit, range: req.range, stillsAtMs: req.stillsAtMs });
      clips.push({ row, file, frames, plan });
    } catch (err) {
      if (err instanceof PlanError) throw new PwError('refused', err.message);
      throw err;
    }
  }
  return { order, preset, clips };
}

async function fileSize(f: string): Promise<number> {
  return (await fsp.stat(f)).size;
}

/** Work units for the progress bar: seconds of video encoded weigh most. */
function workOf(p: PlannedClip): number {
  const plan = p.plan;
  if (plan.form === 'encode') return plan.parts.reduce((s, x) => s + x.outDurationMs / 1000, 0) + plan.parts.length * 4;
  if (plan.form === 'copy') return (p.row.size_bytes ?? 0) / 100e6 + 4;
  return plan.atMs.length * 0.5 + 4;
}

export async function runExport(engine: Engine, req: ExportRequest, outDir: string, hooks: RunHooks = {}): Promise<ExportResult> {
  const { signal } = hooks;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new ExportCancelled();
  };
  const planned = await planOrder(engine, req);
  const { order, preset } = planned;
  const totalWork = planned.clips.reduce((s, c) => s + workOf(c), 0) + 2;
  let doneWork = 0;
  const progress = (extra: number, stage: string): void => hooks.onProgress?.(Math.min(0.999, (doneWork + extra) / totalWork), stage);
  const threads = hooks.threads ?? 2;

  await fsp.mkdir(outDir, { recursive: true });
  const work = path.join(outDir, '.work');
  await fsp.mkdir(work, { recursive: true });
  const files: WrittenFile[] = [];
  // Hashes already computed (videos, stills): big files are read once, not again for the manifest.
  const known = new Map<string, string>();
  const copyChecks: Promise<string>[] = [];
  const add = async (name: string, kind: WrittenFile['kind']): Promise<void> => {
    const p = path.join(outDir, name);
    files.push({ name, path: p, bytes: await fileSize(p), kind });
  };
  const packaged: PackagedClip[] = [];
  const allEdits = new Set<string>();
  const warnings: string[] = [];
  let stationKey: string | null = null;
  let stationKeyFingerprint: string | null = null;

  try {
    for (const c of planned.clips) {
      checkCancel();
      const { row, plan } = c;
      const base = exportBase(order, row.started_at);
      const evidence = await readEvidence(c.file, engine.paths.dataDir);
      plan.edits.forEach((e) => allEdits.add(e));
      warnings.push(...plan.warnings);
      const pc: PackagedClip = {
        clipId: row.id,
        station: row.station,
        operator: row.operator,
        startedAt: new Date(row.started_at).toISOString(),
        endedAt: new Date(row.ended_at ?? row.started_at).toISOString(),
        durationMs: row.duration_ms ?? 0,
        originalFile: path.basename(c.file),
        originalSha256: row.sha256 ?? '',
        manifest: null,
        signature: null,
        timestamp: null,
        seq: evidence.seq,
        exports: [],
        stills: [],
        sheets: [],
      };
      // The original's evidence travels with the export, under its own names.
      for (const [src, key] of [[evidence.manifestFile, 'manifest'], [evidence.signatureFile, 'signature'], [evidence.timestampFile, 'timestamp'], [evidence.continuityFile, 'continuity'], [evidence.continuitySignatureFile, 'continuitySignature']] as const) {
        if (!src) continue;
        const name = path.basename(src);
        await fsp.copyFile(src, path.join(outDir, name));
        await add(name, 'evidence');
        pc[key] = name;
      }
      if (evidence.publicKeyFile && !stationKey) {
        stationKey = 'station.pem';
        stationKeyFingerprint = evidence.keyFingerprint;
        await fsp.copyFile(evidence.publicKeyFile, path.join(outDir, stationKey));
        await add(stationKey, 'evidence');
      }

      const clipWork = workOf(c);
      if (plan.form === 'copy') {
        progress(0, 'copying the original');
        const name = videoName(base, 1, 1, []);
        const dest = path.join(outDir, name);
        if (!row.sha256) throw new PwError('refused', `The clip ${row.id} has no sealed SHA-256, so it cannot be exported as the signed original.`);
        // The copy's read-back check runs beside the evidence sheet; awaited before the package.
        const { bytes, checked } = await copyOriginal(c.file, dest, row.sha256, signal);
        copyChecks.push(checked);
        const sha = row.sha256;
        known.set(name, sha);
        files.push({ name, path: dest, bytes, kind: 'video' });
        pc.exports.push({ file: name, sha256: sha, bytes, part: 1, parts: 1, startMs: 0, endMs: row.duration_ms ?? 0, durationMs: row.duration_ms ?? 0, speed: 1, copyOfOriginal: true, reencoded: false });
        doneWork += clipWork - 3;
      } else if (plan.form === 'encode') {
        const stage = plan.streamCopy ? `cutting ${plan.parts.length} parts` : plan.parts.length > 1 ? `encoding ${plan.parts.length} parts` : 'encoding';
        const encoded = await encodeWithinLimit(c, plan, work, threads, signal, (f) => progress(f * (clipWork - 4), stage));
        for (const [k, part] of plan.parts.entries()) {
          const name = videoName(base, part.index, part.count, plan.edits);
          await fsp.rename(encoded.files[k]!, path.join(outDir, name));
          await add(name, 'video');
          const sha = await sha256File(path.join(outDir, name));
          known.set(name, sha);
          pc.exports.push({
            file: name,
            sha256: sha,
            bytes: await fileSize(path.join(outDir, name)),
            part: part.index,
            parts: part.count,
            startMs: part.startMs,
            endMs: part.endMs,
            durationMs: part.outDurationMs,
            speed: plan.speed,
            copyOfOriginal: false,
            reencoded: encoded.reencoded,
          });
        }
        doneWork += clipWork - 4;
      } else {
        const font = captionFont();
        for (const [i, at] of plan.atMs.entries()) {
          checkCancel();
          progress(i * 0.5, `still ${i + 1} of ${plan.atMs.length}`);
          const name = `${base}_still${pad(i + 1)}_${clock(at).replace(':', 'm')}s.jpg`;
          const caption = path.join(work, `caption${i}.txt`);
          const wall = new Date(row.started_at + at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
          await fsp.writeFile(caption, `${order}   ${wall}   ${clock(at)} into the clip   still ${i + 1} of ${plan.atMs.length}`, 'utf8');
          await stillWithinLimit(c.file, c.frames.height, at, path.join(outDir, name), caption, font, plan.maxImageBytes, row, signal);
          await add(name, 'still');
          pc.stills.push({ file: name, sha256: await sha256File(path.join(outDir, name)), atMs: at });
        }
        doneWork += plan.atMs.length * 0.5;
      }

      // One sheet per exported part (or per clip for stills): Part N of M is on its own page.
      const sheetFor = async (x: PackagedExport | null): Promise<void> => {
        checkCancel();
        progress(0, 'evidence sheet');
        const range = x && !x.copyOfOriginal ? { startMs: x.startMs, endMs: x.endMs } : { startMs: 0, endMs: row.duration_ms ?? c.frames.durationMs };
        const times = plan.form === 'stills' && plan.atMs.length >= 6 && plan.atMs.length <= 12 ? plan.atMs : autoStillTimes(range.startMs, range.endMs, 9);
        const sheetBase = `${x ? x.file.replace(/\.mp4$/, '') : base}_sheet`;
        const sheet = await writeSheet(
          {
            order,
            station: row.station,
            operator: row.operator,
            startedAt: pc.startedAt,
            endedAt: pc.endedAt,
            durationMs: pc.durationMs,
            clipId: row.id,
            clipFile: c.file,
            originalSha256: pc.originalSha256,
            exportFile: x?.file ?? null,
            exportSha256: x?.sha256 ?? null,
            presetName: preset.name,
            part: x && x.parts > 1 ? { index: x.part, count: x.parts, startMs: x.startMs, endMs: x.endMs } : null,
            edits: plan.edits,
            evidence: evidence as EvidenceInfo,
            frameTimesMs: times,
          },
          outDir,
          sheetBase,
          work,
          plan.form === 'stills' ? plan.maxPdfBytes : preset.pdf?.maxBytes ?? null,
          { signal },
        );
        await add(path.basename(sheet.png), 'sheet-png');
        await add(path.basename(sheet.pdf), 'sheet-pdf');
        pc.sheets.push({ png: path.basename(sheet.png), pdf: path.basename(sheet.pdf) });
        doneWork += 4 / Math.max(1, pc.exports.length || 1);
      };
      if (pc.exports.length) for (const x of pc.exports) await sheetFor(x);
      else await sheetFor(null);
      packaged.push(pc);
    }

    checkCancel();
    // Every "Original" copy read back and equal to its sealed hash before anything is packaged.
    await Promise.all(copyChecks);
    progress(0, 'package');
    const manifest: ExportManifest = {
      format: 'packwitness-export/1',
      createdAt: new Date().toISOString(),
      order,
      preset: { id: preset.id, name: preset.name },
      form: planned.clips[0]!.plan.form,
      edits: [...allEdits],
      stationKey,
      stationKeyFingerprint,
      clips: packaged,
      files: {},
    };
    for (const f of files) manifest.files[f.name] = known.get(f.name) ?? (await sha256File(f.path));
    await writePackageFiles(outDir, manifest);
    await add(MANIFEST_NAME, 'manifest');
    await add('verify.html', 'verify');
    await add('README.txt', 'readme');

    let zip: string | null = null;
    if (req.zip !== false) {
      progress(1, 'ZIP');
      const zipName = `${exportBase(order, planned.clips[0]!.row.started_at)}_evidence.zip`;
      zip = path.join(outDir, zipName);
      await zipFolder(outDir, files.map((f) => f.name), zip, signal);
      await add(zipName, 'zip');
    }

    await engine.custody.exported(
      planned.clips.map((c) => c.row),
      {
        order,
        preset: preset.id,
        form: manifest.form,
        edits: manifest.edits,
        files: Object.fromEntries(Object.entries(manifest.files).filter(([n]) => /\.(mp4|jpg|pdf)$/.test(n))),
        outDir,
      },
      { who: req.actor ?? 'customer-service', why: `appeal export (${preset.name})` },
    );
    return { order, outDir, files, zip, edits: manifest.edits, warnings: [...new Set(warnings)] };
  } finally {
    // Nothing still reading an export folder that the caller may be about to remove.
    await Promise.allSettled(copyChecks);
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/**
 * Encodes the plan's parts; if any part still comes out over the channel's limit (unusual content
 * beating the VBV estimate), encodes again at a bitrate lowered by the overshoot.
 */
async function encodeWithinLimit(c: PlannedClip, plan: Extract<ExportPlan, { form: 'encode' }>, work: string, threads: number, signal: AbortSignal | undefined, onFraction: (f: number) => void): Promise<{ files: string[]; reencoded: boolean }> {
  const first = plan.parts[0]!;
  const last = plan.parts[plan.parts.length - 1]!;
  const totalOutMs = plan.parts.reduce((s, p) => s + p.outDurationMs, 0);
  let scale = 1;
  let streamCopy = plan.streamCopy;
  for (let attempt = 1; attempt <= 4; attempt++) {
    const multi = plan.parts.length > 1;
    const output = path.join(work, multi ? `part%d.mp4` : 'single.mp4');
    await encodeExport(
      {
        input: c.file,
        firstFrame: first.firstFrame,
        endFrame: last.endFrame,
        startMs: first.startMs,
        endMs: last.endMs,
        splitAt: plan.parts.slice(1).map((p) => p.firstFrame - first.firstFrame),
        output,
        speed: plan.speed,
        videoBps: Math.round(plan.videoBps * scale),
        maxrateBps: Math.round(plan.maxrateBps * scale),
        bufsizeBits: Math.round(plan.bufsizeBits * scale),
        audioBps: plan.audioBps,
        width: plan.width,
        height: plan.height,
        sourceWidth: c.frames.width,
        sourceHeight: c.frames.height,
        fps: plan.fps,
        threads,
        streamCopy,
      },
      { signal, onSample: (s) => s.outTimeMs !== null && onFraction(Math.min(1, s.outTimeMs / Math.max(1, totalOutMs))) },
    );
    const outs = multi ? plan.parts.map((p) => path.join(work, `part${p.index}.mp4`)) : [output];
    const sizes = await Promise.all(outs.map(fileSize));
    if (plan.maxBytes === null || Math.max(...sizes) <= plan.maxBytes) return { files: outs, reencoded: !streamCopy };
    if (streamCopy) streamCopy = false; // the estimate missed: re-encode at the planned bitrate
    else scale *= (plan.maxBytes * 0.95) / Math.max(...sizes);
  }
  throw new PwError('refused', `The export of ${c.row.order_code} could not be made to fit ${((plan.maxBytes ?? 0) / 1048576).toFixed(1)} MB.`);
}

/** A still within the channel's per-image limit: lower JPEG quality first, then a smaller picture. */
async function stillWithinLimit(input: string, sourceHeight: number, atMs: number, output: string, caption: string, font: string | null, maxBytes: number, row: ClipRow, signal?: AbortSignal): Promise<void> {
  let height: number | null = null;
  for (const h of [null, 720, 540, 360].filter((x) => x === null || x < sourceHeight)) {
    height = h;
    for (const q of [2, 4, 7, 11, 16]) {
      await extractStill({ input, atMs, output, captionFile: caption, fontFile: font, quality: q, height, sourceHeight }, { signal });
      if ((await fileSize(output)) <= maxBytes) return;
    }
  }
  throw new PwError('refused', `A still of ${row.order_code} cannot be made smaller than ${maxBytes} bytes.`);
}

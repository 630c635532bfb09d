// One export of one order: plan, encode or copy, stills, sheets, package, ZIP, chain of custody.
// Called by jobs.ts (both doors) and directly by the CLI. Never touches the original clip files.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PwError } from '../../../shared/contract.ts';
import { parseOrderCode } from '../../../shared/orderCode.ts';
import type { ClipRow } from '../index/types.ts';
import type { EngineServices } from '../services.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

/** What an export reads: the clips of an order, their files, the settings and the custody that signs. */
export type ExportServices = Pick<EngineServices, 'clips' | 'clipFile' | 'paths' | 'settings' | 'custody' | 'store'> & {
  /** Who signs the export manifest when it is not this station (the hub signs with its own key: electron/hub/console/export.ts). */
  exportSigner?: { sign: (bytes: Buffer) => Buffer };
  /**
   * Files the signer adds to the package before the manifest is made (the hub's key, receipt and
   * read-me), so that the signed manifest lists each of them with its hash like any other file.
   */
  packageExtras?: (outDir: string, exportWords: string) => Promise<{ name: string; role: 'key' | 'package'; text: string }[]>;
};
import { encodeExport, ExportCancelled, extractStill, probeFrames, probeStreams, type FrameList } from '../ffmpeg.ts';
import { sha256File } from '../hash.ts';
import { sha256Hex } from '../evidence/chain.ts';
import { signBytes } from '../evidence/keys.ts';
import { StationCustody } from '../evidence/stationCustody.ts';
import { requestTimestamp } from '../evidence/tsa.ts';
import { readEvidence, type EvidenceInfo } from './evidenceInfo.ts';
import { captionFont } from './fonts.ts';
import {
  EXPORT_FORMAT,
  MANIFEST_NAME,
  MANIFEST_SIG_NAME,
  MANIFEST_TSR_NAME,
  manifestBytes,
  README_NAME,
  VERIFY_NAME,
  writePackageHelpers,
  zipFolder,
  type ClipMode,
  type Derivation,
  type ExportManifest,
  type ExportMode,
  type PackageFile,
  type PackagedClip,
  type PackagedExport,
} from './package.ts';
import { autoStillTimes, planExport, PlanError, type ExportPlan, type FitMode, type RangeMs, type SourceInfo } from './plan.ts';
import { findPreset, withCustomLimits, type ChannelPreset, type CustomLimits, type ExportForm } from './presets.ts';
import { clock, writeSheet } from './sheet.ts';
import { stillCaption, stillCaptionSize } from './caption.ts';
import { copyOriginal } from './verifiedCopy.ts';
import { labelCrop, labelSheetText, labelStillOf, sealedLabels } from '../labels.ts';

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
  /** Which clips of the order (ignored when clipIds names them): shipping by default. */
  mode?: ExportMode | null;
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

/** The clip's mode as it appears in file names and on the sheet. */
export const modeTag = (mode: ClipMode): string => (mode === 'returns' ? 'RETURN' : 'shipping');

/** <ORDER>_<shipping|RETURN>_<YYYY-MM-DD>_<HHMMSS>, local time of the clip's start, as the clips themselves are named. */
export function exportBase(order: string, startedAt: number, mode: ClipMode = 'shipping'): string {
  const d = new Date(startedAt);
  return `${safeName(order)}_${modeTag(mode)}_${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
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

export const clipMode = (row: Pick<ClipRow, 'mode'>): ClipMode => (row.mode === 'returns' ? 'returns' : 'shipping');

/**
 * The clips of an order to export: the ones named by clipIds, else those of the asked mode (the
 * packing clips by default: a return's unboxing clip is other evidence and goes only when asked).
 */
export async function clipsToExport(engine: ExportServices, order: string, clipIds?: string[] | null, mode: ExportMode | null = null): Promise<ClipRow[]> {
  const all = (await engine.clips.byOrder(order)).filter((r) => r.file);
  const want = mode ?? 'shipping';
  const rows = clipIds?.length ? all.filter((r) => clipIds.includes(r.id)) : all.filter((r) => want === 'all' || clipMode(r) === want);
  if (rows.length === 0) {
    if (clipIds?.length) throw new PwError('not-found', `None of the chosen clips belongs to order ${order}.`);
    if (all.length === 0) throw new PwError('not-found', `No clip of order ${order} was found on this station.`);
    const other = all.filter((r) => clipMode(r) !== want).length;
    throw new PwError(
      'not-found',
      `Order ${order} has no ${want === 'returns' ? 'returns (unboxing)' : 'shipping (packing)'} clip on this station, only ${other} ${want === 'returns' ? 'shipping' : 'returns'} clip(s); choose mode "${want === 'returns' ? 'shipping' : 'returns'}" or "all".`,
    );
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
  /** The clip's key in the store (its sidecars are read through it). */
  key: string;
  /** Where ffmpeg reads it (the store's local file). */
  file: string;
  frames: FrameList;
  plan: ExportPlan;
}

export async function planOrder(engine: ExportServices, req: ExportRequest): Promise<{ order: string; preset: ChannelPreset; clips: PlannedClip[] }> {
  const order = resolveOrder(req.order);
  const preset = resolvePreset(req.preset, req.custom);
  const rows = await clipsToExport(engine, order, req.clipIds, req.mode ?? null);
  if (req.range && rows.length > 1) throw new PwError('bad-input', `Order ${order} has ${rows.length} clips; choose one clip to trim.`);
  const clips: PlannedClip[] = [];
  for (const row of rows) {
    const file = await engine.clipFile(row.id);
    if (!file || !row.file) throw new PwError('not-found', `The file of clip ${row.id} is missing.`);
    // A preset that never re-encodes exports the file whole: its frame list is not needed.
    const frames = await (preset.reencode ? probeFrames(file) : probeStreams(file)).catch((err: Error) => {
      throw new PwError('refused', `The clip ${row.id} of ${order} cannot be read: ${err.message}`);
    });
    try {
      // The label still comes from the signed manifest's reads, so it shows what the seal vouches for.
      const labelStill = labelStillOf(sealedLabels(file), row.order_code);
      const form = req.form ?? (preset.video ? preset.defaultForm : 'stills');
      const stillSampleBytes = form === 'stills' && preset.image ? await stillSample(file, frames) : null;
      const plan = planExport(preset, sourceOf(row, frames), {
        form: req.form ?? undefined,
        fit: req.fit,
        range: req.range,
        stillsAtMs: req.stillsAtMs,
        labelStill,
        stillSampleBytes,
      });
      clips.push({ row, key: row.file, file, frames, plan });
    } catch (err) {
      if (err instanceof PlanError) throw new PwError('refused', err.message);
      throw err;
    }
  }
  return { order, preset, clips };
}

/**
 * Bytes of the clip's middle frame as a best-quality JPEG: what the stills and the sheet's key
 * frames will weigh depends on the picture, so the size estimate measures it. null if it cannot.
 */
async function stillSample(file: string, frames: FrameList): Promise<number | null> {
  const out = path.join(os.tmpdir(), `pw-still-sample-${process.pid}-${Math.random().toString(36).slice(2)}.jpg`);
  try {
    await extractStill({
      input: file,
      atMs: Math.max(0, frames.durationMs / 2),
      output: out,
      captionFile: null,
      fontFile: null,
      quality: 2,
      height: null,
      sourceHeight: frames.height,
    });
    return await fileSize(out);
  } catch {
    return null;
  } finally {
    await fsp.rm(out, { force: true });
  }
}

async function fileSize(f: string): Promise<number> {
  return (await fsp.stat(f)).size;
}

/** Work units for the progress bar: seconds of video encoded weigh most. */
function workOf(p: PlannedClip): number {
  const plan = p.plan;
  if (plan.form === 'encode') return plan.parts.reduce((s, x) => s + x.outDurationMs / 1000, 0) + plan.parts.length * 4;
  if (plan.form === 'copy') return (p.row.size_bytes ?? 0) / 100e6 + 4;
  return (plan.atMs.length + (plan.label ? 1 : 0)) * 0.5 + 4;
}

export async function runExport(engine: ExportServices, req: ExportRequest, outDir: string, hooks: RunHooks = {}): Promise<ExportResult> {
  const { signal } = hooks;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new ExportCancelled();
  };
  const planned = await planOrder(engine, req);
  const { order, preset } = planned;
  // The station signs the package at the end; a process that cannot sign finds out before encoding.
  const signer = exportSigner(engine);
  const totalWork = planned.clips.reduce((s, c) => s + workOf(c), 0) + 2;
  let doneWork = 0;
  const progress = (extra: number, stage: string): void => hooks.onProgress?.(Math.min(0.999, (doneWork + extra) / totalWork), stage);
  const threads = hooks.threads ?? 2;
  const createdAt = new Date();
  // "the Shopee export of 2026-12-02 10:14 UTC": how every file of this package is named in words.
  const exportWords = `the ${preset.name} export of ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

  await fsp.mkdir(outDir, { recursive: true });
  const work = path.join(outDir, '.work');
  await fsp.mkdir(work, { recursive: true });
  const files: WrittenFile[] = [];
  // Hashes already computed (videos, stills): big files are read once, not again for the manifest.
  const known = new Map<string, string>();
  // What each file of the package is, for the signed manifest (its hash and size are added at the end).
  const described = new Map<string, Omit<PackageFile, 'sha256' | 'bytes'>>();
  const copyChecks: Promise<string>[] = [];
  const add = async (name: string, kind: WrittenFile['kind'], what?: Omit<PackageFile, 'sha256' | 'bytes'>): Promise<void> => {
    const p = path.join(outDir, name);
    files.push({ name, path: p, bytes: await fileSize(p), kind });
    if (what) described.set(name, what);
  };
  const packaged: PackagedClip[] = [];
  const allEdits = new Set<string>();
  const warnings: string[] = [];
  let stationKey: string | null = null;
  let stationKeyFingerprint: string | null = null;
  const custody = engine.custody instanceof StationCustody ? engine.custody : null;

  try {
    // A clip no anchor covers yet: the chain head is stamped now, so the package carries its segment.
    progress(0, 'trusted time');
    await custody?.anchorForExport(
      planned.clips.map((c) => c.row.id),
      signal,
    );
    checkCancel();
    for (const c of planned.clips) {
      checkCancel();
      const { row, plan } = c;
      const mode = clipMode(row);
      const base = exportBase(order, row.started_at, mode);
      const evidence = await readEvidence(engine.store, c.key, engine.paths.dataDir);
      plan.edits.forEach((e) => allEdits.add(e));
      warnings.push(...plan.warnings);
      const pc: PackagedClip = {
        clipId: row.id,
        order: row.order_code,
        mode,
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
      const from = { clipId: row.id, order: row.order_code, mode, sha256: pc.originalSha256, seq: evidence.seq };
      const clipWords = `clip ${row.id} of order ${row.order_code} (${mode === 'returns' ? 'returns, unboxing' : 'shipping, packing'}; sealed SHA-256 ${pc.originalSha256})`;
      const spanWords = (a: number, b: number): string => `covering ${clock(a)}–${clock(b)} of it`;
      // The original's evidence travels with the export, under its own names.
      for (const [key, words] of [
        ['manifest', 'the signed manifest'],
        ['signature', "the manifest's signature"],
        ['timestamp', 'the trusted timestamp token'],
        ['continuity', "the station's signed record of the clip's frame counters"],
        ['continuitySignature', "that record's signature"],
      ] as const) {
        const sidecar = evidence.sidecars[key];
        if (!sidecar) continue;
        const name = sidecar.name;
        await fsp.writeFile(path.join(outDir, name), sidecar.bytes);
        await add(name, 'evidence', {
          role: 'evidence',
          from,
          how: null,
          span: null,
          part: null,
          text: `${words} of ${clipWords}, as put into ${exportWords}`,
        });
        pc[key] = name;
      }
      // The chain from the clip's entry up to the anchor a TSA stamped: the record existed by then.
      const seg = pc.manifest ? await custody?.segmentOf(row.id) : null;
      if (seg && pc.manifest) {
        const stem = pc.manifest.replace(/\.manifest\.json$/, '');
        const segName = `${stem}.chain.json`;
        const tokenName = `${stem}.anchor.tsr`;
        await fsp.writeFile(path.join(outDir, segName), `${JSON.stringify(seg.segment, null, 1)}\n`);
        await fsp.writeFile(path.join(outDir, tokenName), seg.token);
        const a = seg.segment.anchor;
        await add(segName, 'evidence', {
          role: 'evidence',
          from,
          how: null,
          span: null,
          part: null,
          text: `the station's chain from entry ${seg.segment.entries[0]!.seq} (${clipWords}) up to anchor entry ${a.seq} (${a.tsa}, ${a.tsaTime}), as put into ${exportWords}`,
        });
        await add(tokenName, 'evidence', {
          role: 'evidence',
          from,
          how: null,
          span: null,
          part: null,
          text: `${a.tsa}'s RFC 3161 token over chain entry ${a.head} (anchor entry ${a.seq}), as put into ${exportWords}`,
        });
        pc.chainSegment = segName;
        pc.anchorToken = tokenName;
      } else if (pc.manifest && custody) {
        pc.chainSegment = null;
        pc.anchorToken = null;
        // With no TSA configured that is the station's choice, said in the package, not a warning per export.
        if (engine.settings.get().tsaUrls.length)
          warnings.push(`No chain anchor covers clip ${row.id} yet (no timestamp authority answered): the package says so; a later export will carry one.`);
      }
      if (evidence.publicKeyFile && !stationKey) {
        stationKey = 'station.pem';
        stationKeyFingerprint = evidence.keyFingerprint;
        await fsp.copyFile(evidence.publicKeyFile, path.join(outDir, stationKey));
        await add(stationKey, 'evidence', {
          role: 'key',
          from: null,
          how: null,
          span: null,
          part: null,
          text: `the station's public key (fingerprint ${evidence.keyFingerprint ?? '?'}), as put into ${exportWords}`,
        });
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
        const durationMs = row.duration_ms ?? 0;
        described.set(name, {
          role: 'video',
          from,
          how: { method: 'original' },
          span: { startMs: 0, endMs: durationMs },
          part: null,
          text: `${exportWords}: the original recording itself, byte for byte, ${clipWords}`,
        });
        pc.exports.push({
          file: name,
          sha256: sha,
          bytes,
          part: 1,
          parts: 1,
          startMs: 0,
          endMs: durationMs,
          durationMs,
          speed: 1,
          copyOfOriginal: true,
          reencoded: false,
        });
        doneWork += clipWork - 3;
      } else if (plan.form === 'encode') {
        const stage = plan.streamCopy ? `cutting ${plan.parts.length} parts` : plan.parts.length > 1 ? `encoding ${plan.parts.length} parts` : 'encoding';
        const encoded = await encodeWithinLimit(c, plan, work, threads, signal, (f) => progress(f * (clipWork - 4), stage));
        for (const [k, part] of plan.parts.entries()) {
          const name = videoName(base, part.index, part.count, plan.edits);
          await fsp.rename(encoded.files[k]!, path.join(outDir, name));
          const frames = { first: part.firstFrame, end: part.endFrame };
          const how: Derivation = encoded.reencoded
            ? {
                method: 're-encode',
                frames,
                params: {
                  codec: 'H.264',
                  width: plan.width,
                  height: plan.height,
                  fps: plan.fps,
                  videoBps: encoded.videoBps,
                  maxrateBps: encoded.maxrateBps,
                  audioBps: plan.audioBps,
                  speed: plan.speed,
                },
              }
            : { method: 'stream-copy', frames };
          const partWords = part.count > 1 ? `part ${part.index} of ${part.count} of ${exportWords}` : exportWords;
          const howWords = encoded.reencoded
            ? `re-encoded (H.264 ${plan.width}x${plan.height}, ${Math.round(encoded.videoBps / 1000)} kbit/s${plan.speed !== 1 ? `, played ${plan.speed}x faster: EDITED` : ''})`
            : `cut without re-encoding (frames ${part.firstFrame}–${part.endFrame - 1}, each bit-identical)`;
          await add(name, 'video', {
            role: 'video',
            from,
            how,
            span: { startMs: part.startMs, endMs: part.endMs },
            part: part.count > 1 ? { index: part.index, count: part.count } : null,
            text: `${partWords}, ${howWords} from ${clipWords}, ${spanWords(part.startMs, part.endMs)}`,
          });
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
        // The frame where the camera read the label, zoomed on it, leads the stills.
        const shots = [...(plan.label ? [{ at: plan.label.atMs, label: plan.label }] : []), ...plan.atMs.map((at) => ({ at, label: null }))];
        for (const [i, { at, label }] of shots.entries()) {
          checkCancel();
          progress(i * 0.5, `still ${i + 1} of ${shots.length}`);
          const name = `${base}_still${pad(i + 1)}_${label ? 'label_' : ''}${clock(at).replace(':', 'm')}s.jpg`;
          const caption = path.join(work, `caption${i}.txt`);
          const wall = new Date(row.started_at + at)
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, ' UTC');
          const lines = stillCaption({ order, station: row.station, mode, wall, atMs: at, index: i + 1, count: shots.length, label });
          const crop = label ? labelCrop(label.box) : null;
          const made = await stillWithinLimit(c.file, c.frames, at, path.join(outDir, name), caption, lines, font, plan.maxImageBytes, row, signal, crop);
          await add(name, 'still', {
            role: 'still',
            from,
            how: { method: 'still', atMs: at, params: { width: made.width, jpegQuality: made.quality, ...(crop ? { crop } : {}) } },
            span: { startMs: at, endMs: at },
            part: null,
            text: label
              ? `still ${i + 1} of ${shots.length} of ${exportWords}: the frame at ${clock(at)} of ${clipWords} where the camera read the label ${label.code}, zoomed on the label (x ${crop![0].toFixed(2)}, y ${crop![1].toFixed(2)}, ${Math.round(crop![2] * 100)}% of the frame across)`
              : `still ${i + 1} of ${shots.length} of ${exportWords}, the frame at ${clock(at)} of ${clipWords}`,
          });
          pc.stills.push({ file: name, sha256: await sha256File(path.join(outDir, name)), atMs: at });
        }
        doneWork += shots.length * 0.5;
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
            mode,
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
            label: labelSheetText(sealedLabels(c.file), row.order_code),
          },
          outDir,
          sheetBase,
          work,
          plan.form === 'stills' ? plan.maxPdfBytes : (preset.pdf?.maxBytes ?? null),
          { signal },
        );
        const of = x?.file ?? null;
        const partWords = x && x.parts > 1 ? ` of part ${x.part} of ${x.parts}` : x ? ` of ${x.file}` : ' of the stills';
        for (const [f, kind, format] of [
          [sheet.png, 'sheet-png', 'png'],
          [sheet.pdf, 'sheet-pdf', 'pdf'],
        ] as const) {
          await add(path.basename(f), kind, {
            role: 'sheet',
            from,
            how: { method: 'sheet', of, format },
            span: range,
            part: x && x.parts > 1 ? { index: x.part, count: x.parts } : null,
            text: `the evidence sheet (${format.toUpperCase()})${partWords} of ${exportWords}, for ${clipWords}, ${spanWords(range.startMs, range.endMs)}`,
          });
        }
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
    const head = { order, createdAt: createdAt.toISOString(), preset: { id: preset.id, name: preset.name }, edits: [...allEdits] };
    await writePackageHelpers(outDir, head);
    await add(VERIFY_NAME, 'verify', { role: 'package', from: null, how: null, span: null, part: null, text: `the offline checking page of ${exportWords}` });
    await add(README_NAME, 'readme', { role: 'package', from: null, how: null, span: null, part: null, text: `the read-me of ${exportWords}` });
    for (const x of (await engine.packageExtras?.(outDir, exportWords)) ?? [])
      await add(x.name, x.role === 'key' ? 'evidence' : 'readme', { role: x.role, from: null, how: null, span: null, part: null, text: x.text });
    const manifest: ExportManifest = {
      format: EXPORT_FORMAT,
      ...head,
      mode: req.clipIds?.length ? (new Set(packaged.map((p) => p.mode)).size > 1 ? 'all' : packaged[0]!.mode) : (req.mode ?? 'shipping'),
      form: planned.clips[0]!.plan.form,
      station: planned.clips[0]!.row.station,
      stationKey,
      stationKeyFingerprint,
      clips: packaged,
      files: {},
    };
    for (const f of files) {
      const what = described.get(f.name);
      if (!what) throw new Error(`export: ${f.name} has no description for the manifest`);
      manifest.files[f.name] = { sha256: known.get(f.name) ?? (await sha256File(f.path)), bytes: f.bytes, ...what };
    }
    const signed = manifestBytes(manifest);
    const manifestSha256 = sha256Hex(signed);
    await fsp.writeFile(path.join(outDir, MANIFEST_NAME), signed);
    await fsp.writeFile(path.join(outDir, MANIFEST_SIG_NAME), signer.sign(signed));
    files.push({ name: MANIFEST_NAME, path: path.join(outDir, MANIFEST_NAME), bytes: signed.length, kind: 'manifest' });
    files.push({ name: MANIFEST_SIG_NAME, path: path.join(outDir, MANIFEST_SIG_NAME), bytes: 64, kind: 'manifest' });
    progress(0, 'trusted time');
    const stamp = await stampManifest(engine.settings.get().tsaUrls, manifestSha256, signal);
    let trustedTime: string | null = null;
    if (stamp.ok) {
      await fsp.writeFile(path.join(outDir, MANIFEST_TSR_NAME), stamp.response);
      files.push({ name: MANIFEST_TSR_NAME, path: path.join(outDir, MANIFEST_TSR_NAME), bytes: stamp.response.length, kind: 'manifest' });
      trustedTime = new Date(stamp.time).toISOString();
    } else if (stamp.reason) warnings.push(stamp.reason);

    let zip: string | null = null;
    if (req.zip !== false) {
      progress(1, 'ZIP');
      const first = planned.clips[0]!.row;
      const zipName = `${exportBase(order, first.started_at, clipMode(first))}_evidence.zip`;
      zip = path.join(outDir, zipName);
      await zipFolder(
        outDir,
        files.map((f) => f.name),
        zip,
        signal,
      );
      await add(zipName, 'zip');
    }

    await engine.custody.exported(
      planned.clips.map((c) => c.row),
      {
        order,
        mode: manifest.mode,
        preset: preset.id,
        form: manifest.form,
        edits: manifest.edits,
        createdAt: manifest.createdAt,
        // The signed export manifest's hash: the chain vouches for the package, file by file below.
        manifestSha256,
        trustedTime,
        files: {
          ...manifest.files,
          ...ownFiles(outDir, manifestSha256, signed.length, stamp.ok ? stamp.response.length : null, exportWords),
        } as unknown as Record<string, unknown>,
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

/** The manifest, its signature and token, for the chain entry's list: `verify` recognises them too. */
function ownFiles(outDir: string, manifestSha256: string, manifestBytes: number, tsrBytes: number | null, exportWords: string): Record<string, PackageFile> {
  const read = (name: string): Buffer => fs.readFileSync(path.join(outDir, name));
  const own = (sha256: string, bytes: number, text: string): PackageFile => ({
    sha256,
    bytes,
    role: 'package',
    from: null,
    how: null,
    span: null,
    part: null,
    text,
  });
  const out: Record<string, PackageFile> = {
    [MANIFEST_NAME]: own(manifestSha256, manifestBytes, `the signed export manifest of ${exportWords}`),
    [MANIFEST_SIG_NAME]: own(sha256Hex(read(MANIFEST_SIG_NAME)), 64, `the station's signature of the export manifest of ${exportWords}`),
  };
  if (tsrBytes !== null)
    out[MANIFEST_TSR_NAME] = own(sha256Hex(read(MANIFEST_TSR_NAME)), tsrBytes, `the trusted timestamp of the export manifest of ${exportWords}`);
  return out;
}

/** The station key that signs export manifests (the key that signs the chain and clip manifests). */
function exportSigner(engine: ExportServices): { sign: (bytes: Buffer) => Buffer } {
  if (engine.exportSigner) return engine.exportSigner;
  const custody = engine.custody;
  if (!(custody instanceof StationCustody)) throw new PwError('refused', 'The evidence module is not running on this station: an export could not be signed.');
  const key = custody.key.privateKey;
  if (!key) throw new PwError('refused', `This process cannot sign an export: ${custody.key.unavailable}.`);
  return { sign: (bytes) => signBytes(key, bytes) };
}

/**
 * The export's own trusted time: an RFC 3161 token over the manifest's SHA-256 from the first
 * configured TSA that answers. Without a TSA, or offline, the package goes out without it (said
 * in the export's notes); the chain entry still vouches for it.
 */
async function stampManifest(
  urls: string[],
  sha: string,
  signal?: AbortSignal,
): Promise<{ ok: true; response: Buffer; time: number } | { ok: false; reason: string | null }> {
  const errors: string[] = [];
  for (const url of urls) {
    if (signal?.aborted) throw new ExportCancelled();
    try {
      const { response, info } = await requestTimestamp(url, sha, 15_000, signal);
      return { ok: true, response, time: info.time };
    } catch (err) {
      errors.push(`${url}: ${errorMessage(err)}`);
    }
  }
  return {
    ok: false,
    reason: urls.length ? `No trusted time for the export itself (no timestamp authority answered: ${errors.join('; ').slice(0, 300)}).` : null,
  };
}

/**
 * Encodes the plan's parts; if any part still comes out over the channel's limit (unusual content
 * beating the VBV estimate), encodes again at a bitrate lowered by the overshoot.
 */
async function encodeWithinLimit(
  c: PlannedClip,
  plan: Extract<ExportPlan, { form: 'encode' }>,
  work: string,
  threads: number,
  signal: AbortSignal | undefined,
  onFraction: (f: number) => void,
): Promise<{ files: string[]; reencoded: boolean; videoBps: number; maxrateBps: number }> {
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
    if (plan.maxBytes === null || Math.max(...sizes) <= plan.maxBytes) {
      return { files: outs, reencoded: !streamCopy, videoBps: Math.round(plan.videoBps * scale), maxrateBps: Math.round(plan.maxrateBps * scale) };
    }
    if (streamCopy)
      streamCopy = false; // the estimate missed: re-encode at the planned bitrate
    else scale *= (plan.maxBytes * 0.95) / Math.max(...sizes);
  }
  throw new PwError('refused', `The export of ${c.row.order_code} could not be made to fit ${((plan.maxBytes ?? 0) / 1048576).toFixed(1)} MB.`);
}

/**
 * A still within the channel's per-image limit: lower JPEG quality first, then a smaller picture.
 * The caption's size is worked out for each picture width, so the whole caption always shows.
 */
async function stillWithinLimit(
  input: string,
  frames: FrameList,
  atMs: number,
  output: string,
  caption: string,
  lines: string[],
  font: string | null,
  maxBytes: number,
  row: ClipRow,
  signal?: AbortSignal,
  crop: readonly [number, number, number, number] | null = null,
): Promise<{ width: number | null; quality: number }> {
  const sourceHeight = frames.height;
  for (const h of [null, 720, 540, 360].filter((x) => x === null || x < sourceHeight)) {
    const width = h === null ? frames.width : Math.round((frames.width * h) / Math.max(1, sourceHeight) / 2) * 2;
    const fit = stillCaptionSize(lines, width, h ?? sourceHeight);
    await fsp.writeFile(caption, fit.lines.join('\n'), 'utf8');
    for (const q of [2, 4, 7, 11, 16]) {
      await extractStill(
        { input, atMs, output, captionFile: caption, fontFile: font, quality: q, height: h, sourceHeight, caption: fit, crop, sourceWidth: frames.width },
        { signal },
      );
      if ((await fileSize(output)) <= maxBytes) return { width: h === null ? null : width, quality: q };
    }
  }
  throw new PwError('refused', `A still of ${row.order_code} cannot be made smaller than ${maxBytes} bytes.`);
}

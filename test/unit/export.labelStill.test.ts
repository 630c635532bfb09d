// The export's stills of a clip whose label the camera read: the first still is the frame of the
// read, zoomed on the label and captioned with the code and time; the evidence sheet says what the
// camera saw; the package's size estimate matches what is written. Real ffmpeg, zxing, zbarimg,
// tesseract and pdftotext on a clip recorded through the engine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/full';
import type { Clip } from '../../shared/contract.ts';
import type { ClipLabels } from '../../shared/contract/labels.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { planOrder, runExport } from '../../electron/engine/export/run.ts';
import { writeLabelVideo } from '../helpers/labelVideo.ts';
import { ROOT } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffmpegBin } from '../helpers/video.ts';

const ctx = { door: 'http' as const };
const hasZbar = fs.existsSync('/usr/bin/zbarimg');
const hasTesseract = fs.existsSync('/usr/bin/tesseract');
const hasPdftotext = fs.existsSync('/usr/bin/pdftotext');
const ORDER = 'SF1400123456789';
const W = 1280;
const H = 720;

/** The frame at atMs as luma, decoded by ffmpeg from the recorded file. */
function lumaAt(file: string, atMs: number): Uint8Array {
  return execFileSync(ffmpegBin(), ['-v', 'error', '-ss', (atMs / 1000).toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
}

/** What the station's label worker reports for a frame: the code and its box as fractions (labelWorker.ts). */
async function readLabel(luma: Uint8Array): Promise<{ text: string; box: [number, number, number, number] }> {
  const rgba = new Uint32Array(W * H);
  for (let i = 0; i < rgba.length; i++) rgba[i] = 0xff000000 | (luma[i]! * 0x010101);
  const image = { data: new Uint8ClampedArray(rgba.buffer), width: W, height: H, colorSpace: 'srgb' } as ImageData;
  const [r] = await readBarcodes(image, { formats: ['Code128'], tryHarder: true });
  if (!r) throw new Error('the test clip shows no readable label');
  const p = r.position;
  const xs = [p.topLeft.x, p.topRight.x, p.bottomLeft.x, p.bottomRight.x];
  const ys = [p.topLeft.y, p.topRight.y, p.bottomLeft.y, p.bottomRight.y];
  return { text: r.text, box: [Math.min(...xs) / W, Math.min(...ys) / H, (Math.max(...xs) - Math.min(...xs)) / W, (Math.max(...ys) - Math.min(...ys)) / H] };
}

describe('export stills of a clip whose label the camera read', () => {
  const t = tmpDir('pw-labelstill-');
  let engine: Engine;
  let plain: Clip;
  let labels: ClipLabels;

  async function record(order: string, mkv: string, l?: ClipLabels): Promise<Clip> {
    const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1' }, ctx);
    await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(mkv) }, ctx);
    const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: 1, ...(l ? { labels: l } : {}) }, ctx);
    return clip!;
  }

  beforeAll(async () => {
    const wasm = fs.readFileSync(path.join(ROOT, 'node_modules', 'zxing-wasm', 'dist', 'full', 'zxing_full.wasm'));
    prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
    // 2 s of an empty table, then the label lying in the lower right, small in the picture (module 2 at 720p).
    const y4m = await writeLabelVideo(
      path.join(t.dir, 'label.y4m'),
      [
        { seconds: 2, labels: [] },
        { seconds: 6, labels: [{ text: ORDER, format: 'Code128', at: [0.74, 0.68], module: 2 }] },
      ],
      W,
      H,
      10,
    );
    const mkv = path.join(t.dir, 'label.mkv');
    execFileSync(ffmpegBin(), [
      '-v',
      'error',
      '-y',
      '-i',
      y4m,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '20',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'matroska',
      mkv,
    ]);
    fs.rmSync(y4m);
    const read = await readLabel(lumaAt(mkv, 3200));
    expect(read.text).toBe(ORDER);
    labels = {
      source: 'camera',
      reads: [{ code: ORDER, format: 'Code128', firstMs: 3200, lastMs: 7800, reads: 28, box: read.box }],
      seenAtMs: 3200,
      mismatch: [],
    };
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    expect((await record(ORDER, mkv, labels)).order).toBe(ORDER);
    plain = await record('SF1400123456790', mkv);
  });
  afterAll(async () => {
    await engine?.close().catch(() => {});
    t.cleanup();
  });

  it('the first still is the frame where the label was read, zoomed on it and captioned with the code and time', async () => {
    const out = path.join(t.dir, 'seen');
    const result = await runExport(engine, { order: ORDER, preset: 'ebay', stillsAtMs: [1000, 6000] }, out);
    const stills = result.files.filter((f) => f.kind === 'still');
    expect(stills.map((s) => s.name)).toHaveLength(3);
    expect(stills[0]!.name).toMatch(/_still01_label_00m03\.2s\.jpg$/);
    expect(result.warnings.join(' ')).toContain(`read the label ${ORDER} (00:03.2 into the clip)`);
    // The zoomed still has the clip's size: the label fills far more of it than of the frame.
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', stills[0]!.path]).toString().trim();
    const [sw, sh] = probe.split(',').map(Number) as [number, number];
    expect(sw).toBe(W);
    expect(sh).toBeGreaterThan(H); // the caption band under the picture
    if (hasZbar) expect(execFileSync('zbarimg', ['-q', '--raw', stills[0]!.path]).toString().trim()).toBe(ORDER);
    if (hasTesseract) {
      const text = execFileSync('tesseract', [stills[0]!.path, 'stdout'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .replace(/\s+/g, ' ');
      expect(text).toMatch(/Label read at 00:03\.2/);
      expect(text.replace(/\s/g, '')).toContain(ORDER);
    }
    // The signed package says the still is a part of the frame, and which part.
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'export-manifest.json'), 'utf8')) as {
      files: Record<string, { how: { params: { crop?: number[] } }; text: string }>;
    };
    const entry = manifest.files[stills[0]!.name]!;
    expect(entry.how.params.crop).toHaveLength(4);
    expect(entry.how.params.crop![2]).toBeLessThan(1);
    expect(entry.text).toContain(`where the camera read the label ${ORDER}, zoomed on the label`);
    expect(manifest.files[stills[1]!.name]!.how.params.crop).toBeUndefined();
    // The evidence sheet carries the label verdict.
    if (hasPdftotext) {
      const pdf = result.files.find((f) => f.kind === 'sheet-pdf')!;
      expect(execFileSync('pdftotext', [pdf.path, '-']).toString()).toContain(`Label: ${ORDER} seen in the picture at 00:03.2 (order read by the camera)`);
    }
  });

  it('the package estimate is within a quarter of what the stills export writes', async () => {
    for (const [order, stillsAtMs] of [
      [ORDER, null],
      [plain.order, null],
      [ORDER, [500, 1500, 2500, 3500, 4500, 5500, 6500, 7500, 7900, 4000, 5000, 6000]],
    ] as const) {
      const req = { order, preset: 'ebay', stillsAtMs: stillsAtMs ? [...stillsAtMs] : null, zip: false };
      const { clips } = await planOrder(engine, req);
      const expected = clips.reduce((s, c) => s + c.plan.expectedBytes, 0);
      const out = path.join(t.dir, `size-${order}-${stillsAtMs?.length ?? 'auto'}`);
      const result = await runExport(engine, req, out);
      const written = result.files.reduce((s, f) => s + f.bytes, 0);
      const byKind = result.files.map((f) => `${f.kind} ${f.bytes}`).join(', ');
      expect(expected / written, `${order}, ${stillsAtMs?.length ?? 'automatic'} stills: expected ${expected}, wrote ${written} (${byKind})`).toBeGreaterThan(
        0.75,
      );
      expect(expected / written).toBeLessThan(1.25);
    }
  });

  it('a clip with no label read keeps the plain stills; the sheet has no label line', async () => {
    const out = path.join(t.dir, 'plain');
    const result = await runExport(engine, { order: plain.order, preset: 'ebay', stillsAtMs: [1000, 6000] }, out);
    const stills = result.files.filter((f) => f.kind === 'still');
    expect(stills).toHaveLength(2);
    expect(stills.some((s) => s.name.includes('_label_'))).toBe(false);
    if (hasPdftotext) expect(execFileSync('pdftotext', [result.files.find((f) => f.kind === 'sheet-pdf')!.path, '-']).toString()).not.toContain('Label:');
  });

  it('a clip whose picture showed another tracking number: the sheet says MISMATCH and the still zooms on that label', async () => {
    const other = await record('SF1400123456791', path.join(t.dir, 'label.mkv'), { ...labels, seenAtMs: null, mismatch: [ORDER] });
    const out = path.join(t.dir, 'mismatch');
    const result = await runExport(engine, { order: other.order, preset: 'ebay', stillsAtMs: [1000] }, out);
    const stills = result.files.filter((f) => f.kind === 'still');
    expect(stills[0]!.name).toContain('_label_');
    if (hasZbar) expect(execFileSync('zbarimg', ['-q', '--raw', stills[0]!.path]).toString().trim()).toBe(ORDER);
    if (hasPdftotext) {
      const text = execFileSync('pdftotext', [result.files.find((f) => f.kind === 'sheet-pdf')!.path, '-']).toString();
      expect(text).toContain(`Label: MISMATCH: the picture showed ${ORDER}; the clip is filed under ${other.order}`);
    }
  });
});

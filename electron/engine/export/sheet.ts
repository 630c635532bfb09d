// The one-page evidence sheet, as PNG (for messages and chat) and PDF (for document uploads).
// Rendered by ffmpeg's drawtext from text files, so any order code, CJK included, is drawn as
// text and never parsed as a filter. The PDF holds the sheet as an image (pdf-lib's built-in fonts
// cannot draw CJK) with the same lines as invisible text over it, so a reviewer can search it and
// copy a hash out of it, and carries the order code and hashes as document metadata too.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import { extractFrames, imageToJpeg, renderSheetImage, type RunControl } from '../ffmpeg.ts';
import { captionFont } from './fonts.ts';
import { addInvisibleText } from './pdfTextLayer.ts';
import type { EvidenceInfo } from './evidenceInfo.ts';

export interface SheetData {
  order: string;
  /** Shipping (packing) or returns (unboxing): an order can have both, and the sheet says which this is. */
  mode?: 'shipping' | 'returns';
  station: string;
  operator: string | null;
  startedAt: string; // ISO UTC of the clip
  endedAt: string;
  durationMs: number;
  clipId: string;
  clipFile: string;
  originalSha256: string;
  exportFile: string | null; // base name
  exportSha256: string | null;
  presetName: string;
  part: { index: number; count: number; startMs: number; endMs: number } | null;
  edits: string[];
  evidence: EvidenceInfo;
  /** Times (ms into the clip) of the key frames shown, 6 to 12. */
  frameTimesMs: number[];
  /** What the camera saw of the label (labels.ts labelSheetText); absent when it was not reading. */
  label?: string | null;
}

/** The QR payload: short, ASCII, one line; any reader shows it as text. */
export function qrPayload(d: Pick<SheetData, 'originalSha256' | 'exportSha256' | 'evidence'>): string {
  const fields = ['PACKWITNESS1', `clip=${d.originalSha256}`, `seq=${d.evidence.seq ?? 'none'}`, `key=${d.evidence.keyFingerprint ?? 'none'}`];
  if (d.exportSha256 && d.exportSha256 !== d.originalSha256) fields.push(`export=${d.exportSha256}`);
  return fields.join(';');
}

const PAGE = { w: 1240, h: 1754 }; // A4 at 150 dpi

export function clock(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

function utc(iso: string, plusMs = 0): string {
  return new Date(new Date(iso).getTime() + plusMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function sheetLines(d: SheetData): string[] {
  const edits = d.edits.length ? `EDITED: ${d.edits.join(', ')}` : 'no edits (continuous, unedited footage)';
  const part = d.part ? `Part ${d.part.index} of ${d.part.count}: ${clock(d.part.startMs)} to ${clock(d.part.endMs)} of the clip` : 'Whole clip';
  return [
    `Order: ${d.order}`,
    `Station: ${d.station}    Operator: ${d.operator ?? '-'}`,
    `Start: ${utc(d.startedAt)}`,
    `End:   ${utc(d.endedAt)}`,
    `Duration: ${(d.durationMs / 1000).toFixed(1)} s    Clip id: ${d.clipId}`,
    `${d.mode === 'returns' ? 'RETURN (unboxing) clip' : 'Shipping (packing) clip'}. ${part}`,
    `Export: ${d.presetName}; ${edits}`,
    `Signature: ${d.evidence.signatureText}`,
    `Trusted time: ${d.evidence.trustedTimeText}`,
    `Chain sequence: ${d.evidence.seq ?? 'not in the chain yet'}`,
    ...(d.evidence.continuityText ? [`Frames: ${d.evidence.continuityText}`] : []),
    ...(d.label ? [`Label: ${d.label}`] : []),
    '',
    'SHA-256 of the original clip:',
    `  ${d.originalSha256}`,
    `SHA-256 of the exported file${d.exportFile ? ` (${d.exportFile})` : ''}:`,
    `  ${d.exportSha256 ?? '-'}`,
    'Station key fingerprint (SHA-256 of the public key):',
    `  ${d.evidence.keyFingerprint ?? 'no station key found'}`,
  ];
}

export interface SheetFiles {
  png: string;
  pdf: string;
}

/**
 * Writes <base>.png and <base>.pdf into outDir. workDir receives intermediate files (removed by
 * the caller). The PDF is kept under maxPdfBytes by lowering the JPEG quality of its page image.
 */
export async function writeSheet(
  d: SheetData,
  outDir: string,
  base: string,
  workDir: string,
  maxPdfBytes: number | null,
  ctl: RunControl = {},
): Promise<SheetFiles> {
  const font = captionFont();
  const cols = 3;
  const times = d.frameTimesMs.slice(0, 12);
  const rows = Math.ceil(times.length / cols);
  const cell = { w: 360, h: 203 };
  // Below the text lines (21 px, drawtext's line height) and the key frames' heading, however many lines there are.
  const gridTop = Math.max(760, 120 + Math.ceil(sheetLines(d).length * 21 * 1.575) + 60);
  const rowStep = Math.min(260, Math.floor((PAGE.h - 140 - gridTop) / Math.max(1, rows)));
  const cellH = Math.min(cell.h, rowStep - 40);

  const qrFile = path.join(workDir, `${base}.qr.png`);
  // The QR code is drawn here while ffmpeg extracts the key frames in its own process.
  const qrDone = QRCode.toFile(qrFile, qrPayload(d), { type: 'png', errorCorrectionLevel: 'M', margin: 4, width: 600 });

  const frames: { file: string; x: number; y: number; w: number; h: number }[] = [];
  const texts: { file: string; x: number; y: number; size: number; bold?: boolean }[] = [];
  // The same lines for the PDF's text layer, by the file they were written to.
  const layer = new Map<string, string>();
  const writeText = async (name: string, text: string): Promise<string> => {
    const f = path.join(workDir, `${base}.${name}.txt`);
    await fsp.writeFile(f, text, 'utf8');
    layer.set(f, text);
    return f;
  };
  const frameFiles = times.map((_, i) => path.join(workDir, `${base}.frame${i}.jpg`));
  await Promise.all([extractFrames(d.clipFile, times, frameFiles, 360, ctl), qrDone]);
  for (const [i, t] of times.entries()) {
    const file = frameFiles[i]!;
    const x = 60 + (i % cols) * (cell.w + 20);
    const y = gridTop + Math.floor(i / cols) * rowStep;
    frames.push({ file, x, y, w: cell.w, h: cellH });
    texts.push({ file: await writeText(`label${i}`, `#${i + 1}  ${clock(t)}  ${utc(d.startedAt, t).slice(11)}`), x, y: y + cellH + 6, size: 18 });
  }
  const title = `PackWitness evidence sheet${d.mode === 'returns' ? ' - RETURN' : ''}${d.part ? ` - part ${d.part.index} of ${d.part.count}` : ''}`;
  texts.push({ file: await writeText('title', title), x: 60, y: 50, size: 38, bold: true });
  texts.push({ file: await writeText('fields', sheetLines(d).join('\n')), x: 60, y: 120, size: 21 });
  texts.push({ file: await writeText('frameshead', `Key frames (time into the clip, wall-clock time)`), x: 60, y: gridTop - 40, size: 22, bold: true });
  texts.push({
    file: await writeText(
      'footer',
      'Check it without PackWitness: open verify.html from this package in a current browser and give it the package files,\n' +
        'or compare the SHA-256 above with `sha256sum` and the signature with the station key (station.pem).\n' +
        'The QR code holds the clip hash, chain sequence number and station key fingerprint.',
    ),
    x: 60,
    y: PAGE.h - 120,
    size: 17,
  });
  const png = path.join(outDir, `${base}.png`);
  const qualities = [3, 5, 8, 12, 18, 25];
  const jpg = path.join(workDir, `${base}.page.jpg`);
  // One render gives the PNG and the PDF's first JPEG; the PNG is decoded again only to go smaller.
  await renderSheetImage({
    width: PAGE.w,
    height: PAGE.h,
    qr: { file: qrFile, x: PAGE.w - 360, y: 30, size: 320 },
    frames,
    texts,
    fontFile: font,
    output: png,
    jpeg: { output: jpg, quality: qualities[0]! },
  });

  const pdf = path.join(outDir, `${base}.pdf`);
  for (const q of qualities) {
    if (q !== qualities[0]) await imageToJpeg(png, jpg, q);
    const bytes = await pdfOfImage(
      await fsp.readFile(jpg),
      d,
      texts.map((t) => ({ text: layer.get(t.file) ?? '', x: t.x, y: t.y, size: t.size })),
    );
    await fsp.writeFile(pdf, bytes);
    if (maxPdfBytes === null || bytes.length <= maxPdfBytes) break;
    if (q === 25) throw new Error(`The evidence sheet PDF cannot be made smaller than ${maxPdfBytes} bytes.`);
  }
  return { png, pdf };
}

// drawtext's line height for the caption font, and where its baseline sits below the top of a line
// (measured on rendered sheets: pdftotext -bbox against the PNG).
const LINE_HEIGHT = 1.575;
const BASELINE = 0.93;

async function pdfOfImage(jpeg: Uint8Array, d: SheetData, texts: { text: string; x: number; y: number; size: number }[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const img = await doc.embedJpg(jpeg);
  const A4 = { w: 595.28, h: 841.89 }; // points
  const page = doc.addPage([A4.w, A4.h]);
  page.drawImage(img, { x: 0, y: 0, width: A4.w, height: A4.h });
  // Invisible text where the picture shows it: selectable, searchable, copyable (pdfTextLayer.ts).
  const k = A4.w / PAGE.w;
  addInvisibleText(
    doc,
    page,
    texts.flatMap((t) =>
      t.text
        .split('\n')
        .map((line, i) => ({ text: line, x: t.x * k, baseline: A4.h - (t.y + i * t.size * LINE_HEIGHT + t.size * BASELINE) * k, size: t.size * k })),
    ),
  );
  doc.setTitle(`Evidence sheet ${d.order}${d.part ? ` part ${d.part.index} of ${d.part.count}` : ''}`);
  doc.setSubject(`Packing video of order ${d.order}, station ${d.station}, ${d.startedAt} to ${d.endedAt}`);
  doc.setKeywords([d.order, `clip-sha256:${d.originalSha256}`, ...(d.exportSha256 ? [`export-sha256:${d.exportSha256}`] : [])]);
  doc.setProducer('PackWitness');
  doc.setCreator('PackWitness');
  // Fixed dates would make two exports byte-identical; the real time is what a reviewer expects.
  doc.setCreationDate(new Date());
  return doc.save();
}

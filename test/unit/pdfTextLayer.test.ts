// The evidence sheet PDF's invisible text layer, read back with poppler's tools as a reviewer's
// viewer would: every script of the order codes and station names survives, nothing is painted.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PDFDocument, rgb } from 'pdf-lib';
import { glyphlessTtf } from '../../electron/engine/export/glyphlessTtf.ts';
import { addInvisibleText, emWidth } from '../../electron/engine/export/pdfTextLayer.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffmpegBin } from '../helpers/video.ts';

const havePoppler = fs.existsSync('/usr/bin/pdftotext') && fs.existsSync('/usr/bin/pdftoppm');

async function pdfWith(lines: { text: string; x: number; baseline: number; size: number }[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawRectangle({ x: 0, y: 0, width: 595.28, height: 841.89, color: rgb(1, 1, 1) });
  addInvisibleText(doc, page, lines);
  return doc.save();
}

describe.skipIf(!havePoppler)('evidence sheet PDF: invisible text layer', () => {
  it('reads back CJK, accented Latin and hashes exactly, and paints nothing', async () => {
    const t = tmpDir();
    try {
      const file = path.join(t.dir, 'sheet.pdf');
      const hash = 'a3f1c9e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6';
      fs.writeFileSync(
        file,
        await pdfWith([
          { text: 'Order: 顺丰SF1400123456789', x: 40, baseline: 780, size: 14 },
          { text: 'Station: 仓库二号台 · Müller-Øst', x: 40, baseline: 760, size: 10 },
          { text: `SHA-256 of the original clip: ${hash}`, x: 40, baseline: 740, size: 8 },
          { text: 'Hostile: 📦 <script>', x: 40, baseline: 720, size: 8 },
          { text: '   ', x: 40, baseline: 700, size: 8 },
        ]),
      );
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      expect(text).toContain('Order: 顺丰SF1400123456789');
      expect(text).toContain('Station: 仓库二号台 · Müller-Øst');
      expect(text).toContain(hash);
      // Outside the BMP (emoji): one replacement character, never half a surrogate pair.
      expect(text).toContain('Hostile: \uFFFD <script>');

      // Where a reader's selection lands: the order line's box starts at x and is about as wide
      // as the characters take in the caption font (CJK a full em, the rest ~0.6).
      const bbox = execFileSync('pdftotext', ['-bbox', file, '-'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      const word = /<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">顺丰SF1400123456789<\/word>/.exec(bbox);
      expect(word).not.toBeNull();
      const expected = [...'顺丰SF1400123456789'].reduce((s, ch) => s + emWidth(ch.codePointAt(0)!), 0) * 14;
      expect(Number(word![2]) - Number(word![1])).toBeCloseTo(expected, -1);

      // The font is embedded (no reader has to find or substitute one) and maps back to Unicode.
      const fonts = execFileSync('pdffonts', [file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
      expect(fonts).toMatch(/GlyphLessFont\s+CID TrueType\s+Identity-H\s+yes\s+no\s+yes/);

      // Invisible: the page renders as plain white.
      execFileSync('pdftoppm', ['-r', '30', '-gray', '-png', file, path.join(t.dir, 'page')]);
      const png = fs.readdirSync(t.dir).find((f) => f.startsWith('page') && f.endsWith('.png'))!;
      const raw = execFileSync(ffmpegBin(), ['-v', 'error', '-i', path.join(t.dir, png), '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
      expect(Math.min(...raw)).toBe(255);
    } finally {
      t.cleanup();
    }
  });
});

describe('the glyphless TrueType font', () => {
  it('is a well-formed sfnt: sorted tables, each checksum right, the whole font summing to 0xB1B0AFBA', () => {
    const font = glyphlessTtf();
    const v = new DataView(font.buffer, font.byteOffset, font.byteLength);
    const sum = (from: number, length: number) => {
      let s = 0;
      for (let i = from; i < from + ((length + 3) & ~3); i += 4) s = (s + (i + 4 <= font.length ? v.getUint32(i) : 0)) >>> 0;
      return s;
    };
    expect(v.getUint32(0)).toBe(0x00010000);
    const n = v.getUint16(4);
    const tags: string[] = [];
    for (let i = 0; i < n; i++) {
      const rec = 12 + 16 * i;
      const tag = String.fromCharCode(...font.subarray(rec, rec + 4));
      tags.push(tag);
      const [check, at, length] = [v.getUint32(rec + 4), v.getUint32(rec + 8), v.getUint32(rec + 12)];
      if (tag !== 'head') expect(sum(at, length), tag).toBe(check);
    }
    expect(tags).toEqual([...tags].sort());
    expect(tags).toEqual(expect.arrayContaining(['glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp']));
    expect(sum(0, font.length)).toBe(0xb1b0afba);
  });
});

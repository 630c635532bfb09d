// The evidence sheet's PDF is a picture of the sheet; this lays its text over the picture,
// invisible, so a reviewer can search it and copy a hash or an order code out of it — CJK order
// codes and station names included. PDF's built-in fonts cannot encode CJK, and embedding a CJK
// font would add megabytes for glyphs nobody sees. So, as OCR tools do for scanned pages, the
// layer uses a font without glyphs (glyphlessTtf.ts, embedded: ~200 bytes): a Type0 font with
// Identity-H encoding whose codes are the characters' UTF-16 code units, every one drawn with the
// same empty glyph, and a ToUnicode map that maps each code to itself. The text is drawn in render
// mode 3 (neither filled nor stroked); extraction (pdftotext, a viewer's search and copy) reads
// the characters through ToUnicode.
import {
  beginText,
  endText,
  PDFHexString,
  PDFString,
  setCharacterSqueeze,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  TextRenderingMode,
  type PDFDocument,
  type PDFPage,
} from 'pdf-lib';
import { GLYPHLESS_ADVANCE, glyphlessTtf } from './glyphlessTtf.ts';

export interface TextLine {
  text: string;
  /** Left edge of the line, in PDF points from the page's left. */
  x: number;
  /** Baseline, in PDF points from the page's bottom. */
  baseline: number;
  /** Font size in points. */
  size: number;
}

// Every code advances by half an em; each line is then stretched (Tz) to the width its characters
// take in the picture, so a selection covers what the reader sees.
const ADVANCE = GLYPHLESS_ADVANCE;

/** What a character is shown as in the text layer: a code unit of the BMP, else U+FFFD. */
function codeUnits(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // Outside the BMP (emoji) and lone surrogates: one replacement character, not half a pair.
    out.push(cp > 0xffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
  }
  return out;
}

/** East Asian wide characters take a full em in the caption font, the others about 0.6. */
export function emWidth(cp: number): number {
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6);
  return wide ? 1 : 0.6;
}

/** A ToUnicode CMap mapping every 2-byte code of the BMP (surrogates aside) to itself. */
function identityToUnicode(): string {
  const ranges: string[] = [];
  for (let hi = 0; hi < 0x100; hi++) {
    if (hi >= 0xd8 && hi <= 0xdf) continue;
    const h = hi.toString(16).padStart(2, '0').toUpperCase();
    ranges.push(`<${h}00> <${h}FF> <${h}00>`);
  }
  const blocks: string[] = [];
  // At most 100 entries per block (PDF reference, 5.9.2).
  for (let i = 0; i < ranges.length; i += 100) {
    const part = ranges.slice(i, i + 100);
    blocks.push(`${part.length} beginbfrange\n${part.join('\n')}\nendbfrange`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function glyphlessFont(doc: PDFDocument) {
  const ctx = doc.context;
  const ttf = glyphlessTtf();
  const fontFile = ctx.register(ctx.flateStream(ttf, { Length1: ttf.length }));
  const descriptor = ctx.register(
    ctx.obj({
      Type: 'FontDescriptor',
      FontName: 'GlyphLessFont',
      Flags: 5, // fixed pitch, symbolic
      FontBBox: [0, 0, ADVANCE, 1000],
      ItalicAngle: 0,
      Ascent: 1000,
      Descent: 0,
      CapHeight: 1000,
      StemV: 80,
      FontFile2: fontFile,
    }),
  );
  // Every code (CID) draws glyph 1 of the font: 65,536 big-endian 1s, a few hundred bytes deflated.
  const gids = new Uint8Array(2 * 65536);
  for (let i = 1; i < gids.length; i += 2) gids[i] = 1;
  const cidToGid = ctx.register(ctx.flateStream(gids));
  const cidFont = ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: 'GlyphLessFont',
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      DW: ADVANCE,
      CIDToGIDMap: cidToGid,
    }),
  );
  const toUnicode = ctx.register(ctx.flateStream(identityToUnicode()));
  return ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'Type0',
      BaseFont: 'GlyphLessFont',
      Encoding: 'Identity-H',
      DescendantFonts: [cidFont],
      ToUnicode: toUnicode,
    }),
  );
}

/** Lays `lines` over the page as invisible, searchable, copyable text (any script of the BMP). */
export function addInvisibleText(doc: PDFDocument, page: PDFPage, lines: TextLine[]): void {
  const drawn = lines.filter((l) => l.text.trim());
  if (!drawn.length) return;
  const font = page.node.newFontDictionary('GlyphLess', glyphlessFont(doc));
  const ops = [beginText(), setTextRenderingMode(TextRenderingMode.Invisible)];
  for (const l of drawn) {
    const codes = codeUnits(l.text);
    const shownEm = codes.reduce((sum, cp) => sum + emWidth(cp), 0);
    const hex = codes.map((c) => c.toString(16).padStart(4, '0')).join('');
    ops.push(
      setFontAndSize(font, l.size),
      setCharacterSqueeze((100 * shownEm) / (codes.length * (ADVANCE / 1000))),
      setTextMatrix(1, 0, 0, 1, l.x, l.baseline),
      showText(PDFHexString.of(hex)),
    );
  }
  ops.push(endText());
  page.pushOperators(...ops);
}

// The smallest TrueType font a PDF reader accepts as an embedded font: two glyphs without
// outlines, each half an em wide. The evidence sheet's invisible text layer (pdfTextLayer.ts) is
// drawn in it: nothing is painted, and a reader never has to look for or substitute a font it does
// not have (Acrobat warns about a missing font; an embedded one it simply uses).
// Tables: only those a PDF-embedded TrueType font needs (PDF 32000-1, 9.9: cmap, name, OS/2 and
// post may be left out when the font is used through a CIDToGIDMap).

const UNITS_PER_EM = 1000;
export const GLYPHLESS_ADVANCE = 500;

function table(size: number, fill: (v: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}

function checksum(bytes: Uint8Array): number {
  const padded = new Uint8Array((bytes.length + 3) & ~3);
  padded.set(bytes);
  const v = new DataView(padded.buffer);
  let sum = 0;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  return sum;
}

export function glyphlessTtf(): Uint8Array {
  const numGlyphs = 2; // .notdef and the one every character maps to
  const tables: [string, Uint8Array][] = [
    ['glyf', new Uint8Array(0)], // no outlines: every loca entry is 0 (OpenType spec, 'loca')
    [
      'head',
      table(54, (v) => {
        v.setUint32(0, 0x00010000); // version 1.0
        v.setUint32(4, 0x00010000); // fontRevision
        // 8: checkSumAdjustment, set below
        v.setUint32(12, 0x5f0f3cf5); // magicNumber
        v.setUint16(16, 0x000b); // flags: baseline at y=0, lsb at x=0, integer scaling
        v.setUint16(18, UNITS_PER_EM);
        // 20..35: created, modified (0 = 1904-01-01; nothing to date)
        // 36..43: xMin, yMin, xMax, yMax = 0 (no outlines)
        v.setUint16(46, 3); // lowestRecPPEM
        v.setInt16(48, 2); // fontDirectionHint
        v.setInt16(50, 0); // indexToLocFormat: short offsets
        v.setInt16(52, 0); // glyphDataFormat
      }),
    ],
    [
      'hhea',
      table(36, (v) => {
        v.setUint32(0, 0x00010000);
        v.setInt16(4, UNITS_PER_EM); // ascender
        v.setInt16(6, 0); // descender
        v.setUint16(10, GLYPHLESS_ADVANCE); // advanceWidthMax
        v.setInt16(18, 1); // caretSlopeRise: upright
        v.setUint16(34, numGlyphs); // numberOfHMetrics
      }),
    ],
    [
      'hmtx',
      table(4 * numGlyphs, (v) => {
        for (let g = 0; g < numGlyphs; g++) v.setUint16(g * 4, GLYPHLESS_ADVANCE);
      }),
    ],
    ['loca', new Uint8Array(2 * (numGlyphs + 1))],
    [
      'maxp',
      table(32, (v) => {
        v.setUint32(0, 0x00010000); // version 1.0 (TrueType outlines)
        v.setUint16(4, numGlyphs);
        v.setUint16(14, 2); // maxZones
      }),
    ],
  ];
  // The table directory is sorted by tag (it already is, above).
  const headerSize = 12 + 16 * tables.length;
  let offset = headerSize;
  const placed = tables.map(([tag, bytes]) => {
    const at = offset;
    offset += (bytes.length + 3) & ~3;
    return { tag, bytes, at };
  });
  const font = new Uint8Array(offset);
  const v = new DataView(font.buffer);
  const entrySelector = Math.floor(Math.log2(tables.length));
  v.setUint32(0, 0x00010000); // sfnt version: TrueType
  v.setUint16(4, tables.length);
  v.setUint16(6, 16 * 2 ** entrySelector); // searchRange
  v.setUint16(8, entrySelector);
  v.setUint16(10, tables.length * 16 - 16 * 2 ** entrySelector); // rangeShift
  placed.forEach(({ tag, bytes, at }, i) => {
    const rec = 12 + 16 * i;
    for (let c = 0; c < 4; c++) v.setUint8(rec + c, tag.charCodeAt(c));
    v.setUint32(rec + 4, checksum(bytes));
    v.setUint32(rec + 8, at);
    v.setUint32(rec + 12, bytes.length);
    font.set(bytes, at);
  });
  const head = placed.find((p) => p.tag === 'head')!;
  v.setUint32(head.at + 8, (0xb1b0afba - checksum(font)) >>> 0);
  return font;
}

// The caption band under each exported still: the order code, the clip's mode, the station, the
// wall-clock time and where in the clip the frame is. The whole caption must show on any picture,
// for the longest order code (80 characters) and a station named in Chinese: its size is worked
// out from the text before ffmpeg draws it, shrinking it and, only when that is not enough,
// wrapping a line. Widths are estimated on the wide side (per character class, in em), so a
// caption may come out a little smaller than it could be, never cut off.
import type { ClipMode } from './package.ts';
import { clock } from './sheet.ts';
import { clipTimeLabel } from '../../../shared/labelRules.ts';

export interface CaptionFit {
  /** Height of the white band under the picture, px (even). */
  band: number;
  fontSize: number;
  /** The lines as drawn (a long line wrapped). */
  lines: string[];
}

export function stillCaption(d: {
  order: string;
  station: string;
  mode: ClipMode;
  wall: string;
  atMs: number;
  index: number;
  count: number;
  label?: { code: string; atMs: number } | null;
}): string[] {
  // The label still says first what it shows: the code the camera read and when, and that it is zoomed.
  const label = d.label ? [`Label read at ${clipTimeLabel(d.label.atMs)}: ${d.label.code}   (zoomed on the label)`] : [];
  // The station name sits between the code and the mode: a caption cut short loses its end, which a check can see.
  return [
    ...label,
    `${d.order}   Station: ${d.station}   ${d.mode === 'returns' ? 'RETURN (unboxing)' : 'shipping (packing)'}`,
    `${d.wall}   ${clock(d.atMs)} into the clip   still ${d.index} of ${d.count}`,
  ];
}

/** East Asian wide and fullwidth characters take a whole em; the rest by class, generously. */
function charEm(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) || cp >= 0x20000) return 1.0;
  if (ch === ' ') return 0.34;
  if (/[MW@%]/.test(ch)) return 1.0;
  if (/[A-Z]/.test(ch)) return 0.78;
  if (/[mw]/.test(ch)) return 0.98;
  if (/[0-9]/.test(ch)) return 0.64;
  if (/[a-z]/.test(ch)) return 0.62;
  if (/[.,:;'|!il]/.test(ch)) return 0.36;
  return 0.72;
}

export function textEm(text: string): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return em;
}

/** Breaks a line into pieces of at most maxEm: at spaces where it can, inside a word (an order code) where it must. */
function wrap(line: string, maxEm: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of line.split(/(\s+)/)) {
    if (textEm(cur + word) <= maxEm) {
      cur += word;
      continue;
    }
    if (cur.trim()) out.push(cur.trimEnd());
    cur = '';
    for (const ch of word.trimStart()) {
      if (textEm(cur + ch) > maxEm && cur) {
        out.push(cur);
        cur = '';
      }
      cur += ch;
    }
  }
  if (cur.trim()) out.push(cur.trimEnd());
  return out;
}

// drawtext's line height for the caption font, in em (NotoSansCJK ascent + descent, with room).
const LINE_EM = 1.6;
const MARGIN = 10;

export function stillCaptionSize(lines: string[], width: number, height: number): CaptionFit {
  const base = Math.max(20, Math.round(height / 18)); // the size of the one-line caption before
  const min = Math.max(12, Math.round(base * 0.6)); // below this a label stops being readable
  const avail = Math.max(40, width - 2 * MARGIN);
  const widest = Math.max(...lines.map(textEm), 1);
  let fontSize = Math.min(base, Math.floor(avail / widest));
  let drawn = lines;
  if (fontSize < min) {
    fontSize = min;
    drawn = lines.flatMap((l) => wrap(l, avail / min));
  }
  const band = Math.ceil((drawn.length * fontSize * LINE_EM + MARGIN) / 2) * 2;
  return { band, fontSize, lines: drawn };
}

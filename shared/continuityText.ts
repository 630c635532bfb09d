// Gaps and stalls of a clip's frame counter in plain English, for `packwitness verify`, the
// evidence sheet and verify.html (the station's own views use the i18n keys `continuity.*`).
import type { Continuity, ContinuityGap, ContinuityStall } from './contract/continuity.ts';

/** A time in the clip as a player shows it: 00:01.03 (minutes, seconds, hundredths). */
export function clipTime(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const m = Math.floor(cs / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

const frames = (n: number): string => `${n} frame${n === 1 ? '' : 's'}`;

const GAP_CAUSE: Record<ContinuityGap['cause'], string> = {
  'encoder-under-load': 'dropped by the encoder under load',
  encoder: 'dropped by the encoder',
  'page-hidden': 'not recorded while the station page was hidden',
};

const STALL_CAUSE: Record<ContinuityStall['cause'], string> = {
  'camera-stalled': 'the camera gave no picture',
  'page-hidden': 'the station page was hidden',
  'no-frames': 'no frame came from the camera',
};

/** "1 frame dropped by the encoder under load at 00:01.03 (after frame 30); recorded by the station on …" */
export function gapSentence(g: ContinuityGap, recordedAt: string | null): string {
  const how = g.cause === 'encoder' ? " (found by the station's read-back of the file)" : '';
  return `${frames(g.missing)} ${GAP_CAUSE[g.cause]} at ${clipTime(g.atMs)} (after frame ${g.after})${how}; recorded by the station${recordedAt ? ` on ${recordedAt}` : ' at the time'}.`;
}

export function stallSentence(s: ContinuityStall, recordedAt: string | null): string {
  return `The picture stands still for ${(s.ms / 1000).toFixed(1)} s at ${clipTime(s.atMs)} (after frame ${s.after}, no frame missing): ${STALL_CAUSE[s.cause]}; recorded by the station${recordedAt ? ` on ${recordedAt}` : ' at the time'}.`;
}

/** One sentence for a clip's whole record: continuous, or what is missing and why. */
export function continuitySummary(c: Continuity, recordedAt: string | null): string {
  if (c.frames > 0 && c.unreadable === c.frames)
    return `The station could not read the frame counter in this clip (${c.frames} frames): its continuity is not proven by it.`;
  const lines: string[] = [];
  if (c.gaps.length === 0 && c.stalls.length === 0) {
    lines.push(
      `The frame counter runs without a gap through all ${c.frames} frames (${c.first ?? '?'} to ${c.last ?? '?'}); checked by the station${recordedAt ? ` on ${recordedAt}` : ''}.`,
    );
  }
  for (const g of c.gaps) lines.push(gapSentence(g, recordedAt));
  for (const s of c.stalls) lines.push(stallSentence(s, recordedAt));
  if (c.unreadable > 0) lines.push(`${frames(c.unreadable)} had no readable counter.`);
  return lines.join(' ');
}

/** One short line (the evidence sheet): continuous, or how many frames are missing and why. */
export function continuityShort(c: Continuity): string {
  if (c.frames > 0 && c.unreadable === c.frames) return 'frame counter unreadable in this clip';
  if (c.gaps.length === 0) return `continuous, all ${c.frames} frames without a gap in the counter (checked by the station)`;
  const missing = c.gaps.reduce((n, g) => n + g.missing, 0);
  // Short enough for one line of the sheet; `verify` and the lookup give each gap with its cause.
  return `${frames(missing)} dropped in ${c.gaps.length} gap${c.gaps.length === 1 ? '' : 's'} from ${clipTime(c.gaps[0]!.atMs)}; each recorded by the station`;
}

/** A gap found in the file that no record of the station names: nobody vouches for it. */
export function unexplainedSentence(g: { after: number; missing: number; atMs: number }): string {
  return `UNEXPLAINED: ${frames(g.missing)} missing at ${clipTime(g.atMs)} (after frame ${g.after}); the station recorded no such gap.`;
}

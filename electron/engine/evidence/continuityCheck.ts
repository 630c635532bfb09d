// The continuity line of `verify`: what the station recorded about the clip's frames (its signed
// 'continuity' entry), and, when the counters were read from the file just now, whether every gap
// in it is one the station recorded. A gap nobody recorded is called out as unexplained.
import type { VerifyCheck } from '../../../shared/contract/evidence.ts';
import type { Continuity } from '../../../shared/contract/continuity.ts';
import { clipTime, continuitySummary, unexplainedSentence } from '../../../shared/continuityText.ts';
import { msg, type Message } from '../../../shared/messages.ts';
import { continuityOf } from '../continuity.ts';
import type { CounterReport } from '../frameCounters.ts';
import { parseBody, type ChainRow } from './chain.ts';
import { when } from './checks.ts';

/** The record's sentences as codes (the UI's words for continuitySummary). */
function summaryMessages(c: Continuity, time: string): Message[] {
  if (c.frames > 0 && c.unreadable === c.frames) return [msg('continuity-unreadable', { frames: c.frames })];
  const out: Message[] = [];
  if (c.gaps.length === 0 && c.stalls.length === 0) out.push(msg('continuity-clean', { frames: c.frames, first: c.first ?? '?', last: c.last ?? '?', time }));
  for (const g of c.gaps) out.push(msg(`continuity-gap-${g.cause}`, { count: g.missing, at: clipTime(g.atMs), after: g.after, time }));
  for (const s of c.stalls) out.push(msg(`continuity-stall-${s.cause}`, { seconds: (s.ms / 1000).toFixed(1), at: clipTime(s.atMs), after: s.after, time }));
  if (c.unreadable > 0) out.push(msg('continuity-unreadable-frames', { count: c.unreadable }));
  return out;
}

const unexplained = (g: { after: number; missing: number; atMs: number }): Message =>
  msg('continuity-unexplained', { count: g.missing, at: clipTime(g.atMs), after: g.after });

/** `entry`: the clip's newest signed 'continuity' entry (a station's chain, or the copy a hub holds), if any. */
export function continuityCheck(entry: ChainRow | undefined, readBack: CounterReport | null): VerifyCheck {
  const recorded = entry ? continuityOf(entry.seq, parseBody(entry)) : null;
  if (!recorded) {
    if (!readBack)
      return {
        what: 'continuity',
        ok: null,
        text: "The station has no record of this clip's frames (not read back yet, recorded before that check, or no frame counter in it).",
        messages: [msg('continuity-no-record')],
      };
    if (readBack.counters.length > 0 && readBack.unreadable === readBack.counters.length) {
      return {
        what: 'continuity',
        ok: null,
        text: `No frame counter could be read in this file (${readBack.counters.length} frames), and the station recorded no continuity check for it.`,
        messages: [msg('continuity-unreadable-now', { frames: readBack.counters.length })],
      };
    }
    if (readBack.gaps.length === 0) {
      return {
        what: 'continuity',
        ok: null,
        text: `Read now: the frame counter runs without a gap through all ${readBack.counters.length} frames; the station recorded no continuity check for this clip.`,
        messages: [msg('continuity-clean-now', { frames: readBack.counters.length })],
      };
    }
    return {
      what: 'continuity',
      ok: null,
      text: readBack.gaps.map(unexplainedSentence).join(' ') + ' The station recorded no continuity check for this clip.',
      messages: [...readBack.gaps.map(unexplained), msg('continuity-not-recorded')],
    };
  }
  const time = when(recorded.checkedAt);
  const text = `Entry ${recorded.seq}: ${continuitySummary(recorded, time)}`;
  const record = [msg('continuity-entry', { seq: recorded.seq }), ...summaryMessages(recorded, time)];
  if (!readBack) return { what: 'continuity', ok: true, text, messages: record };
  const known = new Set(recorded.gaps.map((g) => `${g.after}+${g.missing}`));
  const unknown = readBack.gaps.filter((g) => !known.has(`${g.after}+${g.missing}`));
  if (unknown.length)
    return { what: 'continuity', ok: false, text: `${unknown.map(unexplainedSentence).join(' ')} ${text}`, messages: [...unknown.map(unexplained), ...record] };
  const again = readBack.gaps.length === 0 ? 'no gap in the file' : 'every gap in the file is one the station recorded';
  const againMessage = msg(readBack.gaps.length === 0 ? 'continuity-again-clean' : 'continuity-again-known');
  return { what: 'continuity', ok: true, text: `${text} Read again now: ${again}.`, messages: [...record, againMessage] };
}

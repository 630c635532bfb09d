// The continuity line of `verify`: what the station recorded about the clip's frames (its signed
// 'continuity' entry), and, when the counters were read from the file just now, whether every gap
// in it is one the station recorded. A gap nobody recorded is called out as unexplained.
import type { VerifyCheck } from '../../../shared/contract/evidence.ts';
import { continuitySummary, unexplainedSentence } from '../../../shared/continuityText.ts';
import { continuityOf } from '../continuity.ts';
import type { CounterReport } from '../frameCounters.ts';
import { parseBody, type Chain } from './chain.ts';
import { when } from './checks.ts';

export function continuityCheck(chain: Chain, clipId: string, readBack: CounterReport | null): VerifyCheck {
  const entry = chain.continuityEntry(clipId);
  const recorded = entry ? continuityOf(entry.seq, parseBody(entry)) : null;
  if (!recorded) {
    if (!readBack)
      return {
        what: 'continuity',
        ok: null,
        text: "The station has no record of this clip's frames (not read back yet, recorded before that check, or no frame counter in it).",
      };
    if (readBack.counters.length > 0 && readBack.unreadable === readBack.counters.length) {
      return {
        what: 'continuity',
        ok: null,
        text: `No frame counter could be read in this file (${readBack.counters.length} frames), and the station recorded no continuity check for it.`,
      };
    }
    if (readBack.gaps.length === 0) {
      return {
        what: 'continuity',
        ok: null,
        text: `Read now: the frame counter runs without a gap through all ${readBack.counters.length} frames; the station recorded no continuity check for this clip.`,
      };
    }
    return {
      what: 'continuity',
      ok: null,
      text: readBack.gaps.map(unexplainedSentence).join(' ') + ' The station recorded no continuity check for this clip.',
    };
  }
  const text = `Entry ${recorded.seq}: ${continuitySummary(recorded, when(recorded.checkedAt))}`;
  if (!readBack) return { what: 'continuity', ok: true, text };
  const known = new Set(recorded.gaps.map((g) => `${g.after}+${g.missing}`));
  const unexplained = readBack.gaps.filter((g) => !known.has(`${g.after}+${g.missing}`));
  if (unexplained.length) return { what: 'continuity', ok: false, text: `${unexplained.map(unexplainedSentence).join(' ')} ${text}` };
  const again = readBack.gaps.length === 0 ? 'no gap in the file' : 'every gap in the file is one the station recorded';
  return { what: 'continuity', ok: true, text: `${text} Read again now: ${again}.` };
}

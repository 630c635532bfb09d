// A clip's frames in the lookup's details: continuous, or every gap and pause with its cause, as
// the station recorded it after reading the burned-in counters back (electron/engine/continuity.ts).
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { clipTime } from '../../../../shared/continuityText.ts';
import { dateTime } from '../../format.ts';

export function ContinuityRows({ clip }: { clip: Clip }) {
  const { t, i18n } = useTranslation();
  if (!clip.evidence) return null; // not sealed: the seal row says so
  const c = clip.evidence.continuity;
  const when = c ? dateTime(new Date(c.checkedAt).toISOString(), i18n.language) : '';
  const lines: string[] = [];
  if (!c) lines.push(t('continuity.pending'));
  else if (c.frames > 0 && c.unreadable === c.frames) lines.push(t('continuity.unreadable', { frames: c.frames }));
  else {
    if (c.gaps.length === 0 && c.stalls.length === 0) lines.push(t('continuity.continuous', { frames: c.frames, when }));
    for (const g of c.gaps) lines.push(t(`continuity.gap.${g.cause}`, { count: g.missing, at: clipTime(g.atMs), after: g.after, when }));
    for (const s of c.stalls) lines.push(t(`continuity.stall.${s.cause}`, { seconds: (s.ms / 1000).toFixed(1), at: clipTime(s.atMs), when }));
  }
  return (
    <>
      <dt>{t('continuity.title')}</dt>
      <dd data-testid="clip-continuity" data-gaps={c ? c.gaps.length : ''}>
        {lines.map((l, i) => (
          <div key={i}>{l}</div>
        ))}
      </dd>
    </>
  );
}

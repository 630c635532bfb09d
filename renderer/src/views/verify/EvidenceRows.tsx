// The seal of a clip in the lookup's details: its chain entry, signature, trusted time, and the
// chain anchor by which a third party saw it in the station's record.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { stampDelay } from '../../../../shared/stampDelay.ts';
import { dateTime } from '../../format.ts';

/** "stamped 76 h after the recording": a late token proves the clip unchanged only since then. */
function lateText(t: TFunction, clip: Clip): string {
  const e = clip.evidence;
  const late = stampDelay(e?.tsaTime ? Date.parse(e.tsaTime) : null, Date.parse(clip.endedAt));
  if (late === null) return '';
  const minutes = Math.round(late / 60_000);
  return ' ' + (minutes < 120 ? t('verify.tsaLateMinutes', { minutes }) : t('verify.tsaLateHours', { hours: Math.round(minutes / 60) }));
}

export function EvidenceRows({ clip }: { clip: Clip }) {
  const { t, i18n } = useTranslation();
  const e = clip.evidence;
  return (
    <>
      <dt>{t('verify.seal')}</dt>
      <dd data-testid="clip-seal">{e ? t('verify.sealed', { seq: e.seq }) : t('verify.notSealed')}</dd>
      <dt>{t('verify.what.timestamp')}</dt>
      <dd data-testid="clip-tsa">
        {e?.timestamp === 'done' && e.tsaTime
          ? t('verify.tsaDone', { time: dateTime(e.tsaTime, i18n.language), name: e.tsaName ?? '?' }) +
            (e.tsaTrust ? t(`verify.tsaTrust.${e.tsaTrust}`, { anchor: e.tsaAnchor ?? '?' }) : '') +
            lateText(t, clip)
          : e?.timestamp === 'pending'
            ? t('verify.tsaPending')
            : t('verify.tsaNone')}
      </dd>
      {e && (
        <>
          <dt>{t('verify.anchorLabel')}</dt>
          <dd data-testid="clip-anchor">
            {e.chainAnchor
              ? t('verify.anchorBy', { time: dateTime(e.chainAnchor.time, i18n.language), tsa: e.chainAnchor.tsa, seq: e.chainAnchor.seq })
              : t('verify.anchorNone')}
          </dd>
        </>
      )}
    </>
  );
}

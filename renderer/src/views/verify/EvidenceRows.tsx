// The seal of a clip in the lookup's details: its chain entry, signature and trusted time.
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { dateTime } from '../../format.ts';

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
          ? t('verify.tsaDone', { time: dateTime(e.tsaTime, i18n.language), name: e.tsaName ?? '?' })
          : e?.timestamp === 'pending'
            ? t('verify.tsaPending')
            : t('verify.tsaNone')}
      </dd>
    </>
  );
}

// What the camera saw of a clip's label: "label seen at 00:03.2", or the other tracking
// number the picture showed. Nothing for clips recorded without camera reading.
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { clipTimeLabel } from '../../../../shared/labelRules.ts';

export function LabelCheck({ clip }: { clip: Clip }) {
  const { t } = useTranslation();
  const l = clip.labels;
  if (!l) return null;
  if (l.mismatch.length) {
    return (
      <span className="badge outcome-error" data-testid="label-check" data-verdict="mismatch">
        {t('label.mismatchShort', { codes: l.mismatch.join(', ') })}
      </span>
    );
  }
  if (l.seenAtMs !== null)
    return (
      <span className="badge" data-testid="label-check" data-verdict="seen">
        {t('label.seenAt', { time: clipTimeLabel(l.seenAtMs) })}
      </span>
    );
  return (
    <span className="badge" data-testid="label-check" data-verdict="unseen">
      {t('label.notSeen')}
    </span>
  );
}

/** The player's detail rows: the verdict, and how the code came in. */
export function LabelRows({ clip }: { clip: Clip }) {
  const { t } = useTranslation();
  if (!clip.labels) return null;
  return (
    <>
      <dt>{t('labelSettings.title')}</dt>
      <dd>
        <LabelCheck clip={clip} />
        {clip.labels.source === 'camera' ? ` ${t('label.readByCamera')}` : ''}
      </dd>
    </>
  );
}

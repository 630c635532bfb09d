import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { dateTime, seconds } from '../../format.ts';
import { LabelCheck } from './LabelCheck.tsx';
import { Thumb } from '../../components/Thumb.tsx';

export function ClipResults({ clips, selected, onSelect }: { clips: Clip[]; selected: string | null; onSelect: (c: Clip) => void }) {
  const { t, i18n } = useTranslation();
  if (clips.length === 0) return <p className="muted">{t('lookup.none')}</p>;
  return (
    <ul className="results" data-testid="results">
      {clips.map((c) => (
        <li key={c.id} className={c.id === selected ? 'selected' : undefined}>
          <button type="button" onClick={() => onSelect(c)} data-testid="result" data-order={c.order} data-mode={c.mode}>
            {c.thumbUrl ? <Thumb src={c.thumbUrl} width={160} height={90} className="thumb" testId="result-thumb" /> : <span className="thumb-missing" />}
            <span className="result-text">
              <strong className="order">{c.order}</strong>
              <span>{dateTime(c.startedAt, i18n.language)}</span>
              <span>
                {seconds(c.durationMs, i18n.language)} · {c.station}
                {c.mode === 'returns' ? ` · ${t('station.mode.returns')}` : ''}
              </span>
              {c.status !== 'ok' && <span className="badge">{t(`status.${c.status}`)}</span>}
              <LabelCheck clip={c} />
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../../shared/contract.ts';
import { api, onEvent } from '../../api/index.ts';
import { mmss, seconds } from '../../format.ts';

type Today = CallOutput<'clips.today'>;

export function TodayPanel() {
  const { t, i18n } = useTranslation();
  const [today, setToday] = useState<Today | null>(null);
  const load = useCallback(() => {
    api['clips.today']({}).then(setToday, () => {});
  }, []);
  useEffect(() => {
    load();
    return onEvent('clip.saved', load);
  }, [load]);
  return (
    <section className="today" aria-label={t('station.today')}>
      <h2>{t('station.today')}</h2>
      {today && today.count > 0 ? (
        <>
          <p className="summary">{t('station.todaySummary', { count: today.count, avg: today.avgDurationMs ? mmss(today.avgDurationMs) : '—' })}</p>
          <ol className="today-list" data-testid="today-list">
            {today.clips.slice(0, 20).map((c) => (
              <li key={c.id} className={`clip-${c.status}`}>
                <span className="time">{new Date(c.startedAt).toLocaleTimeString(i18n.language)}</span>
                <span className="order">{c.order}</span>
                <span className="dur">{seconds(c.durationMs, i18n.language)}</span>
                {c.status !== 'ok' && <span className="badge">{t(`status.${c.status}`)}</span>}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="muted">{t('station.noClipsToday')}</p>
      )}
    </section>
  );
}

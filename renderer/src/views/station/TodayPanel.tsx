// Today at this station: orders packed, average pack time (from the index, so both doors agree),
// and the last 20 scans with what each did (from this page's scan log).
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, onEvent } from '../../api/index.ts';
import { mmss } from '../../format.ts';
import { useStation } from '../../station/StationContext.tsx';
import { renderMsg } from '../../station/msg.ts';

interface Today {
  packed: number;
  avgMs: number | null;
  returns: number;
}

/** Shipping clips are the orders packed; returns are counted apart. Failed clips are not packs. */
async function loadToday(): Promise<Today> {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  // Counted by the engine: the day's rows themselves would grow with every order packed.
  const { shipping, returns } = await api['clips.stats']({ from: start.getTime() });
  return { packed: shipping.count, avgMs: shipping.avgDurationMs, returns: returns.count };
}

export function TodayPanel() {
  const { t, i18n } = useTranslation();
  const { snapshot } = useStation();
  const [today, setToday] = useState<Today | null>(null);
  const load = useCallback(() => {
    loadToday().then(setToday, () => {});
  }, []);
  useEffect(() => {
    load();
    return onEvent('clip.saved', load);
  }, [load]);
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  const num = new Intl.NumberFormat(i18n.language);
  return (
    <section className="today panel" aria-label={t('station.today')}>
      <h2>{t('station.today')}</h2>
      <p className="summary" data-testid="today-summary">
        {today && today.packed + today.returns > 0
          ? t('station.todaySummary', { count: num.format(today.packed), avg: today.avgMs ? mmss(today.avgMs) : '—' })
          : t('station.noClipsToday')}
      </p>
      {today && today.returns > 0 && <p className="summary" data-testid="today-returns">{t('station.todayReturns', { count: num.format(today.returns) })}</p>}
      <h3>{t('station.lastScans')}</h3>
      {snapshot.scanLog.length ? (
        <ol className="today-list" data-testid="scan-log">
          {snapshot.scanLog.map((e) => (
            <li key={`${e.at}-${e.code}`} className={`scan-${e.level}`} data-outcome={e.outcome} data-source={e.source ?? 'scanner'}>
              <span className="time">{time.format(e.at)}</span>
              <span className="order">{e.code}</span>
              <span className={`badge outcome-${e.level}`}>{t(`outcome.${e.outcome}`)}</span>
              {e.source === 'camera' && <span className="why">{t('label.readByCamera')}</span>}
              {e.msg && e.level !== 'info' && <span className="why">{renderMsg(t, e.msg, i18n.language)}</span>}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t('station.noScans')}</p>
      )}
    </section>
  );
}

// Today at this station: orders packed, average pack time and today's clips with thumbnails (all from
// the index, so both doors agree and a reload changes nothing), a replay of any of them (the last
// one at a click), and the last 20 scans with what each did (from this page's scan log).
import { useCallback, useEffect, useState } from 'react';
import type { Clip } from '../../../../shared/contract.ts';
import { useTranslation } from 'react-i18next';
import { api, onEvent } from '../../api/index.ts';
import { mmss } from '../../format.ts';
import { useStation } from '../../station/StationContext.tsx';
import { renderMsg } from '../../station/msg.ts';
import { Thumb } from '../../components/Thumb.tsx';
import { withThumbnail } from '../../clipThumbs.ts';

interface Today {
  packed: number;
  avgMs: number | null;
  returns: number;
  /** The newest of today's clips, newest first, and how many there are in all. */
  clips: Clip[];
  total: number;
}

const TODAY_CLIPS = 12;

/** Shipping clips are the orders packed; returns are counted apart. Failed clips are not packs. */
async function loadToday(): Promise<Today> {
  const start = new Date();
  start.setHours(0, 0, 0, 0);
  // Counted by the engine: the day's rows themselves would grow with every order packed.
  const [{ shipping, returns }, list] = await Promise.all([
    api['clips.stats']({ from: start.getTime() }),
    api['clips.search']({ from: start.getTime(), limit: TODAY_CLIPS }),
  ]);
  return { packed: shipping.count, avgMs: shipping.avgDurationMs, returns: returns.count, clips: list.clips, total: list.total };
}

export function TodayPanel() {
  const { t, i18n } = useTranslation();
  const { snapshot } = useStation();
  const [today, setToday] = useState<Today | null>(null);
  const [playing, setPlaying] = useState<Clip | null>(null);
  const load = useCallback(() => {
    loadToday().then(setToday, () => {});
  }, []);
  useEffect(() => {
    load();
    return onEvent('clip.saved', load);
  }, [load]);
  useEffect(() => onEvent('clip.thumbnail', (ready) => setToday((t) => t && { ...t, clips: withThumbnail(t.clips, ready) })), []);
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  const num = new Intl.NumberFormat(i18n.language);
  return (
    <section className="today panel" aria-label={t('station.today')}>
      <h2>{t('station.today')}</h2>
      <p className="summary" data-testid="today-summary">
        {today && today.packed + today.returns > 0
          ? t('station.todaySummary', { count: today.packed, n: num.format(today.packed), avg: today.avgMs ? mmss(today.avgMs) : '—' })
          : t('station.noClipsToday')}
      </p>
      {today && today.returns > 0 && (
        <p className="summary" data-testid="today-returns">
          {t('station.todayReturns', { count: today.returns, n: num.format(today.returns) })}
        </p>
      )}
      {today && today.clips.length > 0 && (
        <>
          <h3>
            {t('station.todayClips', { count: today.total, n: num.format(today.total) })}{' '}
            <button type="button" className="replay" onClick={() => setPlaying(today.clips[0]!)} data-testid="replay-last">
              {t('station.replayLast')}
            </button>
          </h3>
          {playing && (
            <div className="today-player" data-testid="today-player" data-order={playing.order}>
              <video key={playing.id} src={playing.mediaUrl} controls autoPlay muted playsInline />
              <button type="button" onClick={() => setPlaying(null)}>
                {t('station.closeReplay')}
              </button>
            </div>
          )}
          <ol className="today-clips" data-testid="today-clips" data-total={today.total}>
            {today.clips.map((c) => (
              <li key={c.id} data-order={c.order} data-mode={c.mode}>
                <button type="button" onClick={() => setPlaying(c)} title={t('station.replay', { order: c.order })}>
                  {c.thumbUrl ? <Thumb src={c.thumbUrl} width={96} height={54} className="thumb" testId="today-thumb" /> : <span className="thumb-missing" />}
                  <span className="order">{c.order}</span>
                  <span className="time">
                    {time.format(new Date(c.startedAt))} · {mmss(c.durationMs)}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>{t('station.lastScans')}</h3>
      {snapshot.scanLog.length ? (
        <ol className="today-list" data-testid="scan-log">
          {snapshot.scanLog.map((e) => (
            <li key={`${e.at}-${e.code}`} className={`scan-${e.level}`} data-outcome={e.outcome} data-source={e.source ?? 'scanner'}>
              <span className="time">{time.format(e.at)}</span>
              <span className="order">{e.code}</span>
              <span className={`badge outcome-${e.level}`}>{t(`outcome.${e.outcome}`)}</span>
              {e.source === 'camera' && <span className="why">{t('label.readByCamera')}</span>}
              {e.source === 'typed' && <span className="why">{t('station.typed')}</span>}
              {e.msg && e.level !== 'info' && <span className="why">{renderMsg(t, e.msg, i18n.language)}</span>}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{t(today && today.total > 0 ? 'station.noScansHere' : 'station.noScans')}</p>
      )}
    </section>
  );
}

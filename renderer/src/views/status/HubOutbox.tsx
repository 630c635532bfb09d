// The hub link at a glance (hub.status): which hub, how many clips wait, the oldest of them, the
// last success and the last error in plain words. Shown in the Status view (when enrolled) and in
// Settings → Warehouse hub.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HubStatus } from '../../../../shared/contract/hub.ts';
import { api, onEvent } from '../../api/index.ts';
import { dateTime } from '../../format.ts';

/** Asks hub.status now, after each clip, and every 10 s while shown. */
export function useHubStatus(): [HubStatus | null, () => void] {
  const [s, setS] = useState<HubStatus | null>(null);
  const refresh = useCallback(() => {
    api['hub.status']({}).then(setS, () => {});
  }, []);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 10_000);
    return () => clearInterval(timer);
  }, [refresh]);
  useEffect(() => onEvent('clip.saved', refresh), [refresh]);
  return [s, refresh];
}

export function HubFacts({ status: s }: { status: HubStatus }) {
  const { t, i18n } = useTranslation();
  if (!s.enrolled)
    return (
      <p className="muted" data-testid="hub-not-enrolled">
        {t('hub.notEnrolled')}
      </p>
    );
  const when = (iso: string) => dateTime(iso, i18n.language);
  // An error followed by a success is history: shown, but not as an alarm.
  const current = s.lastError && !(s.lastSuccessAt && Date.parse(s.lastSuccessAt) > Date.parse(s.lastError.at)) ? s.lastError.code : null;
  const level = s.refused > 0 || current === 'impostor' || current === 'unauthorized' ? 'problem' : current ? 'warning' : 'ok';
  return (
    <div className="hub-facts" data-testid="hub-facts" data-level={level}>
      <p data-testid="hub-enrolled">{t('hub.enrolled', { name: s.hubName, url: s.url })}</p>
      <p className="mono muted">
        {t('hub.fingerprint', {
          fp:
            (s.hubFingerprint ?? '')
              .match(/.{1,4}/g)
              ?.slice(0, 8)
              .join(' ') + ' …',
        })}
      </p>
      <p data-testid="hub-depth">{s.outboxDepth === 0 ? t('hub.depthNone') : t('hub.depth', { n: s.outboxDepth })}</p>
      {s.oldestUnpublishedAt && <p data-testid="hub-oldest">{t('hub.oldest', { time: when(s.oldestUnpublishedAt) })}</p>}
      {s.chainBehind > 0 && <p>{t('hub.chainBehind', { n: s.chainBehind })}</p>}
      {s.refused > 0 && (
        <p className="message message-error" role="alert" data-testid="hub-refused">
          {t('hub.refused', { n: s.refused })}
        </p>
      )}
      <p data-testid="hub-last-success">{t('hub.lastSuccess', { time: s.lastSuccessAt ? when(s.lastSuccessAt) : t('hub.never') })}</p>
      {s.lastError && (
        <p
          className={level === 'problem' ? 'message message-error' : current ? 'message message-warn' : 'muted'}
          role={level === 'problem' ? 'alert' : 'status'}
          data-testid="hub-last-error"
          data-code={s.lastError.code}
        >
          {t('hub.lastError', { time: when(s.lastError.at), what: t(`hub.errors.${s.lastError.code}`) })}
        </p>
      )}
    </div>
  );
}

/** The Status view's section: nothing at all while the station is not enrolled. */
export function HubOutbox({ className = '' }: { className?: string }) {
  const { t } = useTranslation();
  const [s] = useHubStatus();
  if (!s?.enrolled) return null;
  return (
    <section className={`hub-outbox ${className}`.trim()} aria-label={t('hub.title')} data-testid="hub-outbox">
      <h2>{t('hub.title')}</h2>
      <HubFacts status={s} />
    </section>
  );
}

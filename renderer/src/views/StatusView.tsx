// Station status: the start-up check (index, clips folder, free space, missing and unindexed files,
// unfinished recordings) and what retention deleted and why. The reserve and retention themselves
// are edited in the Settings view.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Deletion, Health } from '../../../shared/contract/storage.ts';
import { api, onEvent } from '../api/index.ts';
import { dateTime } from '../format.ts';
import { wordError, wordMessage, wordMessages } from '../i18n/message.ts';
import { DiskOutlook } from './status/DiskOutlook.tsx';
import { HubOutbox } from './status/HubOutbox.tsx';

export function StatusView() {
  const { t, i18n } = useTranslation();
  const [health, setHealth] = useState<Health | null>(null);
  const [deletions, setDeletions] = useState<Deletion[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [h, d] = await Promise.all([api['station.health']({}), api['retention.deletions']({ limit: 50 })]);
      setHealth(h);
      setDeletions(d.deletions);
      setError(null);
    } catch (err) {
      setError(wordError(t, err));
    }
  }, [t]);
  useEffect(() => void refresh(), [refresh]);
  useEffect(() => onEvent('station.problem', () => void refresh()), [refresh]);

  const adopt = async () => {
    try {
      const r = await api['station.adopt']({});
      setNote(t('health.adopted', { count: r.adopted.length, failed: r.failed.length }));
    } catch (err) {
      setNote(wordError(t, err));
    }
    void refresh();
  };
  const runRetention = async () => {
    try {
      const r = await api['retention.run']({});
      const exportsNote = r.exportsRemoved.length
        ? ` ${t('health.retentionExports', { count: r.exportsRemoved.length, mb: (r.exportsRemoved.reduce((a, x) => a + x.bytes, 0) / 1048576).toFixed(1) })}`
        : '';
      const said = r.message ? wordMessages(t, r.words ?? [], r.message) : null;
      setNote((said ?? t('health.retentionDone', { count: r.deleted.length })) + exportsNote);
    } catch (err) {
      setNote(wordError(t, err));
    }
    void refresh();
  };

  return (
    <div className="status-view">
      {error && (
        <div className="message message-error" role="alert">
          {error}
        </div>
      )}
      {health && (
        <section aria-label={t('health.title')}>
          <h2>{t('health.title')}</h2>
          <div className={health.ok ? 'message message-info' : 'message message-error'} role={health.ok ? 'status' : 'alert'} data-testid="health-summary">
            {health.ok ? t('health.allOk') : t('health.problems', { count: health.checks.filter((c) => c.level === 'problem').length })}
          </div>
          <ul className="health-checks" data-testid="health-checks">
            {health.checks.map((c) => (
              <li key={c.id} className={`health-${c.level}`} data-level={c.level}>
                <strong>{t(`health.level.${c.level}`)}</strong> {c.messages ? wordMessages(t, c.messages, c.text) : wordMessage(t, c.message, c.text)}
                {c.details.length > 0 && (
                  <ul className="mono">
                    {c.details.map((d, i) => (
                      <li key={`${i}-${d}`}>{wordMessage(t, c.detailWords?.[i], d)}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          <div className="controls">
            <button type="button" onClick={() => void refresh()}>
              {t('health.check')}
            </button>
            {health.checks.some((c) => c.id === 'unindexed-files' && c.level === 'problem') && (
              <button type="button" onClick={() => void adopt()} data-testid="adopt">
                {t('health.adopt')}
              </button>
            )}
            <button type="button" onClick={() => void runRetention()} data-testid="run-retention">
              {t('health.runRetention')}
            </button>
          </div>
          {note && (
            <div className="message message-info" role="status">
              {note}
            </div>
          )}
        </section>
      )}
      <DiskOutlook className="panel" />
      <HubOutbox className="panel" />
      <p className="muted">{t('health.settingsHint')}</p>
      <section aria-label={t('health.deletions')}>
        <h2>{t('health.deletions')}</h2>
        {deletions.length === 0 ? (
          <p className="muted">{t('health.noDeletions')}</p>
        ) : (
          <table className="deletions" data-testid="deletions">
            <tbody>
              {deletions.map((d) => (
                <tr key={`${d.clipId}-${d.deletedAt}`}>
                  <td>{dateTime(d.deletedAt, i18n.language)}</td>
                  <td>{d.order}</td>
                  <td>{d.who === 'retention' ? t('health.whoRetention') : d.who === 'retention (run by hand)' ? t('health.whoRetentionByHand') : d.who}</td>
                  <td>{wordMessages(t, d.reasonWords ?? [], d.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

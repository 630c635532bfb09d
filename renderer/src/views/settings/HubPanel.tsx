// Settings → Warehouse hub: enroll this station with a hub (its address and the one-time code,
// typed or scanned: the code field takes a scanner's burst as text), and what the outbox is doing.
// The code's last part names the hub key; the engine checks it before anything is sent (hub.enroll).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/index.ts';
import { HubFacts, useHubStatus } from '../status/HubOutbox.tsx';

export function HubPanel() {
  const { t } = useTranslation();
  const [status, refresh] = useHubStatus();
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ level: 'info' | 'error'; text: string } | null>(null);

  const enroll = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await api['hub.enroll']({ url: url || status?.url || '', code });
      setCode('');
      setMessage({ level: 'info', text: t('hub.done') });
      refresh();
    } catch (err) {
      setMessage({ level: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="hub-panel" data-testid="hub-panel">
      <p className="muted">{t('hub.intro')}</p>
      {status && <HubFacts status={status} />}
      {/* Not a <form>: the panel sits inside the Settings form, whose submit saves settings. */}
      <div className="hub-enroll">
        <p>
          <label>
            {t('hub.url')}{' '}
            <input
              type="url"
              value={url}
              placeholder={status?.url ?? t('hub.urlPlaceholder')}
              onChange={(e) => setUrl(e.target.value)}
              spellCheck={false}
              data-testid="hub-url"
            />
          </label>
        </p>
        <p>
          <label>
            {t('hub.code')}{' '}
            <input
              type="text"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  if (code.trim()) void enroll();
                }
              }}
              placeholder="PWE1-…"
              spellCheck={false}
              autoComplete="off"
              className="mono"
              // A scanner's burst lands here as text instead of starting a recording.
              data-scan-input=""
              data-testid="hub-code"
            />
          </label>
        </p>
        <small className="muted">{t('hub.codeHint')}</small>
        <p>
          <button type="button" disabled={busy || !code.trim() || !(url.trim() || status?.url)} onClick={() => void enroll()} data-testid="hub-enroll">
            {busy ? t('hub.busy') : status?.enrolled ? t('hub.enrollAgain') : t('hub.enroll')}
          </button>
        </p>
        {message && (
          <p className={`message message-${message.level}`} role={message.level === 'error' ? 'alert' : 'status'} data-testid="hub-message">
            {message.text}
          </p>
        )}
      </div>
    </div>
  );
}

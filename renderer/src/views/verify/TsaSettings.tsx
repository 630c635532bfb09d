// The timestamp authorities this station asks for RFC 3161 tokens, one URL per line, tried in
// order (the same list as `packwitness serve --tsa URL`).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, onEvent } from '../../api/index.ts';
import { errorMessage } from '../../../../shared/errorMessage.ts';

export function TsaSettings({ pending }: { pending: number | null }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [saved, setSaved] = useState<string[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    const show = (urls: string[]) => {
      setSaved(urls);
      setText(urls.join('\n'));
    };
    api['settings.get']({}).then(
      (s) => show(s.tsaUrls),
      (err: Error) => setMessage({ ok: false, text: err.message }),
    );
    return onEvent('settings.changed', (s) => show(s.tsaUrls));
  }, []);

  const save = async () => {
    const urls = text
      .split(/\s+/)
      .map((u) => u.trim())
      .filter(Boolean);
    try {
      const s = await api['settings.update']({ tsaUrls: urls });
      setSaved(s.tsaUrls);
      setMessage({ ok: true, text: t('verify.tsaSaved') });
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    }
  };

  return (
    <div className="tsa-settings">
      <h3>{t('verify.tsaTitle')}</h3>
      <p className="muted">{t('verify.tsaHint')}</p>
      <textarea
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="https://tsa.example/tsr"
        aria-label={t('verify.tsaTitle')}
        spellCheck={false}
        data-testid="tsa-urls"
      />
      <div className="controls">
        <button type="button" onClick={() => void save()} disabled={saved !== null && text.trim() === saved.join('\n')} data-testid="tsa-save">
          {t('verify.tsaSave')}
        </button>
        {pending !== null && pending > 0 && <span className="muted">{t('verify.tsaQueued', { count: pending })}</span>}
      </div>
      {message && (
        <div className={`message ${message.ok ? 'message-info' : 'message-error'}`} role={message.ok ? 'status' : 'alert'} data-testid="tsa-message">
          {message.text}
        </div>
      )}
    </div>
  );
}

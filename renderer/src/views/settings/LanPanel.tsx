// LAN access: on/off while the station runs (packwitness serve opens or closes a second listener
// that requires the token, see electron/server/lanListener.ts), the LAN URL with its token as a QR
// code for a phone, and a new token when an old one leaked. The desktop window alone cannot serve
// the LAN; the engine's answer says so (station.lan in electron/engine/lanHandlers.ts).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanInfo } from '../../../../shared/contract/station.ts';
import { api } from '../../api/index.ts';
import { QrCode } from '../../components/QrCode.tsx';

export function LanPanel() {
  const { t } = useTranslation();
  const [lan, setLan] = useState<LanInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api['station.lan']({}).then(setLan, (e: Error) => setError(e.message));
  }, []);

  const change = async (input: { enabled: boolean; newToken?: boolean }) => {
    setBusy(true);
    setError(null);
    try {
      setLan(await api['station.lanSet'](input));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!lan) return error ? <p className="message message-error" role="alert">{error}</p> : null;
  return (
    <div data-testid={lan.listening ? 'lan-on' : 'lan-off'}>
      {lan.switchable && (
        <label className="check">
          <input type="checkbox" checked={lan.listening} disabled={busy} onChange={(e) => void change({ enabled: e.target.checked })} data-testid="lan-switch" />{' '}
          {t('settings.lanSwitch')}
        </label>
      )}
      {error && <p className="message message-error" role="alert" data-testid="lan-error">{error}</p>}
      {!lan.listening && (
        <>
          <p>{t('settings.lanOff')}</p>
          {!lan.switchable && lan.howToEnable && <p className="muted" data-testid="lan-how">{lan.howToEnable}</p>}
          <p className="muted">{t('settings.lanHowTo')}</p>
          <code>packwitness serve --host 0.0.0.0</code>
        </>
      )}
      {lan.listening && (
        <>
          <p>{lan.urls.length ? t('settings.lanOn') : t('settings.lanNoAddress', { port: lan.port })}</p>
          {lan.urls.map((u) => (
            <div key={u} className="lan-url">
              <QrCode text={u} size={180} testid="lan-qr" />
              <span className="mono" data-testid="lan-url">{u}</span>
            </div>
          ))}
          {lan.token && (
            <p>
              {t('settings.lanToken')} <span className="mono" data-testid="lan-token">{lan.token}</span>{' '}
              {lan.switchable && (
                <button type="button" disabled={busy} onClick={() => void change({ enabled: true, newToken: true })} data-testid="lan-new-token">
                  {t('settings.lanNewToken')}
                </button>
              )}
            </p>
          )}
          {!lan.switchable && <p className="muted">{t('settings.lanFixed')}</p>}
        </>
      )}
    </div>
  );
}

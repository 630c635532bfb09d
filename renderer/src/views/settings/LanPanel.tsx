// LAN access: on/off while the station runs (packwitness serve opens or closes a second listener
// that requires the token, see electron/server/lanListener.ts), the LAN URL with its token as a QR
// code for a phone, a new token when an old one leaked, and the port phones use (a firewall may
// allow only one; another program may hold the default). The desktop window alone cannot serve
// the LAN; the engine's answer says so (station.lan in electron/engine/lanHandlers.ts).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanInfo } from '../../../../shared/contract/station.ts';
import { api } from '../../api/index.ts';
import { QrCode } from '../../components/QrCode.tsx';
import { errorMessage } from '../../../../shared/errorMessage.ts';

export function LanPanel() {
  const { t } = useTranslation();
  const [lan, setLan] = useState<LanInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [port, setPort] = useState('');
  useEffect(() => {
    api['station.lan']({}).then(setLan, (e: Error) => setError(e.message));
  }, []);
  // A whole number 1..65535, or empty for the station's choice; anything else is said at once.
  const portNumber = port.trim() === '' ? null : Number(port);
  const portValid = portNumber === null || (Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535);

  const change = async (input: { enabled: boolean; newToken?: boolean; port?: number | null }) => {
    setBusy(true);
    setError(null);
    try {
      setLan(await api['station.lanSet'](input));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (!lan)
    return error ? (
      <p className="message message-error" role="alert">
        {error}
      </p>
    ) : null;
  return (
    <div data-testid={lan.listening ? 'lan-on' : 'lan-off'}>
      {lan.switchable && (
        <label className="check">
          <input
            type="checkbox"
            checked={lan.listening}
            disabled={busy || (!lan.listening && !portValid)}
            // Switched on with a port typed in: that port; else the one used before or the station's + 1.
            onChange={(e) => void change(e.target.checked && portNumber !== null ? { enabled: true, port: portNumber } : { enabled: e.target.checked })}
            data-testid="lan-switch"
          />{' '}
          {t('settings.lanSwitch')}
        </label>
      )}
      {lan.switchable && (
        <p>
          <label>
            {t('settings.lanPort')}{' '}
            <input
              type="number"
              min={1}
              max={65535}
              value={port}
              placeholder={lan.port !== null ? String(lan.port) : t('settings.lanPortDefault')}
              onChange={(e) => setPort(e.target.value)}
              aria-invalid={!portValid}
              className="lan-port"
              data-testid="lan-port"
            />
          </label>{' '}
          {lan.listening && (
            <button
              type="button"
              disabled={busy || !portValid || portNumber === null || portNumber === lan.port}
              onClick={() => void change({ enabled: true, port: portNumber })}
              data-testid="lan-port-apply"
            >
              {t('settings.lanPortApply')}
            </button>
          )}
          {!portValid && (
            <span className="field-error" role="alert" data-testid="lan-port-error">
              {' '}
              {t('settings.lanPortInvalid')}
            </span>
          )}
        </p>
      )}
      {error && (
        <p className="message message-error" role="alert" data-testid="lan-error">
          {error}
        </p>
      )}
      {!lan.listening && (
        <>
          <p>{t('settings.lanOff')}</p>
          {!lan.switchable && lan.howToEnable && (
            <p className="muted" data-testid="lan-how">
              {lan.howToEnable}
            </p>
          )}
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
              <span className="mono" data-testid="lan-url">
                {u}
              </span>
            </div>
          ))}
          {lan.token && (
            <p>
              {t('settings.lanToken')}{' '}
              <span className="mono" data-testid="lan-token">
                {lan.token}
              </span>{' '}
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

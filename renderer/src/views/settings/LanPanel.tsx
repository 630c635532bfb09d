// LAN access: when the station serves its LAN, the URL with its token as a QR code for a phone;
// otherwise how to turn it on (the listener is chosen when the station starts, so it is not
// switched from here — see station.lan in electron/engine/lanHandlers.ts).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LanInfo } from '../../../../shared/contract/station.ts';
import { api } from '../../api/index.ts';
import { QrCode } from '../../components/QrCode.tsx';

export function LanPanel() {
  const { t } = useTranslation();
  const [lan, setLan] = useState<LanInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api['station.lan']({}).then(setLan, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p className="message message-error">{error}</p>;
  if (!lan) return null;
  if (!lan.listening) {
    return (
      <div data-testid="lan-off">
        <p>{t('settings.lanOff')}</p>
        <p className="muted">{t('settings.lanHowTo')}</p>
        <code>packwitness serve --host 0.0.0.0</code>
      </div>
    );
  }
  return (
    <div data-testid="lan-on">
      <p>{t('settings.lanOn')}</p>
      {lan.urls.map((u) => (
        <div key={u} className="lan-url">
          <QrCode text={u} size={180} testid="lan-qr" />
          <span className="mono">{u}</span>
        </div>
      ))}
      {lan.token && (
        <p>
          {t('settings.lanToken')} <span className="mono" data-testid="lan-token">{lan.token}</span>
        </p>
      )}
    </div>
  );
}

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStation } from '../station/StationContext.tsx';
import { Preview } from './station/Preview.tsx';
import { ScanBox } from './station/ScanBox.tsx';
import { StateLine } from './station/StateLine.tsx';
import { TodayPanel } from './station/TodayPanel.tsx';

export function StationView() {
  const { t } = useTranslation();
  const { controller, snapshot: s, activate } = useStation();
  useEffect(() => activate(), [activate]);
  return (
    <div className={`station station-${s.phase}`}>
      <StateLine s={s} />
      {s.message && (
        <div className={`message message-${s.message.level}`} data-testid="station-message" role={s.message.level === 'error' ? 'alert' : undefined}>
          {s.message.text}
        </div>
      )}
      <div className="station-body">
        <div className="station-main">
          <Preview stream={s.stream} />
          <div className="controls">
            <ScanBox onScan={(code) => void controller.scan(code)} />
            <button type="button" className="stop" onClick={() => void controller.stop('stop-button')} disabled={s.phase !== 'recording'} data-testid="stop">
              {t('station.stop')}
            </button>
          </div>
        </div>
        <TodayPanel />
      </div>
    </div>
  );
}

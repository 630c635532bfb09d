import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStation } from '../station/StationContext.tsx';
import { renderMsg } from '../station/msg.ts';
import { FirstRunCard } from './station/FirstRunCard.tsx';
import { Preview } from './station/Preview.tsx';
import { ScanBox } from './station/ScanBox.tsx';
import { StateLine } from './station/StateLine.tsx';
import { TodayPanel } from './station/TodayPanel.tsx';

export function StationView() {
  const { t, i18n } = useTranslation();
  const { controller, snapshot: s, activate } = useStation();
  useEffect(() => activate(), [activate]);
  return (
    <div className={`station station-${s.phase}`}>
      <StateLine s={s} />
      {s.message && (
        <div className={`message message-${s.message.level}`} data-testid="station-message" data-key={s.message.msg.key} role={s.message.level === 'error' ? 'alert' : undefined}>
          {renderMsg(t, s.message.msg, i18n.language)}
        </div>
      )}
      {s.settings && !s.settings.setupDone && <FirstRunCard settings={s.settings} />}
      <div className="station-body">
        <div className="station-main panel">
          <Preview stream={s.stream} />
          <div className="controls">
            <ScanBox onScan={(code) => void controller.scan(code)} />
            <button type="button" className="stop" onClick={() => void controller.stop('stop-button')} disabled={s.phase !== 'recording'} data-testid="stop">
              {t('station.stop')}
            </button>
            <button type="button" className="discard" onClick={() => window.confirm(t('station.discardConfirm')) && void controller.discard()} disabled={s.phase !== 'recording'} data-testid="discard">
              {t('station.discard')}
            </button>
          </div>
          <div className="controls mode-row" role="group" aria-label={t('station.modeLabel')}>
            {(['shipping', 'returns'] as const).map((m) => (
              <button key={m} type="button" className={`mode-btn ${s.mode === m ? 'on' : ''}`} aria-pressed={s.mode === m} onClick={() => controller.setMode(m)} data-testid={`mode-${m}`}>
                {t(`station.mode.${m}`)}
              </button>
            ))}
            <span className="operator" data-testid="operator">
              {s.operator ? t('station.operatorIs', { name: s.operator }) : t('station.noOperator')}
            </span>
            {s.pip && <span className="pip-badge" data-testid="pip-on">{t('station.pipOn')}</span>}
          </div>
        </div>
        <TodayPanel />
      </div>
    </div>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStation } from '../station/StationContext.tsx';
import { renderMsg } from '../station/msg.ts';
import { FirstRunCard } from './station/FirstRunCard.tsx';
import { Preview } from './station/Preview.tsx';
import { ScanBox } from './station/ScanBox.tsx';
import { StateLine } from './station/StateLine.tsx';
import { TodayPanel } from './station/TodayPanel.tsx';

// A message answers the last scan or event; after this long it no longer does and fades out, so an
// old refusal never reads as the answer to what was typed since.
const MESSAGE_FADE_MS = 12_000;

export function StationView() {
  const { t, i18n } = useTranslation();
  const { controller, snapshot: s, activate, alert } = useStation();
  useEffect(() => activate(), [activate]);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    setStale(false);
    if (!s.message) return;
    const id = setTimeout(() => setStale(true), Math.max(0, MESSAGE_FADE_MS - (Date.now() - s.message.at)));
    return () => clearTimeout(id);
  }, [s.message]);
  // Red means recording, always: a warning or refusal while recording is a band of its own colour
  // inside the red window, never a window colour of its own.
  const band = s.phase === 'recording' && alert ? alert : undefined;
  return (
    <div className={`station station-${s.phase}`}>
      <StateLine s={s} />
      {s.message && (
        <div
          className={`message message-${s.message.level}${stale ? ' message-stale' : ''}`}
          data-testid="station-message"
          data-key={s.message.msg.key}
          data-band={band}
          data-stale={stale ? 'true' : undefined}
          aria-hidden={stale ? true : undefined}
          role={s.message.level === 'error' ? 'alert' : undefined}
        >
          {s.message.answers && !JSON.stringify(s.message.msg.params ?? {}).includes(s.message.answers) && <span className="answers" data-testid="message-answers">{t('station.answers', { code: s.message.answers })}</span>}
          {renderMsg(t, s.message.msg, i18n.language)}
        </div>
      )}
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
        <div className="station-side">
          {/* Beside the preview, not above it: on first run too, Stop and the mode stay on screen. */}
          {s.settings && !s.settings.setupDone && <FirstRunCard settings={s.settings} />}
          <TodayPanel />
        </div>
      </div>
    </div>
  );
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStation } from '../station/StationContext.tsx';
import { renderMsg } from '../station/msg.ts';
import { DiscardConfirm } from './station/DiscardConfirm.tsx';
import { FirstRunCard } from './station/FirstRunCard.tsx';
import { Preview } from './station/Preview.tsx';
import { ScanBox } from './station/ScanBox.tsx';
import { StateLine } from './station/StateLine.tsx';
import { TodayPanel } from './station/TodayPanel.tsx';

// A message answers the last scan or event. It fades out once it no longer does: after this long,
// when the station's state changes (a refusal must not sit under "Ready" after the clip ended), or
// when the packer types something new into the order box.
const MESSAGE_FADE_MS = 8_000;

export function StationView() {
  const { t, i18n } = useTranslation();
  const { controller, snapshot: s, activate, alert } = useStation();
  useEffect(() => activate(), [activate]);
  const [expired, setExpired] = useState(false);
  const [editedAt, setEditedAt] = useState(0);
  useEffect(() => {
    setExpired(false);
    if (!s.message) return;
    const id = setTimeout(() => setExpired(true), Math.max(0, MESSAGE_FADE_MS - (Date.now() - s.message.at)));
    return () => clearTimeout(id);
  }, [s.message]);
  // The state the message was said in (the first render that shows it). Leaving 'starting' does not
  // count: a problem the engine reported at start-up still stands once the camera is ready.
  const phaseOfMessage = useMemo(() => s.phase, [s.message]);
  const newState = phaseOfMessage !== s.phase && phaseOfMessage !== 'starting';
  const stale = expired || newState || (s.message !== null && editedAt > s.message.at);
  const onEdit = useCallback(() => setEditedAt(Date.now()), []);
  // The Discard button's question is about one clip: it closes when that clip ends.
  const [confirming, setConfirming] = useState<string | null>(null);
  useEffect(() => {
    if (confirming && s.recordingId !== confirming) setConfirming(null);
  }, [confirming, s.recordingId]);
  const keep = useCallback(() => setConfirming(null), []);
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
          {s.message.answers && !JSON.stringify(s.message.msg.params ?? {}).includes(s.message.answers) && (
            <span className="answers" data-testid="message-answers">
              {t('station.answers', { code: s.message.answers })}
            </span>
          )}
          {renderMsg(t, s.message.msg, i18n.language)}
        </div>
      )}
      <div className="station-body">
        <div className="station-main panel">
          <Preview stream={s.stream} />
          <div className="controls">
            <ScanBox onTyped={(code) => void controller.scan(code, 'typed')} onEdit={onEdit} />
            <button type="button" className="stop" onClick={() => void controller.stop('stop-button')} disabled={s.phase !== 'recording'} data-testid="stop">
              {t('station.stop')}
            </button>
            <button type="button" className="discard" onClick={() => setConfirming(s.recordingId)} disabled={s.phase !== 'recording'} data-testid="discard">
              {t('station.discard')}
            </button>
          </div>
          {confirming && s.recordingId === confirming && (
            <DiscardConfirm
              order={s.order ?? ''}
              onKeep={keep}
              onDiscard={() => {
                setConfirming(null);
                if (controller.snapshot.recordingId === confirming) void controller.discard();
              }}
            />
          )}
          <div className="controls mode-row" role="group" aria-label={t('station.modeLabel')}>
            {(['shipping', 'returns'] as const).map((m) => (
              <button
                key={m}
                type="button"
                className={`mode-btn ${s.mode === m ? 'on' : ''}`}
                aria-pressed={s.mode === m}
                onClick={() => controller.setMode(m)}
                data-testid={`mode-${m}`}
              >
                {t(`station.mode.${m}`)}
              </button>
            ))}
            {s.pip && (
              <span className="pip-badge" data-testid="pip-on">
                {t('station.pipOn')}
              </span>
            )}
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

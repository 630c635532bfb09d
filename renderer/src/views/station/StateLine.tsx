// The big line a packer reads from two metres: ready, recording ORDER for mm:ss, or the problem.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mmss } from '../../format.ts';
import { renderMsg } from '../../station/msg.ts';
import type { StationSnapshot } from '../../station/StationController.ts';

export function StateLine({ s }: { s: StationSnapshot }) {
  const { t, i18n } = useTranslation();
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    if (s.phase !== 'recording') return;
    const id = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(id);
  }, [s.phase]);
  let text: string;
  const returns = (s.clipMode ?? s.mode) === 'returns';
  if (s.phase === 'recording') text = t(returns ? 'state.recordingReturn' : 'state.recording', { order: s.order, time: mmss(now - (s.startedAt ?? now)) });
  else if (s.phase === 'error') text = `${t('state.error')}: ${s.problem ? renderMsg(t, s.problem, i18n.language) : ''}`;
  else if (s.phase === 'idle' && returns) text = t('state.idleReturns');
  else text = t(`state.${s.phase}`);
  return (
    <div className={`state-line state-${s.phase}`} role="status" aria-live="polite" data-testid="state-line">
      <span>{text}</span>
      {returns && (
        <span className="mode-tag" data-testid="mode-tag">
          {t('station.mode.returns')}
        </span>
      )}
      {s.phase === 'recording' && s.clipSource === 'camera' && (
        <span className="mode-tag" data-testid="read-by-camera">
          {t('label.readByCamera')}
        </span>
      )}
      {s.saving > 0 && <small className="saving">{t('state.saving', { count: s.saving })}</small>}
    </div>
  );
}

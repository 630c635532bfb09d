// The big line a packer reads from two metres: ready, recording ORDER for mm:ss, or the problem.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { mmss } from '../../format.ts';
import type { StationSnapshot } from '../../station/StationController.ts';

export function StateLine({ s }: { s: StationSnapshot }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    if (s.phase !== 'recording') return;
    const id = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(id);
  }, [s.phase]);
  let text: string;
  if (s.phase === 'recording') text = t('state.recording', { order: s.order, time: mmss(now - (s.startedAt ?? now)) });
  else if (s.phase === 'error') text = `${t('state.error')}: ${s.problem ?? ''}`;
  else text = t(`state.${s.phase}`);
  return (
    <div className={`state-line state-${s.phase}`} role="status" aria-live="polite" data-testid="state-line">
      <span>{text}</span>
      {s.saving > 0 && <small className="saving">{t('state.saving', { count: s.saving })}</small>}
    </div>
  );
}

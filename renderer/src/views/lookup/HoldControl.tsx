// Legal hold on one clip: customer service sets it while a dispute is open; retention never
// deletes a clip on hold. Setting or lifting it needs a reason, which goes into the audit trail.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../../shared/contract.ts';
import { api } from '../../api/index.ts';
import { wordError } from '../../i18n/message.ts';

export function HoldControl({ clip, onChange }: { clip: Clip; onChange?: (held: boolean, reason: string | null) => void }) {
  const { t } = useTranslation();
  const [held, setHeld] = useState(clip.legalHold === true);
  const [current, setCurrent] = useState<string | null>(clip.holdReason ?? null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setHeld(clip.legalHold === true);
    setCurrent(clip.holdReason ?? null);
    setReason('');
    setError(null);
  }, [clip.id, clip.legalHold, clip.holdReason]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api['clips.setHold']({ id: clip.id, hold: !held, reason });
      setHeld(r.legalHold);
      setCurrent(r.holdReason);
      setReason('');
      setError(null);
      onChange?.(r.legalHold, r.holdReason);
    } catch (err) {
      setError(wordError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="hold" onSubmit={(e) => void submit(e)} data-testid="hold">
      <p className={held ? 'message message-warn' : 'muted'} data-testid="hold-state">
        {held ? t('hold.on', { reason: current ?? '' }) : t('hold.off')}
      </p>
      <input
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        placeholder={t(held ? 'hold.liftReason' : 'hold.reason')}
        aria-label={t('hold.reason')}
        maxLength={500}
        data-testid="hold-reason"
      />
      <button type="submit" disabled={busy || reason.trim() === ''} data-testid="hold-toggle">
        {held ? t('hold.lift') : t('hold.set')}
      </button>
      {error && (
        <div className="message message-error" role="alert">
          {error}
        </div>
      )}
    </form>
  );
}

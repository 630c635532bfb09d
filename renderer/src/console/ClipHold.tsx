// Legal hold on the clip page: set or release with a reason (required both ways). The hub keeps it
// in its index (the station's publisher applies it to its own copy) and, where the bucket has
// Object Lock, as a legal hold on the object; the answer says which.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Input, Space, Tag } from 'antd';
import type { ConsoleClip, ConsoleHold, ConsoleHoldAnswer } from '../../../shared/consoleWire.ts';
import { consoleApi } from './api.ts';

/** "On hold" next to an order code (results, clip page). */
export function HoldTag({ hold }: { hold: ConsoleHold | null | undefined }) {
  const { t } = useTranslation();
  if (!hold?.held) return null;
  return (
    <Tag color="volcano" style={{ marginLeft: 8 }} data-testid="console-held-tag">
      {t('consoleClip.heldTag')}
    </Tag>
  );
}

export function ClipHold({ clip, mayChange, onChange }: { clip: ConsoleClip; mayChange: boolean; onChange: (h: ConsoleHold) => void }) {
  const { t, i18n } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<ConsoleHoldAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hold = clip.hold ?? null;
  const when = (ms: number) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));

  const change = async (held: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const a = await consoleApi.hold(clip.station, clip.clipId, held, reason.trim());
      setAnswer(a);
      setReason('');
      onChange(a.hold);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const lock = answer?.objectLock;
  return (
    <section style={{ marginTop: 16 }} data-testid="console-hold">
      <h3>{t('consoleClip.holdTitle')}</h3>
      <p data-testid="console-hold-state" data-held={String(!!hold?.held)}>
        {hold
          ? t(hold.held ? 'consoleClip.held' : 'consoleClip.released', { time: when(hold.at), by: hold.by ?? '—', reason: hold.reason ?? '—' })
          : t('consoleClip.notHeld')}
      </p>
      {lock && (
        <p className="muted" data-testid="console-hold-lock">
          {lock === 'set'
            ? t('consoleClip.lockSet')
            : lock === 'lifted'
              ? t('consoleClip.lockLifted')
              : lock === 'unsupported'
                ? t('consoleClip.lockUnsupported')
                : t('consoleClip.lockFailed', { reason: lock.failed })}
        </p>
      )}
      {mayChange && (
        <Space.Compact style={{ maxWidth: 560, width: '100%' }}>
          <Input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('consoleClip.holdReason')}
            aria-label={t('consoleClip.holdReason')}
            maxLength={500}
            data-testid="console-hold-reason"
          />
          <Button
            type={hold?.held ? 'default' : 'primary'}
            danger={!hold?.held}
            disabled={!reason.trim()}
            loading={busy}
            onClick={() => void change(!hold?.held)}
            data-testid="console-hold-toggle"
          >
            {hold?.held ? t('consoleClip.releaseHold') : t('consoleClip.setHold')}
          </Button>
        </Space.Compact>
      )}
      {error && <Alert type="error" message={error} style={{ marginTop: 8 }} />}
    </section>
  );
}

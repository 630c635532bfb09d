// The Discard button's question, inside the window: a native confirm() would stop the page (and
// every scan) until answered. Focus starts on "Keep recording", so Enter alone never throws a clip
// away; Esc keeps recording; a scan goes on as usual and closes the question, as does the clip it
// asked about ending. The answer applies only to the clip the question was asked about.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export function DiscardConfirm({ order, onDiscard, onKeep }: { order: string; onDiscard: () => void; onKeep: () => void }) {
  const { t } = useTranslation();
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    keep.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onKeep();
      } else if ([...e.key].length === 1 && e.key !== ' ' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        onKeep(); // typing or a scan: the packer went on; the key itself goes on to the order box
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onKeep]);
  return (
    <div className="discard-confirm" role="alertdialog" aria-modal="false" aria-labelledby="discard-q" data-testid="discard-confirm">
      <p id="discard-q">{t('station.discardConfirmOrder', { order })}</p>
      <div className="discard-actions">
        <button type="button" ref={keep} onClick={onKeep} data-testid="discard-keep">
          {t('station.discardNo')}
        </button>
        <button type="button" className="danger" onClick={onDiscard} data-testid="discard-yes">
          {t('station.discardYes')}
        </button>
      </div>
      <small className="muted">{t('station.discardHint')}</small>
    </div>
  );
}

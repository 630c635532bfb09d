// How long the disk lasts at this station's measured rate, and whether it can keep the protect
// window (storage.outlook; the figures and the rule are in electron/engine/outlook.ts). Shown in
// the Status view and on the first-run card, so the merchant sees it without asking.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StorageOutlook } from '../../../../shared/contract/storage.ts';
import { api, onEvent } from '../../api/index.ts';
import { bytes } from '../../format.ts';

export function DiskOutlook({ title = true, className = '' }: { title?: boolean; className?: string }) {
  const { t, i18n } = useTranslation();
  const [o, setO] = useState<StorageOutlook | null>(null);
  const refresh = useCallback(() => {
    api['storage.outlook']({}).then(setO, () => {});
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => onEvent('clip.saved', refresh), [refresh]);
  useEffect(() => onEvent('settings.changed', refresh), [refresh]);
  if (!o) return null;

  const lang = i18n.language;
  const n = (v: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(v);
  const free = bytes(o.freeAboveReserveBytes, lang);
  let days: string;
  if (o.bytesPerDay === null || o.daysLeft === null) {
    days = t('outlook.hours', { free, hours: n(o.hoursAtQuality ?? 0) });
  } else {
    const params = { free, days: n(o.daysLeft), orders: n(o.ordersPerDay ?? 0), perDay: bytes(o.bytesPerDay, lang), measured: n(o.measuredDays) };
    days = o.daysLeft < 1 ? t('outlook.lessThanDay', params) : t(o.measuredDays < 2 ? 'outlook.daysFirst' : 'outlook.days', params);
  }
  let protect: string | null = null;
  const p = { protect: n(o.protectDays), days: n(Math.max(1, o.refuseInDays ?? 0)) };
  if (o.level === 'problem') protect = t('outlook.now', p);
  else if (o.level === 'warning') protect = t('outlook.soon', p);
  else if (o.bytesPerDay !== null) protect = o.refuseInDays === null ? t('outlook.kept', p) : t('outlook.keptFor', p);

  return (
    <section className={`disk-outlook ${className}`.trim()} aria-label={t('outlook.title')} data-testid="disk-outlook" data-level={o.level}>
      {title && <h2>{t('outlook.title')}</h2>}
      <p data-testid="outlook-days">{days}</p>
      {protect && (
        <p
          className={o.level === 'ok' ? undefined : o.level === 'warning' ? 'message message-warn' : 'message message-error'}
          role={o.level === 'ok' ? undefined : 'alert'}
          data-testid="outlook-protect"
        >
          {protect}
        </p>
      )}
    </section>
  );
}

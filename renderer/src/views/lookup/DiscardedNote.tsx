// An order whose recording was thrown away at the station (PW:DISCARD scanned twice, or the Discard
// button) says so in the lookup: when, at which station, whose clip. An agent looking for the
// evidence of that order then knows it existed and why there is no clip, instead of finding nothing.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../../shared/contract.ts';
import { api, onEvent } from '../../api/index.ts';

type Discard = CallOutput<'clips.discarded'>['discards'][number];

export function DiscardedNote({ order }: { order: string }) {
  const { t, i18n } = useTranslation();
  const [discards, setDiscards] = useState<Discard[]>([]);
  useEffect(() => {
    const code = order.trim();
    if (code.length < 3) return setDiscards([]);
    let live = true;
    const load = () =>
      api['clips.discarded']({ order: code }).then(
        (r) => live && setDiscards(r.discards),
        () => live && setDiscards([]),
      );
    const id = setTimeout(load, 150);
    const off = onEvent('clip.saved', load);
    return () => {
      live = false;
      clearTimeout(id);
      off();
    };
  }, [order]);
  if (!discards.length) return null;
  const when = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' });
  return (
    <ul className="discarded-note" data-testid="discarded-note">
      {discards.map((d) => (
        <li key={`${d.discardedAt}-${d.startedAt}`} data-order={d.order} title={d.reason}>
          {t('discards.note', {
            order: d.order,
            when: when.format(new Date(d.discardedAt)),
            station: d.station,
            operator: d.operator ?? t('discards.noOperator'),
          })}
        </li>
      ))}
    </ul>
  );
}

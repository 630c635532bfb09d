// Customer service: find the clip of an order by full or partial code and by date, and play it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Clip } from '../../../shared/contract.ts';
import { api, onEvent } from '../api/index.ts';
import { ClipPlayer } from './lookup/ClipPlayer.tsx';
import { ClipResults } from './lookup/ClipResults.tsx';
import { HoldControl } from './lookup/HoldControl.tsx';
import { ExportPanel } from './export/ExportPanel.tsx';
import { PairedClip } from './lookup/PairedClip.tsx';
import { DiscardedNote } from './lookup/DiscardedNote.tsx';
import type { Mode } from '../../../shared/contract.ts';

function dayStart(value: string): number | null {
  if (!value) return null;
  const d = new Date(`${value}T00:00:00`);
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}

export function LookupView() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [clips, setClips] = useState<Clip[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Clip | null>(null);
  const [mode, setMode] = useState<Mode | ''>(''); // shipping and return clips are searchable apart

  const search = useCallback(async () => {
    try {
      const toDay = dayStart(to);
      const res = await api['clips.search']({ q, from: dayStart(from), to: toDay === null ? null : toDay + 86_400_000, mode: mode || null, limit: 200 });
      setClips(res.clips);
      setTotal(res.total);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [q, from, to, mode]);

  // Search as the person types; results for a partial code appear at once.
  useEffect(() => {
    const id = setTimeout(() => void search(), 150);
    return () => clearTimeout(id);
  }, [search]);
  useEffect(() => onEvent('clip.saved', () => void search()), [search]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void search();
  };

  return (
    <div className="lookup">
      <form className="lookup-form" onSubmit={submit} role="search">
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('lookup.search')} aria-label={t('lookup.search')} data-testid="lookup-q" />
        <label>
          {t('lookup.from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="lookup-from" />
        </label>
        <label>
          {t('lookup.to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="lookup-to" />
        </label>
        <select value={mode} onChange={(e) => setMode(e.target.value as Mode | '')} aria-label={t('station.modeLabel')} data-testid="lookup-mode">
          <option value="">{t('lookup.allModes')}</option>
          <option value="shipping">{t('station.mode.shipping')}</option>
          <option value="returns">{t('station.mode.returns')}</option>
        </select>
        <button type="submit">{t('lookup.find')}</button>
      </form>
      {error && <div className="message message-error" role="alert">{error}</div>}
      <p className="muted" data-testid="result-count">{t('lookup.results', { count: total })}</p>
      <DiscardedNote order={q} />
      <div className="lookup-body">
        <ClipResults clips={clips} selected={selected?.id ?? null} onSelect={setSelected} />
        {selected && (
          <div className="clip-pair">
            <ClipPlayer clip={selected} onClose={() => setSelected(null)}>
              <HoldControl clip={selected} onChange={(legalHold, holdReason) => setSelected({ ...selected, legalHold, holdReason })} />
              <ExportPanel clip={selected} />
            </ClipPlayer>
            <PairedClip clip={selected} />
          </div>
        )}
      </div>
    </div>
  );
}

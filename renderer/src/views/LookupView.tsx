// Customer service: find the clip of an order by full or partial code and by date, and play it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, DatePicker, Input, Segmented } from 'antd';
import type { Dayjs } from 'dayjs';
import type { Clip } from '../../../shared/contract.ts';
import { api, onEvent } from '../api/index.ts';
import { withThumbnail } from '../clipThumbs.ts';
import { wordError } from '../i18n/message.ts';
import { ClipPlayer } from './lookup/ClipPlayer.tsx';
import { ClipResults } from './lookup/ClipResults.tsx';
import { HoldControl } from './lookup/HoldControl.tsx';
import { ExportPanel } from './export/ExportPanel.tsx';
import { PairedClip } from './lookup/PairedClip.tsx';
import { DiscardedNote } from './lookup/DiscardedNote.tsx';
import type { Mode } from '../../../shared/contract.ts';

/** Local midnight of the picked day: the agent thinks in the station's days. */
function dayStart(value: Dayjs | null | undefined): number | null {
  return value ? value.startOf('day').valueOf() : null;
}

export function LookupView() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [from, setFrom] = useState<Dayjs | null>(null);
  const [to, setTo] = useState<Dayjs | null>(null);
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
      setError(wordError(t, err));
    }
  }, [q, from, to, mode, t]);

  // Search as the person types; results for a partial code appear at once.
  useEffect(() => {
    const id = setTimeout(() => void search(), 150);
    return () => clearTimeout(id);
  }, [search]);
  useEffect(() => onEvent('clip.saved', () => void search()), [search]);
  useEffect(() => onEvent('clip.thumbnail', (ready) => setClips((cs) => withThumbnail(cs, ready))), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void search();
  };

  return (
    <div className="lookup">
      <form className="lookup-form" onSubmit={submit} role="search">
        <Input
          type="search"
          size="large"
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('lookup.search')}
          aria-label={t('lookup.search')}
          data-testid="lookup-q"
          className="lookup-q"
        />
        <span data-testid="lookup-dates">
          <DatePicker.RangePicker
            value={[from, to]}
            onChange={(range) => {
              setFrom(range?.[0] ?? null);
              setTo(range?.[1] ?? null);
            }}
            allowEmpty={[true, true]}
            aria-label={`${t('lookup.from')} – ${t('lookup.to')}`}
          />
        </span>
        <Segmented
          value={mode}
          onChange={(v) => setMode(v as Mode | '')}
          aria-label={t('station.modeLabel')}
          data-testid="lookup-mode"
          options={[
            { value: '', label: <span data-testid="lookup-mode-all">{t('lookup.allModes')}</span> },
            { value: 'shipping', label: <span data-testid="lookup-mode-shipping">{t('station.mode.shipping')}</span> },
            { value: 'returns', label: <span data-testid="lookup-mode-returns">{t('station.mode.returns')}</span> },
          ]}
        />
        <Button type="primary" htmlType="submit" size="large">
          {t('lookup.find')}
        </Button>
      </form>
      {error && (
        <div className="message message-error" role="alert">
          {error}
        </div>
      )}
      <p className="muted" data-testid="result-count">
        {t('lookup.results', { count: total })}
      </p>
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

// Find: one box for exact and partial codes across every station, filters, paging, a pasted column.
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, DatePicker, Input, Select, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { CLIP_TAGS, type ClipTag, type ConsoleClip } from '../../../shared/consoleWire.ts';
import { mmss } from '../format.ts';
import { ConsoleError, consoleApi, type SearchFilters } from './api.ts';
import { HoldTag } from './ClipHold.tsx';
import { Thumb } from '../components/Thumb.tsx';

const PAGE = 50;

const TAG_COLOR: Record<ClipTag, string> = { ok: 'green', interrupted: 'orange', recovered: 'gold', held: 'purple', late: 'blue', hole: 'red' };

/**
 * The hub makes thumbnails in the background: a clip without one yet shows an empty frame of the
 * same size; one the hub gave up on says so in that frame, with the reason on hover.
 */
function ClipThumb({ clip }: { clip: ConsoleClip }) {
  const { t } = useTranslation();
  const box = { width: 96, height: 54, borderRadius: 4, background: '#eee', display: 'block' };
  if (clip.thumbFailed !== undefined)
    return (
      <span
        style={{ ...box, display: 'flex', alignItems: 'center', justifyContent: 'center', fontSize: 12, color: '#8c8c8c' }}
        title={t('console.thumbFailedHint', { reason: clip.thumbFailed })}
        data-testid="console-thumb-failed"
      >
        {t('console.thumbFailed')}
      </span>
    );
  if (!clip.thumb) return <span style={box} data-testid="console-thumb-none" />;
  return <Thumb src={consoleApi.thumbUrl(clip.station, clip.clipId)} width={96} height={54} style={box} testId="console-thumb" />;
}

export function SearchPage() {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [station, setStation] = useState('');
  const [operator, setOperator] = useState('');
  const [mode, setMode] = useState('');
  const [status, setStatus] = useState<ClipTag | ''>('');
  const [clips, setClips] = useState<ConsoleClip[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const filters = useCallback(
    (): SearchFilters => ({
      station: station.trim(),
      operator: operator.trim(),
      mode,
      status,
      ...(range?.[0] ? { from: range[0].valueOf() } : {}),
      ...(range?.[1] ? { to: range[1].valueOf() } : {}),
    }),
    [station, operator, mode, status, range],
  );

  const run = async (before?: string) => {
    setBusy(true);
    setError(null);
    try {
      // A pasted column of codes (one a line): each is looked up, and the codes with no clip are named.
      const codes = [
        ...new Set(
          text
            .split(/[\r\n]+/)
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      if (codes.length > 1 && !before) {
        const found: ConsoleClip[] = [];
        const none: string[] = [];
        for (const code of codes) {
          const a = await consoleApi.search({ ...filters(), q: code, limit: PAGE });
          if (a.clips.length === 0) none.push(code);
          found.push(...a.clips);
        }
        const seen = new Set<string>();
        setClips(found.filter((c) => !seen.has(c.station + c.clipId) && !!seen.add(c.station + c.clipId)).sort((a, b) => b.startedAt - a.startedAt));
        setMissing(none);
        setNext(null);
        return;
      }
      const a = await consoleApi.search({ ...filters(), q: codes[0] ?? '', limit: PAGE, ...(before ? { before } : {}) });
      setClips(before ? [...(clips ?? []), ...a.clips] : a.clips);
      setNext(a.next);
      setMissing([]);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      if (err instanceof ConsoleError && err.status === 401) location.reload();
    } finally {
      setBusy(false);
    }
  };

  const when = (ms: number) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));

  return (
    <div data-testid="console-search">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              // Enter searches (a scanner ends with Enter); a pasted column keeps its lines.
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void run();
              }
            }}
            autoSize={{ minRows: 1, maxRows: 8 }}
            placeholder={t('console.searchPlaceholder')}
            aria-label={t('console.searchPlaceholder')}
            data-testid="console-q"
          />
          <Space wrap>
            <DatePicker.RangePicker showTime value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} data-testid="console-range" />
            <Input
              value={station}
              onChange={(e) => setStation(e.target.value)}
              placeholder={t('console.station')}
              style={{ width: 160 }}
              data-testid="console-station"
            />
            <Input
              value={operator}
              onChange={(e) => setOperator(e.target.value)}
              placeholder={t('console.operator')}
              style={{ width: 140 }}
              data-testid="console-operator"
            />
            <Select
              value={mode}
              onChange={setMode}
              style={{ width: 140 }}
              options={[
                { value: '', label: t('console.anyMode') },
                { value: 'shipping', label: t('console.mode.shipping') },
                { value: 'returns', label: t('console.mode.returns') },
              ]}
              data-testid="console-mode"
            />
            <Select<ClipTag | ''>
              value={status}
              onChange={setStatus}
              style={{ width: 170 }}
              options={[{ value: '' as const, label: t('console.anyStatus') }, ...CLIP_TAGS.map((v) => ({ value: v, label: t(`console.tag.${v}`) }))].map(
                (o) => ({ ...o, 'data-testid': `console-status-${o.value || 'any'}` }),
              )}
              data-testid="console-status"
            />
            <Button type="primary" htmlType="submit" loading={busy} data-testid="console-find">
              {t('console.find')}
            </Button>
          </Space>
        </Space>
      </form>
      {error && <Alert type="error" message={error} style={{ marginTop: 12 }} />}
      {missing.length > 0 && (
        <Alert
          type="warning"
          style={{ marginTop: 12 }}
          data-testid="console-missing"
          message={t('console.noClipFor', { codes: missing.join(', '), n: missing.length })}
        />
      )}
      {clips && (
        <>
          <Table<ConsoleClip>
            style={{ marginTop: 12 }}
            rowKey={(c) => `${c.station}/${c.clipId}`}
            dataSource={clips}
            pagination={false}
            size="small"
            data-testid="console-results"
            locale={{ emptyText: t('console.noResults') }}
            onRow={(c) =>
              ({
                onClick: () => {
                  location.hash = `#/clip/${encodeURIComponent(c.station)}/${encodeURIComponent(c.clipId)}`;
                },
                style: { cursor: 'pointer' },
                'data-testid': 'console-row',
              }) as React.HTMLAttributes<HTMLElement>
            }
            columns={[
              { title: '', key: 'thumb', width: 104, render: (_: unknown, c: ConsoleClip) => <ClipThumb clip={c} /> },
              {
                title: t('console.order'),
                dataIndex: 'order',
                render: (v: string, c: ConsoleClip) => (
                  <>
                    <span className="mono">{v}</span>
                    <HoldTag hold={c.hold} />
                  </>
                ),
              },
              { title: t('console.station'), dataIndex: 'stationName' },
              { title: t('console.time'), dataIndex: 'startedAt', render: (v: number) => when(v) },
              { title: t('console.duration'), dataIndex: 'durationMs', render: (v: number) => mmss(v) },
              { title: t('console.operator'), dataIndex: 'operator', render: (v: string | null) => v ?? '—' },
              {
                title: t('console.status'),
                key: 'tags',
                render: (_: unknown, c: ConsoleClip) => (
                  <span data-testid="console-tags">
                    {(c.tags ?? []).map((g) => (
                      <Tag key={g} color={TAG_COLOR[g]} title={t(`console.tagHint.${g}`)} data-tag={g}>
                        {t(`console.tag.${g}`)}
                      </Tag>
                    ))}
                  </span>
                ),
              },
            ]}
          />
          {next && (
            <Button style={{ marginTop: 8 }} onClick={() => void run(next)} loading={busy} data-testid="console-older">
              {t('console.older')}
            </Button>
          )}
        </>
      )}
    </div>
  );
}

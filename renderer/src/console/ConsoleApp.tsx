// The console: sign in, find clips across stations, play one. Pages are addressed by the URL hash
// (#/clip/<station>/<clipId>) so a clip's page can be bookmarked and the back button works, with
// no server route per page.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, DatePicker, Input, Select, Space, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import type { ConsoleClip, ConsoleMe } from '../../../shared/consoleWire.ts';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';
import { VideoPlayer } from '../views/lookup/VideoPlayer.tsx';
import { mmss } from '../format.ts';
import { ConsoleError, consoleApi, type SearchFilters } from './api.ts';

type Route = { page: 'search' } | { page: 'clip'; station: string; clipId: string };

function routeOf(hash: string): Route {
  const m = /^#\/clip\/([^/]+)\/([^/]+)$/.exec(hash);
  if (m) {
    try {
      return { page: 'clip', station: decodeURIComponent(m[1]!), clipId: decodeURIComponent(m[2]!) };
    } catch {
      return { page: 'search' };
    }
  }
  return { page: 'search' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const on = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function ConsoleApp() {
  const { t } = useTranslation();
  // undefined: asking the hub who we are; null: not signed in.
  const [me, setMe] = useState<ConsoleMe | null | undefined>(undefined);
  const [signedOut, setSignedOut] = useState<string | null>(null);

  useEffect(() => {
    consoleApi.me().then(setMe, () => setMe(null));
  }, []);

  const signOut = async (everywhere: boolean) => {
    try {
      await (everywhere ? consoleApi.logoutEverywhere() : consoleApi.logout());
    } catch {
      // the session is gone either way for this page
    }
    setSignedOut(everywhere ? t('console.signedOutEverywhere') : t('console.signedOut'));
    setMe(null);
    location.hash = '';
  };

  if (me === undefined) return <div className="console-page" data-testid="console-loading" />;
  if (me === null)
    return (
      <Login
        notice={signedOut}
        onIn={(m) => {
          setSignedOut(null);
          setMe(m);
        }}
      />
    );
  return (
    <div className="console-page" data-testid="console">
      <header className="console-header" style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '8px 16px', borderBottom: '1px solid #ddd' }}>
        <a href="#/" style={{ fontWeight: 600 }}>
          {t('console.title')}
        </a>
        <span style={{ flex: 1 }} />
        <span data-testid="console-user">{t('console.signedInAs', { name: me.name, role: t(`console.role.${me.role}`) })}</span>
        <LanguagePicker />
        <Button onClick={() => void signOut(false)} data-testid="console-signout">
          {t('console.signOut')}
        </Button>
        <Button onClick={() => void signOut(true)} data-testid="console-signout-everywhere">
          {t('console.signOutEverywhere')}
        </Button>
      </header>
      <main style={{ padding: 16 }}>{me.calls.includes('search') ? <Pages /> : <Alert type="info" message={t('console.noClipsForRole')} />}</main>
    </div>
  );
}

function LanguagePicker() {
  const { i18n } = useTranslation();
  return (
    <Select
      size="small"
      value={i18n.language as Language}
      onChange={(v: Language) => setLanguage(v)}
      options={Object.entries(LANGUAGES).map(([value, label]) => ({ value, label }))}
      data-testid="console-language"
      style={{ width: 110 }}
    />
  );
}

function Login({ onIn, notice }: { onIn: (me: ConsoleMe) => void; notice: string | null }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onIn(await consoleApi.login(name.trim(), password));
    } catch (err) {
      if (err instanceof ConsoleError && err.code === 'locked') setError(t('console.locked', { sec: err.retryAfterSec ?? 30 }));
      else if (err instanceof ConsoleError && err.code === 'wrong-password') setError(t('console.wrongPassword'));
      else setError(t('console.unreachable', { detail: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="console-page" style={{ maxWidth: 360, margin: '10vh auto', padding: 16 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h1 style={{ fontSize: 22 }}>{t('console.title')}</h1>
        <LanguagePicker />
      </div>
      {notice && <Alert type="success" message={notice} style={{ marginBottom: 12 }} data-testid="console-notice" />}
      <form onSubmit={(e) => void submit(e)} data-testid="console-login">
        <Space direction="vertical" style={{ width: '100%' }}>
          <label>
            {t('console.name')}
            <Input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" autoFocus data-testid="console-name" />
          </label>
          <label>
            {t('console.password')}
            <Input.Password value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="console-password" />
          </label>
          {error && <Alert type="error" message={error} data-testid="console-login-error" />}
          <Button type="primary" htmlType="submit" loading={busy} disabled={!name.trim() || !password} block data-testid="console-signin">
            {t('console.signIn')}
          </Button>
        </Space>
      </form>
    </div>
  );
}

function Pages() {
  const route = useRoute();
  // The search page stays mounted under the clip page, so going back keeps the results.
  return (
    <>
      <div style={{ display: route.page === 'search' ? undefined : 'none' }}>
        <SearchPage />
      </div>
      {route.page === 'clip' && <ClipPage station={route.station} clipId={route.clipId} />}
    </>
  );
}

const PAGE = 50;

function SearchPage() {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [station, setStation] = useState('');
  const [operator, setOperator] = useState('');
  const [mode, setMode] = useState('');
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
      ...(range?.[0] ? { from: range[0].valueOf() } : {}),
      ...(range?.[1] ? { to: range[1].valueOf() } : {}),
    }),
    [station, operator, mode, range],
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
              { title: t('console.order'), dataIndex: 'order', render: (v: string) => <span className="mono">{v}</span> },
              { title: t('console.station'), dataIndex: 'stationName' },
              { title: t('console.time'), dataIndex: 'startedAt', render: (v: number) => when(v) },
              { title: t('console.duration'), dataIndex: 'durationMs', render: (v: number) => mmss(v) },
              { title: t('console.operator'), dataIndex: 'operator', render: (v: string | null) => v ?? '—' },
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

function ClipPage({ station, clipId }: { station: string; clipId: string }) {
  const { t, i18n } = useTranslation();
  const [clip, setClip] = useState<ConsoleClip | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setClip(null);
    setError(null);
    consoleApi.clip(station, clipId).then(
      (a) => setClip(a.clip),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [station, clipId]);
  return (
    <div data-testid="console-clip">
      <Button onClick={() => history.back()} data-testid="console-back">
        {t('console.back')}
      </Button>
      {error && <Alert type="error" message={error} style={{ marginTop: 12 }} />}
      {clip && (
        <div style={{ marginTop: 12 }}>
          <h2 className="mono" data-testid="console-clip-order">
            {clip.order}
          </h2>
          <p data-testid="console-clip-meta">
            {t('console.clipMeta', {
              station: clip.stationName,
              time: new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(clip.startedAt)),
              duration: mmss(clip.durationMs),
              operator: clip.operator ?? '—',
            })}
          </p>
          <div style={{ maxWidth: 960 }}>
            <VideoPlayer src={consoleApi.mediaUrl(clip.station, clip.clipId)} fps={30} />
          </div>
          <p className="mono" style={{ fontSize: 12, color: '#666', wordBreak: 'break-all' }}>
            SHA-256 {clip.sha256}
          </p>
        </div>
      )}
    </div>
  );
}

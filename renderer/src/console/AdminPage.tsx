// The admin's pages (#/admin/<tab>): users, enrollment codes for stations, the stations, the audit
// log. The hub lets only the admin role make these calls; the page is what an admin sees instead
// of find.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, DatePicker, Input, Popconfirm, Select, Space, Table, Tabs } from 'antd';
import type { Dayjs } from 'dayjs';
import {
  CONSOLE_ROLES,
  type AuditEntry,
  type ConsoleRole,
  type ConsoleStation,
  type ConsoleUserRow,
  type EnrollCodeAnswer,
} from '../../../shared/consoleWire.ts';
import { ConsoleError, consoleApi, type AuditFilters } from './api.ts';
import { ADMIN_TABS, type AdminTab } from './route.ts';

const MIN_PASSWORD = 10;

function useWhen(): (ms: number | null) => string {
  const { t, i18n } = useTranslation();
  return (ms) =>
    ms === null ? t('console.admin.never') : new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function expired(err: unknown): void {
  if (err instanceof ConsoleError && err.status === 401) location.reload();
}

export function AdminPage({ tab, me }: { tab: AdminTab; me: string }) {
  const { t } = useTranslation();
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => {
        location.hash = `#/admin/${k}`;
      }}
      data-testid="console-admin"
      items={ADMIN_TABS.map((k) => ({
        key: k,
        label: <span data-testid={`console-admin-tab-${k}`}>{t(`console.admin.tab.${k}`)}</span>,
        children: k === 'users' ? <Users me={me} /> : k === 'enroll' ? <Enroll /> : k === 'stations' ? <Stations /> : <Audit />,
      }))}
    />
  );
}

function Users({ me }: { me: string }) {
  const { t } = useTranslation();
  const when = useWhen();
  const [users, setUsers] = useState<ConsoleUserRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<ConsoleRole>('service');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    consoleApi.users().then(
      (a) => setUsers(a.users),
      (err: unknown) => {
        setError(messageOf(err));
        expired(err);
      },
    );
  }, []);
  useEffect(load, [load]);

  const act = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await what();
      setNotice(done);
      load();
    } catch (err) {
      setError(messageOf(err));
      expired(err);
    }
  };

  // Said before asking the hub: a password shorter than the hub takes, or two that differ.
  const problem =
    password.length > 0 && password.length < MIN_PASSWORD
      ? t('console.admin.passwordShort', { n: MIN_PASSWORD })
      : again.length > 0 && again !== password
        ? t('console.admin.passwordsDiffer')
        : null;
  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    if (problem || !name.trim() || password !== again) return;
    setBusy(true);
    await act(() => consoleApi.userAdd(name.trim(), role, password), t('console.admin.added', { name: name.trim() }));
    setBusy(false);
    setName('');
    setPassword('');
    setAgain('');
  };

  return (
    <div data-testid="console-users">
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} data-testid="console-admin-error" />}
      {notice && <Alert type="success" message={notice} style={{ marginBottom: 12 }} data-testid="console-admin-notice" />}
      <Table<ConsoleUserRow>
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={users ?? []}
        loading={users === null}
        onRow={(u) => ({ 'data-testid': `console-user-row-${u.name}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('console.name'), dataIndex: 'name' },
          { title: t('console.admin.role'), dataIndex: 'role', render: (r: ConsoleRole) => t(`console.role.${r}`) },
          { title: t('console.admin.created'), dataIndex: 'createdAt', render: (v: number) => when(v) },
          { title: t('console.admin.sessions'), dataIndex: 'sessions' },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, u: ConsoleUserRow) => (
              <Space>
                <Button
                  size="small"
                  onClick={() => void act(() => consoleApi.userLogout(u.name), t('console.admin.loggedOut', { name: u.name }))}
                  data-testid="console-user-logout"
                >
                  {t('console.admin.logoutEverywhere')}
                </Button>
                <Popconfirm
                  title={t('console.admin.removeConfirm', { name: u.name })}
                  okText={t('console.admin.remove')}
                  cancelText={t('console.admin.cancel')}
                  onConfirm={() => void act(() => consoleApi.userRemove(u.name), t('console.admin.removed', { name: u.name }))}
                >
                  <Button size="small" danger disabled={u.name === me} data-testid="console-user-remove">
                    {t('console.admin.remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <h3 style={{ marginTop: 16 }}>{t('console.admin.addUser')}</h3>
      <form onSubmit={(e) => void add(e)} data-testid="console-user-add">
        <Space wrap align="start">
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('console.name')} style={{ width: 160 }} data-testid="console-new-name" />
          <Select<ConsoleRole>
            value={role}
            onChange={setRole}
            style={{ width: 170 }}
            options={CONSOLE_ROLES.map((r) => ({ value: r, label: t(`console.role.${r}`), 'data-testid': `console-new-role-${r}` }))}
            data-testid="console-new-role"
          />
          <Input.Password
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            placeholder={t('console.password')}
            autoComplete="new-password"
            data-testid="console-new-password"
          />
          <Input.Password
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            placeholder={t('console.admin.passwordAgain')}
            autoComplete="new-password"
            data-testid="console-new-password2"
          />
          <Button
            type="primary"
            htmlType="submit"
            loading={busy}
            disabled={!!problem || !name.trim() || !password || password !== again}
            data-testid="console-new-add"
          >
            {t('console.admin.add')}
          </Button>
        </Space>
        {problem && <Alert type="warning" message={problem} style={{ marginTop: 8 }} data-testid="console-new-problem" />}
      </form>
    </div>
  );
}

function Enroll() {
  const { t } = useTranslation();
  const when = useWhen();
  const [code, setCode] = useState<EnrollCodeAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      setCode(await consoleApi.enrollCode());
    } catch (err) {
      setError(messageOf(err));
      expired(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="console-enroll">
      <p>{t('console.admin.enrollHint')}</p>
      <Button type="primary" onClick={() => void make()} loading={busy} data-testid="console-enroll-make">
        {t('console.admin.makeCode')}
      </Button>
      {error && <Alert type="error" message={error} style={{ marginTop: 12 }} />}
      {code && (
        <div style={{ marginTop: 16, display: 'flex', gap: 24, alignItems: 'flex-start', flexWrap: 'wrap' }}>
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.qrSvg)}`}
            width={220}
            height={220}
            alt={code.code}
            data-testid="console-enroll-qr"
          />
          <div>
            <div className="mono" style={{ fontSize: 18, userSelect: 'all' }} data-testid="console-enroll-code">
              {code.code}
            </div>
            <p data-testid="console-enroll-expiry">{t('console.admin.expires', { time: when(code.expiresAt) })}</p>
            <p>{t('console.admin.enrollCommand')}</p>
            <pre className="mono" style={{ userSelect: 'all', whiteSpace: 'pre-wrap' }}>{`packwitness enroll ${location.origin} ${code.code}`}</pre>
          </div>
        </div>
      )}
    </div>
  );
}

function Stations() {
  const { t } = useTranslation();
  const when = useWhen();
  const [stations, setStations] = useState<ConsoleStation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    consoleApi.stations().then(
      (a) => setStations(a.stations),
      (err: unknown) => {
        setError(messageOf(err));
        expired(err);
      },
    );
  }, []);
  return (
    <div data-testid="console-stations">
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Table<ConsoleStation>
        rowKey="fingerprint"
        size="small"
        pagination={false}
        loading={stations === null}
        dataSource={stations ?? []}
        onRow={() => ({ 'data-testid': 'console-station-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('console.station'), dataIndex: 'name' },
          {
            title: t('console.admin.fingerprint'),
            dataIndex: 'fingerprint',
            render: (v: string) => (
              <span className="mono" title={v}>
                {v.slice(0, 16).replace(/(.{4})(?!$)/g, '$1 ')}
              </span>
            ),
          },
          { title: t('console.admin.lastSeen'), dataIndex: 'lastSeen', render: (v: number | null) => when(v) },
          { title: t('console.admin.clips'), dataIndex: 'clips' },
          {
            title: t('console.admin.anchor'),
            key: 'anchor',
            render: (_: unknown, s: ConsoleStation) => (s.anchorAt === null ? t('console.admin.noAnchor') : when(s.anchorAt)),
          },
          { title: t('console.admin.enrolled'), dataIndex: 'enrolledAt', render: (v: number) => when(v) },
        ]}
      />
    </div>
  );
}

const AUDIT_ACTIONS = [
  'login',
  'login-refused',
  'login-locked',
  'search',
  'play',
  'verify',
  'export',
  'hold',
  'release',
  'user-add',
  'user-logout',
  'user-remove',
  'enroll-code',
];
const AUDIT_PAGE = 100;

function Audit() {
  const { t } = useTranslation();
  const when = useWhen();
  const [user, setUser] = useState('');
  const [action, setAction] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const filters = (): AuditFilters => ({
    user: user.trim(),
    action,
    ...(range?.[0] ? { from: range[0].valueOf() } : {}),
    ...(range?.[1] ? { to: range[1].valueOf() } : {}),
  });
  const load = async (before?: number) => {
    setError(null);
    try {
      const a = await consoleApi.audit({ ...filters(), limit: AUDIT_PAGE, ...(before !== undefined ? { before } : {}) });
      setEntries(before !== undefined ? [...(entries ?? []), ...a.entries] : a.entries);
      setNext(a.entries.length === AUDIT_PAGE ? a.next : null);
    } catch (err) {
      setError(messageOf(err));
      expired(err);
    }
  };
  // The first page once, unfiltered; the filters apply on Show.
  useEffect(() => void load(), []);

  return (
    <div data-testid="console-audit">
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          value={user}
          onChange={(e) => setUser(e.target.value)}
          placeholder={t('console.admin.user')}
          style={{ width: 140 }}
          data-testid="console-audit-user"
        />
        <Select
          value={action}
          onChange={setAction}
          style={{ width: 170 }}
          // Every action in the list at once (a virtual list renders only the options in view).
          virtual={false}
          options={[{ value: '', label: t('console.admin.anyAction') }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: a }))].map((o) => ({
            ...o,
            'data-testid': `console-audit-action-${o.value || 'any'}`,
          }))}
          data-testid="console-audit-action"
        />
        <DatePicker.RangePicker showTime value={range} onChange={(v) => setRange(v as [Dayjs | null, Dayjs | null] | null)} data-testid="console-audit-range" />
        <Button type="primary" onClick={() => void load()} data-testid="console-audit-show">
          {t('console.admin.show')}
        </Button>
        <a href={consoleApi.auditCsvUrl(filters())} download data-testid="console-audit-csv">
          {t('console.admin.csv')}
        </a>
      </Space>
      {error && <Alert type="error" message={error} style={{ marginBottom: 12 }} />}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        pagination={false}
        loading={entries === null && !error}
        dataSource={entries ?? []}
        onRow={() => ({ 'data-testid': 'console-audit-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('console.time'), dataIndex: 'at', render: (v: number) => when(v) },
          { title: t('console.admin.user'), dataIndex: 'user' },
          { title: t('console.admin.action'), dataIndex: 'action' },
          { title: t('console.admin.clip'), key: 'clip', render: (_: unknown, e: AuditEntry) => (e.clipId ? <span className="mono">{e.clipId}</span> : '') },
          { title: t('console.admin.detail'), dataIndex: 'detail', render: (v: string | null) => v ?? '' },
          { title: t('console.admin.address'), dataIndex: 'address', render: (v: string | null) => v ?? '' },
        ]}
      />
      {next !== null && (
        <Button style={{ marginTop: 8 }} onClick={() => void load(next)} data-testid="console-audit-older">
          {t('console.admin.older')}
        </Button>
      )}
    </div>
  );
}

// The console: sign in, then the page the URL hash names (route.ts): find (SearchPage) or one clip
// (ClipPage).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Input, Select, Space } from 'antd';
import type { ConsoleMe } from '../../../shared/consoleWire.ts';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';
import { ConsoleError, consoleApi } from './api.ts';
import { useRoute } from './route.ts';
import { SearchPage } from './SearchPage.tsx';
import { ClipPage } from './ClipPage.tsx';
import { AdminPage } from './AdminPage.tsx';

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
        {me.calls.includes('users') && (
          <a href="#/admin/users" data-testid="console-admin-link">
            {t('console.admin.title')}
          </a>
        )}
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
      <main style={{ padding: 16 }}>
        <Pages me={me} />
      </main>
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

function Pages({ me }: { me: ConsoleMe }) {
  const { t } = useTranslation();
  const route = useRoute();
  const admin = me.calls.includes('users');
  if (route.page === 'admin' || (admin && !me.calls.includes('search'))) {
    if (!admin) return <Alert type="info" message={t('console.noAdminForRole')} />;
    return <AdminPage tab={route.page === 'admin' ? route.tab : 'users'} me={me.name} />;
  }
  if (!me.calls.includes('search')) return <Alert type="info" message={t('console.noClipsForRole')} />;
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

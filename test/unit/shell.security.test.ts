// Door 1's security checklist, asserted on the real window options and the real handlers the
// shell installs (Electron replaced by recording fakes; no Electron binary needed).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserWindow, Session, WebContents } from 'electron';
import { Engine } from '../../electron/engine/engine.ts';
import { APP_ORIGIN, createAppHandler, isAppUrl, registerAppScheme } from '../../electron/main/protocol.ts';
import { installCsp, installPermissionHandlers, lockDownContents } from '../../electron/main/security.ts';
import { createStationWindow, stationWindowOptions } from '../../electron/main/window.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/doors/mime.ts';
import { createFakeElectron, FakeWebContents, preventable } from '../helpers/fakeElectron.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('station window options', () => {
  it('isolates, sandboxes and keeps Node out of the page; never throttles in the background', () => {
    const fake = createFakeElectron();
    const win = createStationWindow(fake.BrowserWindow as unknown as new () => BrowserWindow, { preload: '/app/out/electron/preload.cjs', devTools: false });
    const w = fake.windows[0]!;
    expect(win).toBe(w as unknown);
    const wp = w.options.webPreferences;
    expect(wp).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      backgroundThrottling: false,
      devTools: false,
      preload: '/app/out/electron/preload.cjs',
    });
    expect(w.webContents.getURL()).toBe('app://packwitness/index.html');
    expect(w.options.show).toBe(false);
    w.emit('ready-to-show');
    expect(w.shown).toHaveBeenCalled();
  });

  it('the options object is the same whatever the icon', () => {
    const a = stationWindowOptions({ preload: 'p', devTools: true });
    const b = stationWindowOptions({ preload: 'p', devTools: true, icon: '/i.png' });
    expect({ ...b, icon: undefined }).toEqual({ ...a, icon: undefined });
  });
});

describe('our origin', () => {
  it.each([
    ['app://packwitness/index.html', true],
    ['app://packwitness/media/clips/abc', true],
    ['app://evil/index.html', false],
    ['app://packwitness.evil.com/', false],
    ['app://user:pw@packwitness/', false],
    ['http://packwitness/', false],
    ['https://example.com/', false],
    ['file:///etc/passwd', false],
    ['devtools://devtools/bundled/x.html', false],
    ['', false],
    ['not a url', false],
  ])('%s → %s', (url, ours) => expect(isAppUrl(url)).toBe(ours));

  it('registers app:// as standard, secure, streaming and fetchable — and nothing more', () => {
    const fake = createFakeElectron();
    registerAppScheme(fake.protocol);
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
    ]);
  });
});

describe('navigation and new windows', () => {
  const contents = new FakeWebContents();
  lockDownContents(contents as unknown as WebContents);

  it.each(['https://example.com/', 'file:///etc/passwd', 'app://other/', 'http://127.0.0.1:8080/'])('refuses to navigate to %s', (url) => {
    for (const ev of ['will-navigate', 'will-redirect']) {
      const e = preventable();
      contents.emit(ev, e, url);
      expect(e.defaultPrevented).toBe(true);
    }
    const f = preventable({ url });
    contents.emit('will-frame-navigate', f);
    expect(f.defaultPrevented).toBe(true);
  });

  it('lets our own pages load', () => {
    const e = preventable();
    contents.emit('will-navigate', e, `${APP_ORIGIN}/index.html`);
    expect(e.defaultPrevented).toBe(false);
  });

  it('denies every new window and every <webview>', () => {
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: `${APP_ORIGIN}/index.html` })).toEqual({ action: 'deny' });
    const e = preventable();
    contents.emit('will-attach-webview', e, {}, {});
    expect(e.defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  let microphone = false;
  const fake = createFakeElectron();
  const ses = fake.session.defaultSession;
  installPermissionHandlers(ses as unknown as Session, { allowMicrophone: () => microphone });
  const ours = { getURL: () => `${APP_ORIGIN}/index.html` };
  const foreign = { getURL: () => 'https://evil.example/' };
  const request = (wc: unknown, permission: string, requestingUrl: string, mediaTypes?: string[]): boolean => {
    let granted: boolean | null = null;
    ses.permissionRequestHandler!(wc, permission, (g: boolean) => (granted = g), { requestingUrl, isMainFrame: true, ...(mediaTypes ? { mediaTypes } : {}) });
    expect(granted).not.toBeNull();
    return granted!;
  };
  const check = (wc: unknown, permission: string, origin: string, mediaType?: string): boolean =>
    ses.permissionCheckHandler!(wc, permission, origin, { requestingUrl: origin, isMainFrame: true, ...(mediaType ? { mediaType } : {}) }) as boolean;

  it('grants the camera to our page', () => {
    expect(request(ours, 'media', `${APP_ORIGIN}/index.html`, ['video'])).toBe(true);
    expect(check(ours, 'media', APP_ORIGIN + '/', 'video')).toBe(true);
  });

  it('denies the camera to any other origin, even inside our window', () => {
    expect(request(ours, 'media', 'https://evil.example/', ['video'])).toBe(false);
    expect(request(foreign, 'media', `${APP_ORIGIN}/index.html`, ['video'])).toBe(false);
    expect(request(ours, 'media', 'file:///x.html', ['video'])).toBe(false);
    expect(check(ours, 'media', 'https://evil.example', 'video')).toBe(false);
    expect(check(foreign, 'media', APP_ORIGIN + '/', 'video')).toBe(false);
  });

  it('grants the microphone only while the setting allows it', () => {
    microphone = false;
    expect(request(ours, 'media', `${APP_ORIGIN}/`, ['video', 'audio'])).toBe(false);
    expect(request(ours, 'media', `${APP_ORIGIN}/`, ['audio'])).toBe(false);
    expect(check(ours, 'media', `${APP_ORIGIN}/`, 'audio')).toBe(false);
    microphone = true;
    expect(request(ours, 'media', `${APP_ORIGIN}/`, ['video', 'audio'])).toBe(true);
    expect(check(ours, 'media', `${APP_ORIGIN}/`, 'audio')).toBe(true);
    microphone = false;
  });

  it.each(['geolocation', 'notifications', 'display-capture', 'openExternal', 'hid', 'usb', 'serial', 'midi', 'clipboard-read', 'pointerLock'])(
    'denies %s even to our page',
    (permission) => {
      expect(request(ours, permission, `${APP_ORIGIN}/`)).toBe(false);
      expect(check(ours, permission, `${APP_ORIGIN}/`)).toBe(false);
    },
  );

  it('denies raw device access (WebHID/USB/Serial pickers)', () => {
    expect(ses.devicePermissionHandler!({ deviceType: 'hid', origin: APP_ORIGIN })).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  it('is put on every response of the session, replacing any other', () => {
    const fake = createFakeElectron();
    const ses = fake.session.defaultSession;
    installCsp(ses as unknown as Session);
    let out: any;
    ses.headersHandler!(
      { url: 'app://packwitness/index.html', responseHeaders: { 'content-security-policy': ['default-src *'], 'x-a': ['1'] } },
      (r: unknown) => (out = r),
    );
    expect(out.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(out.responseHeaders['content-security-policy']).toBeUndefined();
    expect(out.responseHeaders['x-a']).toEqual(['1']);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'/); // 'wasm-unsafe-eval' (WebAssembly only) is allowed
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});

describe('app:// pages', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let handler: (r: Request) => Promise<Response>;
  beforeAll(async () => {
    t = tmpDir();
    const web = path.join(t.dir, 'renderer');
    fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>PackWitness</title>');
    fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'secret');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    handler = createAppHandler({ engine, staticDir: web });
  });
  afterAll(async () => {
    await engine.close();
    t.cleanup();
  });

  it('serves index.html with the CSP, assets without', async () => {
    const page = await handler(new Request('app://packwitness/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>PackWitness</title>');
    const route = await handler(new Request('app://packwitness/search'));
    expect(await route.text()).toContain('<title>PackWitness</title>');
    const js = await handler(new Request('app://packwitness/assets/app.js'));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fsecret.txt', '/nope.js', '/%E0%A4%A.js'])(
    'never serves a file outside the renderer: %s',
    async (p) => {
      const res = await handler(new Request(`app://packwitness${p}`));
      const body = await res.text();
      expect(body).not.toContain('secret');
      // Either a refusal or our own page (an unknown route) — never the file.
      if (res.status !== 404) expect(body).toContain('<title>PackWitness</title>');
      if (p.endsWith('secret.txt') || p === '/nope.js') expect(res.status).toBe(404);
    },
  );

  it('answers only for our host and only GET/HEAD', async () => {
    expect((await handler(new Request('app://evil/index.html'))).status).toBe(404);
    expect((await handler(new Request('app://packwitness/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect((await handler(new Request('app://packwitness/media/clips/..%2f..%2fetc'))).status).toBe(404);
    expect((await handler(new Request('app://packwitness/media/clips/nope'))).status).toBe(404);
  });
});

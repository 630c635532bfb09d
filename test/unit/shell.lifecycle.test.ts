// The desktop entry point (electron/main/main.ts) run against a fake 'electron' module and a real
// Engine: where the data lives, one instance at a time, the wake lock and tray while recording,
// start at login, and — the part that protects evidence — closing or quitting while recording
// finishes the clip first.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App, BrowserWindow, IpcMain } from 'electron';
import { Engine } from '../../electron/engine/engine.ts';
import { defaultDataDir, PRODUCT_NAME } from '../../electron/engine/paths.ts';
import { registerIpc, type WireResult } from '../../electron/main/ipc.ts';
import { chooseKeyProtector } from '../../electron/main/keyProtector.ts';
import { applyStartAtLogin, installQuitGuard, trayView } from '../../electron/main/lifecycle.ts';
import { createFakeElectron, type FakeElectron } from '../helpers/fakeElectron.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

// Each launch gets a fresh fake; the mocked module reads the current one on every access.
vi.mock('electron', () => {
  const current = () => (globalThis as { __pwFakeElectron?: Record<string, unknown> }).__pwFakeElectron!;
  const keys = ['app', 'BrowserWindow', 'dialog', 'ipcMain', 'Menu', 'nativeImage', 'powerSaveBlocker', 'protocol', 'safeStorage', 'session', 'Tray'];
  return new Proxy({}, { get: (_t, k) => current()[k as string], has: (_t, k) => keys.includes(k as string) });
});

const PAGE = 'app://packwitness/index.html';
const fromPage = { senderFrame: { url: PAGE, parent: null }, sender: {} };

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let t: ReturnType<typeof tmpDir>;
let webm: Buffer;
const savedEnv = { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, PACKWITNESS_DATA: process.env.PACKWITNESS_DATA };

beforeEach(() => {
  t = tmpDir();
  process.env.XDG_CONFIG_HOME = path.join(t.dir, 'config');
  delete process.env.PACKWITNESS_DATA;
  const app = path.join(t.dir, 'app');
  fs.mkdirSync(path.join(app, 'out', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(app, 'out', 'renderer', 'index.html'), '<!doctype html><title>PackWitness</title>');
  fs.mkdirSync(path.join(app, 'out', 'electron', 'icons'), { recursive: true });
  for (const n of ['tray-idle.png', 'tray-recording.png']) fs.copyFileSync(path.join('assets', n), path.join(app, 'out', 'electron', 'icons', n));
  if (!webm) {
    makeWebmH264(path.join(t.dir, 'src.webm'), 2);
    webm = fs.readFileSync(path.join(t.dir, 'src.webm'));
  }
});
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  t.cleanup();
});

/** Loads main.ts afresh against a new fake Electron and lets the app become ready. */
async function launch(lock = true): Promise<FakeElectron> {
  const fake = createFakeElectron({ lock, appPath: path.join(t.dir, 'app') });
  (globalThis as { __pwFakeElectron?: unknown }).__pwFakeElectron = fake;
  vi.resetModules();
  const main = await import('../../electron/main/main.ts');
  fake.app.ready();
  await main.started;
  return fake;
}

const call = (fake: FakeElectron, name: string, input: unknown) => fake.ipcMain.invoke('pw:call', PAGE, name, input) as Promise<WireResult>;

async function startRecording(fake: FakeElectron, order: string, chunks: Buffer[]): Promise<string> {
  const start = await call(fake, 'recording.start', { order, mimeType: 'video/webm;codecs=avc1' });
  if (!start.ok) throw new Error(start.error.message);
  const { recordingId } = start.result as { recordingId: string };
  for (const [seq, c] of chunks.entries()) {
    const r = await call(fake, 'recording.chunk', { recordingId, seq, data: new Uint8Array(c) });
    if (!r.ok) throw new Error(r.error.message);
  }
  return recordingId;
}

function split(buf: Buffer, n: number): Buffer[] {
  const size = Math.ceil(buf.length / n);
  return Array.from({ length: n }, (_, i) => buf.subarray(i * size, (i + 1) * size));
}

async function findClip(dataDir: string, order: string, fake?: FakeElectron) {
  const engine = await Engine.open({ dataDir, ...(fake ? { keyProtector: chooseKeyProtector(dataDir, fake.safeStorage).protector } : {}) });
  try {
    return (await engine.call('clips.search', { q: order }, { door: 'ipc' })).clips;
  } finally {
    await engine.close();
  }
}

describe('desktop entry point', () => {
  it('keeps its data in the user data folder the CLI and the HTTP door use', async () => {
    const fake = await launch();
    const userData = fake.app.getPath('userData');
    expect(userData).toBe(path.join(process.env.XDG_CONFIG_HOME!, PRODUCT_NAME));
    expect(userData).toBe(defaultDataDir());
    // First run created the index and the clips folder there — nothing inside the app.
    expect(fs.existsSync(path.join(userData, 'index.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(userData, 'clips'))).toBe(true);
    expect(fs.readdirSync(path.join(t.dir, 'app'))).toEqual(['out']);
    // The signing key is encrypted with the OS keystore (safeStorage), not stored as plain PEM.
    const keyDir = path.join(userData, 'keys');
    expect(fs.readFileSync(path.join(keyDir, 'station.key.protector'), 'utf8').trim()).toBe('safeStorage');
    expect(fs.readFileSync(path.join(keyDir, 'station.key')).toString('latin1')).not.toContain('PRIVATE KEY');
    expect(fs.readFileSync(path.join(keyDir, 'station.pem'), 'utf8')).toContain('PUBLIC KEY');
    const info = await call(fake, 'station.info', {});
    expect(info.ok && (info.result as { dataDir: string }).dataDir).toBe(userData);
    await fake.app.quit();
    await until(() => fake.app.quitted, 'quit');
  });

  it('wires the secure window, the app:// scheme and the session handlers', async () => {
    const fake = await launch();
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(fake.windows).toHaveLength(1);
    const w = fake.windows[0]!;
    expect(w.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      backgroundThrottling: false,
    });
    expect(w.options.webPreferences.preload).toBe(path.join(t.dir, 'app', 'out', 'electron', 'preload.cjs'));
    expect(w.webContents.getURL()).toBe(PAGE);
    const ses = fake.session.defaultSession;
    expect(ses.protocolHandlers.has('app')).toBe(true);
    expect(ses.permissionRequestHandler).toBeTypeOf('function');
    expect(ses.permissionCheckHandler).toBeTypeOf('function');
    expect(ses.headersHandler).toBeTypeOf('function');
    expect(fake.app.count('web-contents-created')).toBe(1);
    const page = await ses.protocolHandlers.get('app')!(new Request(PAGE));
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(fake.trays).toHaveLength(1);
    expect(fake.trays[0]!.tooltip).toBe(trayView({ recording: false, order: null }).tooltip);
    await fake.app.quit();
  });

  it('a second launch quits at once and brings the first window to the front', async () => {
    const first = await launch(true);
    const w = first.windows[0]!;
    w.minimized = true;
    first.app.emit('second-instance', {}, ['packwitness'], '/');
    expect(w.restored).toHaveBeenCalled();
    expect(w.focused).toHaveBeenCalled();

    const second = await launch(false);
    expect(second.app.quit).toHaveBeenCalled();
    expect(second.windows).toHaveLength(0);
    expect(second.session.defaultSession.protocolHandlers.size).toBe(0);
    await first.app.quit();
  });

  it('closing the window while recording finishes the clip with every chunk the page still held', async () => {
    const fake = await launch();
    const dataDir = fake.app.getPath('userData');
    const chunks = split(webm, 6);
    const id = await startRecording(fake, 'CLOSE-0001', chunks.slice(0, 3));
    // Awake and showing it while recording.
    expect(fake.powerSaveBlocker.active()).toEqual(['prevent-display-sleep']);
    expect(fake.trays[0]!.tooltip).toContain('recording CLOSE-0001');

    // The page, asked to stop, uploads the rest and finishes the clip, then says it is done.
    const w = fake.windows[0]!;
    w.webContents.on('sent:pw:shutdown', async () => {
      for (let seq = 3; seq < chunks.length; seq++) await call(fake, 'recording.chunk', { recordingId: id, seq, data: new Uint8Array(chunks[seq]!) });
      await call(fake, 'recording.finish', { recordingId: id, reason: 'shutdown', chunkCount: chunks.length });
      fake.ipcMain.emit('pw:shutdown-done', fromPage);
    });
    w.close();
    expect(w.destroyed).toBe(false); // held open until the clip is safe
    await until(() => fake.app.quitted, 'the app to quit');
    expect(w.destroyed).toBe(true);
    expect(fake.powerSaveBlocker.active()).toEqual([]);
    expect(fake.trays[0]!.destroyed).toBe(true);

    const clips = await findClip(dataDir, 'CLOSE-0001', fake);
    expect(clips).toHaveLength(1);
    expect(clips[0]!.status).toBe('ok');
    expect(clips[0]!.stopReason).toBe('shutdown');
    expect(clips[0]!.durationMs).toBeGreaterThan(1800); // all of it, not just the first half
    expect(clips[0]!.note).toBeNull();
  });

  it('turns start-at-login on and off from the setting', async () => {
    const fake = await launch();
    const entry = path.join(process.env.XDG_CONFIG_HOME!, 'autostart', 'packwitness.desktop');
    expect(fs.existsSync(entry)).toBe(false);
    await call(fake, 'settings.update', { startAtLogin: true });
    expect(fs.readFileSync(entry, 'utf8')).toContain(`Exec="${process.execPath}"`);
    await call(fake, 'settings.update', { startAtLogin: false });
    expect(fs.existsSync(entry)).toBe(false);
    await fake.app.quit();
  });
});

describe('quit guard with a page that does not answer', () => {
  it('seals the recording from what reached the station once the wait runs out', async () => {
    const fake = createFakeElectron();
    const dataDir = path.join(t.dir, 'data');
    const engine = await Engine.open({ dataDir });
    const win = new fake.BrowserWindow({});
    await win.loadURL(PAGE);
    registerIpc(fake.ipcMain as unknown as IpcMain, { engine }, () => win as unknown as BrowserWindow);
    await startRecording(fake, 'HUNG-0001', split(webm, 2));
    const guard = installQuitGuard({
      app: fake.app as unknown as App,
      ipcMain: fake.ipcMain as unknown as IpcMain,
      engine,
      getWindow: () => win as unknown as BrowserWindow,
      timeoutMs: 300,
    });
    fake.app.quit();
    expect(fake.app.quitted).toBe(false);
    expect(win.webContents.sent.map((s) => s.channel)).toContain('pw:shutdown');
    await until(() => fake.app.quitted, 'the app to quit');
    expect(guard.done).toBe(true);
    const clips = await findClip(dataDir, 'HUNG-0001');
    expect(clips).toHaveLength(1);
    expect(clips[0]!.stopReason).toBe('shutdown');
    expect(clips[0]!.note).toContain('shut down');
    expect(clips[0]!.durationMs).toBeGreaterThan(1800); // both chunks had arrived
  });

  it('ignores a "done" from any other page', async () => {
    const fake = createFakeElectron();
    const engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    const win = new fake.BrowserWindow({});
    await win.loadURL(PAGE);
    registerIpc(fake.ipcMain as unknown as IpcMain, { engine }, () => win as unknown as BrowserWindow);
    await startRecording(fake, 'SPOOF-001', split(webm, 2));
    installQuitGuard({
      app: fake.app as unknown as App,
      ipcMain: fake.ipcMain as unknown as IpcMain,
      engine,
      getWindow: () => win as unknown as BrowserWindow,
      timeoutMs: 400,
    });
    fake.app.quit();
    fake.ipcMain.emit('pw:shutdown-done', { senderFrame: { url: 'https://evil.example/', parent: null }, sender: {} });
    await new Promise((r) => setTimeout(r, 100));
    expect(engine.activeRecordings()).toHaveLength(1); // still waiting for our page
    await until(() => fake.app.quitted, 'the app to quit');
  });
});

describe('start at login on Windows and macOS', () => {
  it.each(['win32', 'darwin'] as const)('%s uses the login item API', (platform) => {
    const fake = createFakeElectron();
    applyStartAtLogin(fake.app as unknown as App, true, platform);
    expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true });
    applyStartAtLogin(fake.app as unknown as App, false, platform);
    expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false });
  });

  it('an AppImage registers the AppImage file, not its temporary mount', () => {
    const fake = createFakeElectron();
    const env = { XDG_CONFIG_HOME: path.join(t.dir, 'cfg'), APPIMAGE: '/home/p/Apps/PackWitness "v1".AppImage' };
    applyStartAtLogin(fake.app as unknown as App, true, 'linux', env, '/tmp/.mount_x/packwitness');
    const text = fs.readFileSync(path.join(env.XDG_CONFIG_HOME, 'autostart', 'packwitness.desktop'), 'utf8');
    expect(text).toContain('Exec="/home/p/Apps/PackWitness \\"v1\\".AppImage"');
  });
});

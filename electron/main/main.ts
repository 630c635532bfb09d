// Door 1 entry point (bundled to out/electron/main.cjs). One instance per PC; the data folder is
// the user's data folder for productName "PackWitness" — the same one the CLI and `packwitness
// serve` open by default (electron/engine/paths.ts), never the app bundle, so upgrades and
// reinstalls keep the index, clips, keys and settings.
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, powerSaveBlocker, protocol, safeStorage, session, Tray } from 'electron';
import { Engine } from '../engine/engine.ts';
import { PRODUCT_NAME } from '../engine/paths.ts';
import { registerIpc } from './ipc.ts';
import { chooseKeyProtector } from './keyProtector.ts';
import { applyStartAtLogin, createStationTray, createWakeLock, installQuitGuard, quitOnClose, trackRecordingState } from './lifecycle.ts';
import { APP_SCHEME, createAppHandler, registerAppScheme } from './protocol.ts';
import { installCsp, installPermissionHandlers, lockDownAllContents } from './security.ts';
import { createStationWindow, focusWindow } from './window.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

export const APP_ID = 'com.packwitness.station';

const log = (line: string): void => console.log(`[packwitness] ${line}`);

/** The data folder: PACKWITNESS_DATA when set (tests, a second disk), else <appData>/PackWitness. */
export function shellDataDir(appDataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.PACKWITNESS_DATA ? path.resolve(env.PACKWITNESS_DATA) : path.join(appDataDir, PRODUCT_NAME);
}

let win: BrowserWindow | null = null;
/** Settles once the window exists (or start failed); the tests wait on it. */
export let started: Promise<void> = Promise.resolve();

async function start(): Promise<void> {
  const root = app.getAppPath(); // the checkout in development, resources/app.asar when packed
  const dataDir = app.getPath('userData');
  let engine: Engine;
  try {
    const { protector, why } = chooseKeyProtector(dataDir, safeStorage);
    log(why);
    engine = await Engine.open({ dataDir, log, keyProtector: protector });
  } catch (err) {
    dialog.showErrorBox(`${PRODUCT_NAME} cannot open its data`, `${dataDir}\n\n${errorMessage(err)}`);
    app.exit(1);
    return;
  }
  log(`data folder ${dataDir}`);
  // Start-up check and retention (now, hourly, after each clip), as `packwitness serve` does.
  engine.startMaintenance();

  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, createAppHandler({ engine, staticDir: path.join(root, 'out', 'renderer') }));
  installCsp(ses);
  installPermissionHandlers(ses, { allowMicrophone: () => engine.settings.get().microphone });

  const wake = createWakeLock(powerSaveBlocker);
  const iconDir = path.join(root, 'out', 'electron', 'icons');
  const image = (name: string) => {
    try {
      // Read through fs so it works from inside app.asar as well.
      return nativeImage.createFromBuffer(fs.readFileSync(path.join(iconDir, `tray-${name}.png`)));
    } catch {
      return nativeImage.createEmpty();
    }
  };
  const setStartAtLogin = (on: boolean): void => {
    void engine.call('settings.update', { startAtLogin: on }, { door: 'ipc' }).catch((err: Error) => log(`start at login: ${err.message}`));
  };
  let tray: ReturnType<typeof createStationTray> | null = null;
  try {
    tray = createStationTray({
      Tray,
      Menu,
      image,
      onShow: () => focusWindow(win),
      onQuit: () => app.quit(),
      startAtLogin: () => engine.settings.get().startAtLogin,
      setStartAtLogin,
    });
  } catch (err) {
    // Some Linux desktops have no tray; the window alone is enough.
    log(`no tray: ${errorMessage(err)}`);
  }
  const tracker = trackRecordingState(engine, (state) => {
    wake.set(state.recording);
    tray?.update(state);
  });

  let loginItem = engine.settings.get().startAtLogin;
  try {
    log(`start at login: ${applyStartAtLogin(app, loginItem)}`);
  } catch (err) {
    log(`start at login: ${errorMessage(err)}`);
  }
  engine.on((e) => {
    if (e.event !== 'settings.changed') return;
    const want = e.payload.startAtLogin;
    if (want === loginItem) return;
    loginItem = want;
    try {
      log(`start at login: ${applyStartAtLogin(app, want)}`);
    } catch (err) {
      log(`start at login: ${errorMessage(err)}`);
    }
  });

  registerIpc(ipcMain, { engine, afterRecordingCall: () => tracker.refresh(), log }, () => win);
  const guard = installQuitGuard({
    app,
    ipcMain,
    engine,
    getWindow: () => win,
    log,
    onClosed: () => {
      tracker.dispose();
      wake.set(false);
      tray?.destroy();
    },
  });

  win = createStationWindow(BrowserWindow, {
    preload: path.join(root, 'out', 'electron', 'preload.cjs'),
    icon: path.join(iconDir, 'app.png'),
    devTools: !app.isPackaged,
  });
  quitOnClose(win, app, guard);
  win.on('closed', () => {
    win = null;
  });
}

export function main(): void {
  // Before anything reads it: the user's data folder is <appData>/PackWitness on every OS,
  // whatever name the executable or package.json carries.
  app.setName(PRODUCT_NAME);
  // Windows groups the taskbar button and notifications by this id; it matches electron-builder.yml.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  app.setPath('userData', shellDataDir(app.getPath('appData')));
  if (!app.requestSingleInstanceLock()) {
    // Two instances would fight over the camera and the index; the first one comes to the front.
    app.quit();
    return;
  }
  registerAppScheme(protocol);
  lockDownAllContents(app);
  Menu.setApplicationMenu(null);
  app.on('second-instance', () => focusWindow(win));
  app.on('window-all-closed', () => app.quit());
  process.on('SIGTERM', () => app.quit());
  process.on('SIGINT', () => app.quit());
  started = app.whenReady().then(start, (err: Error) => {
    log(`failed to start: ${err.message}`);
    app.exit(1);
  });
}

main();

// How the desktop app behaves over a working day: the PC stays awake while a parcel is being
// recorded, the tray shows whether the camera is recording, the app may start at login, and
// quitting (or closing the window) while recording first finishes the clip. Electron objects come
// in as parameters so the tests drive all of it with fakes and a real Engine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App, BrowserWindow, IpcMain, IpcMainEvent, Menu, MenuItemConstructorOptions, NativeImage, PowerSaveBlocker, Tray } from 'electron';
import type { Engine } from '../engine/engine.ts';
import { PRODUCT_NAME } from '../engine/paths.ts';
import { isTrustedSender, sendToPage, SHUTDOWN_CHANNEL, SHUTDOWN_DONE_CHANNEL } from './ipc.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

export interface StationState {
  recording: boolean;
  /** The order being recorded, when exactly one is. */
  order: string | null;
}

/** Follows the engine: which recordings are open, and tells onChange when that changes. */
export function trackRecordingState(engine: Engine, onChange: (state: StationState) => void): { refresh(): void; state(): StationState; dispose(): void } {
  const orders = new Map<string, string>();
  let last = '';
  const current = (): StationState => {
    const active = engine.activeRecordings();
    for (const id of [...orders.keys()]) if (!active.includes(id)) orders.delete(id);
    const names = active.map((id) => orders.get(id)).filter((o): o is string => !!o);
    return { recording: active.length > 0, order: names.length === 1 ? names[0]! : null };
  };
  const refresh = (): void => {
    const s = current();
    const key = JSON.stringify(s);
    if (key === last) return;
    last = key;
    onChange(s);
  };
  const off = engine.on((e) => {
    if (e.event === 'recording.started') orders.set(e.payload.recordingId, e.payload.order);
    // clip.saved / station.problem follow a finish; any event is a cheap moment to look again.
    refresh();
  });
  return { refresh, state: current, dispose: off };
}

/** Keeps the system (and the screen the packer watches) awake while recording. */
export function createWakeLock(blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>): { set(on: boolean): void; readonly held: boolean } {
  let id: number | null = null;
  return {
    set(on: boolean) {
      if (on && id === null) {
        // Not just 'prevent-app-suspension': the packer checks the preview, so the display stays on too.
        id = blocker.start('prevent-display-sleep');
      } else if (!on && id !== null) {
        if (blocker.isStarted(id)) blocker.stop(id);
        id = null;
      }
    },
    get held() {
      return id !== null;
    },
  };
}

export function trayView(state: StationState): { icon: 'idle' | 'recording'; tooltip: string } {
  if (!state.recording) return { icon: 'idle', tooltip: `${PRODUCT_NAME} — ready` };
  return { icon: 'recording', tooltip: `${PRODUCT_NAME} — recording${state.order ? ` ${state.order}` : ''}` };
}

export interface TrayDeps {
  Tray: new (image: NativeImage) => Tray;
  Menu: Pick<typeof Menu, 'buildFromTemplate'>;
  image: (name: 'idle' | 'recording') => NativeImage;
  onShow: () => void;
  onQuit: () => void;
  startAtLogin: () => boolean;
  setStartAtLogin: (on: boolean) => void;
}

export function createStationTray(d: TrayDeps): { update(state: StationState): void; destroy(): void } {
  const tray = new d.Tray(d.image('idle'));
  let state: StationState = { recording: false, order: null };
  const menu = (): MenuItemConstructorOptions[] => [
    { label: trayView(state).tooltip, enabled: false },
    { type: 'separator' },
    { label: `Show ${PRODUCT_NAME}`, click: d.onShow },
    { label: 'Start at login', type: 'checkbox', checked: d.startAtLogin(), click: (item) => d.setStartAtLogin(item.checked) },
    { type: 'separator' },
    { label: state.recording ? 'Finish the clip and quit' : 'Quit', click: d.onQuit },
  ];
  const render = (): void => {
    const v = trayView(state);
    tray.setImage(d.image(v.icon));
    tray.setToolTip(v.tooltip);
    tray.setContextMenu(d.Menu.buildFromTemplate(menu()));
  };
  tray.on('click', d.onShow);
  render();
  return {
    update(s) {
      state = s;
      if (!tray.isDestroyed()) render();
    },
    destroy: () => tray.destroy(),
  };
}

/**
 * Start at login. Windows and macOS have an API for it; on Linux Electron has none, so we write
 * the freedesktop autostart entry ourselves (for an AppImage, the AppImage file, not its mount).
 */
export function applyStartAtLogin(
  app: Pick<App, 'setLoginItemSettings'>,
  enabled: boolean,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  execPath: string = process.execPath,
): string {
  if (platform === 'win32' || platform === 'darwin') {
    app.setLoginItemSettings({ openAtLogin: enabled });
    return enabled ? 'login item registered' : 'login item removed';
  }
  const dir = path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'autostart');
  const file = path.join(dir, 'packwitness.desktop');
  if (!enabled) {
    fs.rmSync(file, { force: true });
    return `removed ${file}`;
  }
  const exec = env.APPIMAGE ?? execPath;
  fs.mkdirSync(dir, { recursive: true });
  // Exec quotes the path (spaces are allowed in it); the entry names our app, nothing else.
  const entry = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${PRODUCT_NAME}`,
    `Exec="${exec.replace(/(["`$\\])/g, '\\$1')}"`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
  fs.writeFileSync(file, entry);
  return `wrote ${file}`;
}

export interface QuitGuardOptions {
  app: Pick<App, 'on' | 'quit'>;
  ipcMain: Pick<IpcMain, 'on' | 'removeListener'>;
  engine: Engine;
  getWindow: () => BrowserWindow | null;
  /** How long the page gets to stop the recorder and hand over its last chunks. */
  timeoutMs?: number;
  /** After the engine closed, before the app really quits (tray, wake lock). */
  onClosed?: () => void;
  log?: (line: string) => void;
}

/**
 * Quit = ask the page to stop recording and upload what it holds, wait for it (bounded), then
 * close the engine, which seals every recording still open from what reached disk. Only then is
 * the quit allowed to proceed.
 */
export function installQuitGuard(o: QuitGuardOptions): { shutdown(): Promise<void>; readonly done: boolean } {
  const timeoutMs = o.timeoutMs ?? 10_000;
  let phase: 'running' | 'stopping' | 'done' = 'running';
  let stopping: Promise<void> | null = null;

  const askPage = (): Promise<'done' | 'timeout' | 'no-page'> => {
    const win = o.getWindow();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return Promise.resolve('no-page');
    return new Promise((resolve) => {
      const finish = (how: 'done' | 'timeout'): void => {
        clearTimeout(timer);
        o.ipcMain.removeListener(SHUTDOWN_DONE_CHANNEL, onDone);
        resolve(how);
      };
      const onDone = (event: IpcMainEvent): void => {
        if (isTrustedSender(event)) finish('done');
      };
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      o.ipcMain.on(SHUTDOWN_DONE_CHANNEL, onDone);
      sendToPage(win.webContents, SHUTDOWN_CHANNEL);
    });
  };

  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      phase = 'stopping';
      if (o.engine.activeRecordings().length > 0) {
        const how = await askPage();
        o.log?.(`shutdown: the page ${how === 'done' ? 'finished its recording' : how === 'timeout' ? `did not answer within ${timeoutMs} ms` : 'was gone'}`);
      }
      try {
        // Seals whatever is still open from the chunks that arrived; nothing recorded is lost.
        await o.engine.close();
      } catch (err) {
        o.log?.(`shutdown: closing the engine failed: ${errorMessage(err)}`);
      }
      phase = 'done';
      o.onClosed?.();
    })();
    return stopping;
  };

  o.app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    void shutdown().then(() => o.app.quit());
  });

  return {
    shutdown,
    get done() {
      return phase === 'done';
    },
  };
}

/** Closing the station window quits the app — through the guard, so the clip is finished first. */
export function quitOnClose(win: BrowserWindow, app: Pick<App, 'quit'>, guard: { readonly done: boolean; shutdown(): Promise<void> }): void {
  win.on('close', (event) => {
    if (guard.done) return;
    event.preventDefault();
    app.quit();
  });
  // Windows logoff/shutdown skips before-quit; do what we can in the time we get (anything left
  // open is recovered from disk at the next start).
  win.on('session-end', () => void guard.shutdown());
}

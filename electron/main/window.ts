// The station window. Its options are a pure function so the tests assert them exactly as the
// real BrowserWindow receives them.
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { PRODUCT_NAME } from '../engine/paths.ts';
import { APP_START_URL } from './protocol.ts';

export interface StationWindowOptions {
  preload: string;
  icon?: string;
  /** DevTools only in development; a packed station has no use for them. */
  devTools: boolean;
}

export function stationWindowOptions(o: StationWindowOptions): BrowserWindowConstructorOptions {
  return {
    title: PRODUCT_NAME,
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false, // shown on ready-to-show: no white flash at start
    backgroundColor: '#111418',
    autoHideMenuBar: true,
    ...(o.icon ? { icon: o.icon } : {}),
    webPreferences: {
      preload: o.preload,
      contextIsolation: true, // the page cannot reach the preload's world
      sandbox: true, // the renderer is an OS-sandboxed process without Node
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true, // same-origin policy stays on
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false, // a file dropped on the window must not replace our page
      safeDialogs: true,
      spellcheck: false,
      devTools: o.devTools,
      // The station records all day, often with another window in front: a hidden or covered
      // window must keep its timers and MediaRecorder running at full rate.
      backgroundThrottling: false,
    },
  };
}

type WindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export function createStationWindow(Ctor: WindowCtor, o: StationWindowOptions): BrowserWindow {
  const win = new Ctor(stationWindowOptions(o));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_START_URL);
  return win;
}

/** Brings the station window to the front (a second launch, a tray click). */
export function focusWindow(win: BrowserWindow | null | undefined): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}

// A stand-in for the 'electron' module in unit tests of the desktop shell: the same surface the
// shell uses, recording every call, with just enough behaviour (quit → before-quit, window close
// → close/closed, ipcMain.handle/on) to drive the shell's real code. Install with
//   globalThis.__pwFakeElectron = createFakeElectron(...);
//   vi.mock('electron', () => (globalThis as any).__pwFakeElectron);
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

export class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, l: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return this;
  }
  once(event: string, l: Listener): this {
    const w: Listener = (...a) => {
      this.removeListener(event, w);
      return l(...a);
    };
    return this.on(event, w);
  }
  removeListener(event: string, l: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((x) => x !== l),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    const ls = [...(this.listeners.get(event) ?? [])];
    for (const l of ls) l(...args);
    return ls.length > 0;
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export function preventable(extra: Record<string, unknown> = {}) {
  const e = { defaultPrevented: false, preventDefault: () => void (e.defaultPrevented = true), ...extra };
  return e;
}

export class FakeWebContents extends Emitter {
  url = '';
  destroyed = false;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  readonly mainFrame = { url: '', parent: null };
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
    this.emit(`sent:${channel}`, ...args);
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
}

export function createFakeElectron(opts: { lock?: boolean; appPath?: string; appData?: string } = {}) {
  const calls: string[] = [];
  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow extends Emitter {
    readonly options: any;
    readonly webContents = new FakeWebContents();
    destroyed = false;
    minimized = false;
    visible = false;
    readonly shown = vi.fn(() => void (this.visible = true));
    readonly focused = vi.fn();
    readonly restored = vi.fn(() => void (this.minimized = false));
    constructor(options: any) {
      super();
      this.options = options;
      windows.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.webContents.url = url;
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    show(): void {
      this.shown();
    }
    focus(): void {
      this.focused();
    }
    restore(): void {
      this.restored();
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    close(): void {
      const e = preventable();
      this.emit('close', e);
      if (e.defaultPrevented) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
    }
  }

  const appEmitter = new Emitter();
  const paths: Record<string, string> = {
    appData: opts.appData ?? process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'),
  };
  let name = 'packwitness';
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const app = Object.assign(appEmitter, {
    isPackaged: false,
    quitted: false,
    exitCode: null as number | null,
    loginItem: null as unknown,
    ready: () => readyResolve(),
    whenReady: () => ready,
    requestSingleInstanceLock: vi.fn(() => opts.lock ?? true),
    getName: () => name,
    setName: (n: string) => void (name = n),
    getPath: (k: string) => {
      if (k === 'userData') return paths.userData ?? path.join(paths.appData!, name);
      const p = paths[k];
      if (!p) throw new Error(`fake getPath(${k}) not set`);
      return p;
    },
    setPath: (k: string, v: string) => void (paths[k] = v),
    getAppPath: () => opts.appPath ?? process.cwd(),
    quit: vi.fn(() => {
      const e = preventable();
      appEmitter.emit('before-quit', e);
      if (e.defaultPrevented) return;
      app.quitted = true;
      for (const w of windows) if (!w.destroyed) w.close();
    }),
    exit: vi.fn((code = 0) => void (app.exitCode = code)),
    setLoginItemSettings: vi.fn((s: unknown) => void (app.loginItem = s)),
  });

  const ipcEmitter = new Emitter();
  const handlers = new Map<string, Listener>();
  const ipcMain = Object.assign(ipcEmitter, {
    handle: vi.fn((ch: string, h: Listener) => void handlers.set(ch, h)),
    removeHandler: vi.fn((ch: string) => void handlers.delete(ch)),
    handlers,
    /** What ipcRenderer.invoke from a frame with this URL would do. */
    invoke: (ch: string, frameUrl: string | null, ...args: unknown[]) => {
      const h = handlers.get(ch);
      if (!h) throw new Error(`no handler for ${ch}`);
      return h({ senderFrame: frameUrl === null ? null : { url: frameUrl, parent: null }, sender: {} }, ...args);
    },
  });

  const session = {
    protocolHandlers: new Map<string, (r: Request) => Promise<Response>>(),
    permissionRequestHandler: null as Listener | null,
    permissionCheckHandler: null as Listener | null,
    devicePermissionHandler: null as Listener | null,
    headersHandler: null as Listener | null,
    protocol: { handle: (scheme: string, h: (r: Request) => Promise<Response>) => void session.protocolHandlers.set(scheme, h) },
    webRequest: { onHeadersReceived: (h: Listener) => void (session.headersHandler = h) },
    setPermissionRequestHandler: (h: Listener) => void (session.permissionRequestHandler = h),
    setPermissionCheckHandler: (h: Listener) => void (session.permissionCheckHandler = h),
    setDevicePermissionHandler: (h: Listener) => void (session.devicePermissionHandler = h),
  };

  let nextBlocker = 1;
  const blockers = new Map<number, string>();
  const powerSaveBlocker = {
    start: vi.fn((type: string) => {
      const id = nextBlocker++;
      blockers.set(id, type);
      return id;
    }),
    stop: vi.fn((id: number) => void blockers.delete(id)),
    isStarted: (id: number) => blockers.has(id),
    active: () => [...blockers.values()],
  };

  const trays: FakeTray[] = [];
  class FakeTray extends Emitter {
    image: unknown;
    tooltip = '';
    menu: any = null;
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      trays.push(this);
    }
    setImage(i: unknown): void {
      this.image = i;
    }
    setToolTip(t: string): void {
      this.tooltip = t;
    }
    setContextMenu(m: unknown): void {
      this.menu = m;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  const contextBridge = { exposed: new Map<string, any>(), exposeInMainWorld: vi.fn((k: string, v: unknown) => void contextBridge.exposed.set(k, v)) };
  const rendererEmitter = new Emitter();
  const ipcRenderer = Object.assign(rendererEmitter, {
    invoke: vi.fn(async (..._a: unknown[]) => ({ ok: true, result: null }) as unknown),
    send: vi.fn(),
  });

  // Reversible and visibly not plain text, like the OS keystore's output.
  const safeStorage = {
    available: true,
    backend: 'gnome_libsecret',
    isEncryptionAvailable: () => safeStorage.available,
    getSelectedStorageBackend: () => safeStorage.backend,
    encryptString: (s: string) => Buffer.concat([Buffer.from('FAKEKEYSTORE1:'), Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)]),
    decryptString: (b: Buffer) => {
      if (!safeStorage.available) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const head = Buffer.from('FAKEKEYSTORE1:');
      if (!b.subarray(0, head.length).equals(head)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(b.subarray(head.length).map((x) => x ^ 0x5a)).toString('utf8');
    },
  };

  return {
    calls,
    safeStorage,
    windows,
    trays,
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    session: { defaultSession: session },
    protocol: { registerSchemesAsPrivileged: vi.fn() },
    powerSaveBlocker,
    Tray: FakeTray,
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: vi.fn() },
    nativeImage: { createFromBuffer: (b: Buffer) => ({ png: b.length }), createEmpty: () => ({ empty: true }) },
    dialog: { showErrorBox: vi.fn() },
    contextBridge,
    ipcRenderer,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

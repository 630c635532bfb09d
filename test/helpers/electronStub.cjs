// Loaded with `node -r` in front of the bundled out/electron/main.cjs: answers require('electron')
// with a minimal fake, then drives the real bundle like a page would (load index.html over app://,
// record a clip over IPC) and writes what happened to $STUB_RESULT. Proves the CJS bundle runs:
// import.meta.url replaced, externals (better-sqlite3, fluent-ffmpeg, the ffmpeg binaries) found.
const Module = require('node:module');
const EventEmitter = require('node:events');
const fs = require('node:fs');

const result = { errors: [], windows: [], steps: [] };
const paths = { appData: process.env.STUB_APPDATA };
const handlers = {};
const protocolHandlers = {};
const PAGE = 'app://packwitness/index.html';

const app = new EventEmitter();
Object.assign(app, {
  isPackaged: true,
  setName: (n) => (result.name = n),
  getPath: (k) => paths[k],
  setPath: (k, v) => (paths[k] = v),
  getAppPath: () => process.env.STUB_APP,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  setLoginItemSettings: () => {},
  exit: (code) => {
    result.exitCode = code;
    done();
  },
  quit: () => {
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) done();
  },
});

function done() {
  fs.writeFileSync(process.env.STUB_RESULT, JSON.stringify(result, null, 2));
  process.exit(0);
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    result.windows.push(options);
    const wc = new EventEmitter();
    Object.assign(wc, { url: '', send: () => {}, getURL: () => wc.url, isDestroyed: () => false, setWindowOpenHandler: () => {} });
    this.webContents = wc;
    setImmediate(() =>
      drive()
        .catch((e) => result.errors.push(String((e && e.stack) || e)))
        .finally(() => app.quit()),
    );
  }
  loadURL(u) {
    this.webContents.url = u;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  show() {}
  focus() {}
}

async function drive() {
  const page = await protocolHandlers.app(new Request(PAGE));
  result.steps.push({ page: page.status, csp: page.headers.get('content-security-policy') });
  const call = (name, input) => handlers['pw:call']({ senderFrame: { url: PAGE, parent: null }, sender: {} }, name, input);
  const start = await call('recording.start', { order: 'BUNDLE-001', mimeType: 'video/webm;codecs=avc1' });
  result.steps.push({ start: start.ok });
  const data = new Uint8Array(fs.readFileSync(process.env.STUB_WEBM));
  const chunk = await call('recording.chunk', { recordingId: start.result.recordingId, seq: 0, data });
  result.steps.push({ chunk: chunk.ok });
  const fin = await call('recording.finish', { recordingId: start.result.recordingId, reason: 'same-code', chunkCount: 1 });
  result.steps.push({
    finish: fin.ok ? { durationMs: fin.result.clip.durationMs, startedAt: fin.result.clip.startedAt, fileName: fin.result.clip.fileName } : fin.error,
  });
  const media = await protocolHandlers.app(new Request(`app://packwitness${fin.result.clip.mediaUrl}`, { headers: { range: 'bytes=0-9' } }));
  result.steps.push({ media: media.status });
}

const fake = {
  app,
  BrowserWindow,
  dialog: { showErrorBox: (t, m) => result.errors.push(`${t}: ${m}`) },
  ipcMain: Object.assign(new EventEmitter(), { handle: (c, h) => (handlers[c] = h), removeHandler: (c) => delete handlers[c] }),
  Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t) => t },
  nativeImage: { createFromBuffer: () => ({}), createEmpty: () => ({}) },
  powerSaveBlocker: { start: () => 1, stop: () => {}, isStarted: () => true },
  // Linux without a keyring: the shell must fall back to a plain (0600) key, not fail.
  safeStorage: {
    isEncryptionAvailable: () => false,
    encryptString: () => {
      throw new Error('unavailable');
    },
    decryptString: () => {
      throw new Error('unavailable');
    },
  },
  protocol: { registerSchemesAsPrivileged: (s) => (result.schemes = s) },
  session: {
    defaultSession: {
      protocol: { handle: (s, h) => (protocolHandlers[s] = h) },
      webRequest: { onHeadersReceived: () => {} },
      setPermissionRequestHandler: () => {},
      setPermissionCheckHandler: () => {},
      setDevicePermissionHandler: () => {},
    },
  },
  Tray: class extends EventEmitter {
    setImage() {}
    setToolTip() {}
    setContextMenu() {}
    isDestroyed() {
      return false;
    }
    destroy() {}
  },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'electron') return fake;
  return load.call(this, request, ...rest);
};

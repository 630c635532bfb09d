// The installer configuration (electron-builder.yml), validated as far as this machine allows: the
// Electron binary cannot be downloaded here, so no real installer is built. What is checked:
// electron-builder's own loader and schema validation (offline), the targets, icons, macOS
// entitlements and usage texts, the NSIS uninstall behaviour, the beforePack guard for the ffmpeg
// binaries, `npm run dist`'s plain refusal when Electron is unreachable — and a real electron-builder
// pack of the Linux app folder against a stand-in Electron, whose app.asar is then inspected.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_NAME } from '../../electron/engine/paths.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);

type AnyConfig = Record<string, any>;

async function loadConfig(): Promise<AnyConfig> {
  const { getConfig } = require(path.join(root, 'node_modules/app-builder-lib/out/util/config/config.js'));
  return getConfig(root, path.join(root, 'electron-builder.yml'), null);
}
async function validate(config: AnyConfig): Promise<void> {
  const { validateConfiguration } = require(path.join(root, 'node_modules/app-builder-lib/out/util/config/config.js'));
  const { DebugLogger } = require(path.join(root, 'node_modules/builder-util'));
  await validateConfiguration(config, new DebugLogger(false));
}

function pngSize(file: string): [number, number] {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

const targets = (platformConfig: AnyConfig) => (platformConfig.target as AnyConfig[]).map((t) => `${t.target}:${(t.arch as string[]).join('+')}`);

describe('electron-builder.yml', () => {
  let config: AnyConfig;
  beforeAll(async () => {
    config = await loadConfig();
  });

  it("passes electron-builder's own schema validation, and a wrong option does not", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, nsis: { ...config.nsis, deleteAppDataOnUninstal: false } })).rejects.toThrow(/configuration\.nsis/);
  });

  it('names the app as the data folder does', () => {
    expect(config.appId).toBe('com.packwitness.station');
    expect(fs.readFileSync(path.join(root, 'electron/main/main.ts'), 'utf8')).toContain(`APP_ID = '${config.appId}'`);
    expect(config.productName).toBe(PRODUCT_NAME); // userData = <appData>/PackWitness, see paths.ts
    expect(config.directories.output).toBe('dist');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('out/electron/main.cjs');
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs');
  });

  it('builds NSIS x64 for Windows, dmg x64+arm64 for macOS, AppImage and deb for Linux', () => {
    expect(targets(config.win)).toEqual(['nsis:x64']);
    expect(targets(config.mac)).toEqual(['dmg:x64+arm64']);
    expect(targets(config.linux)).toEqual(['AppImage:x64', 'deb:x64']);
  });

  it('unpacks the native module and the ffmpeg binaries from app.asar', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**/*', 'node_modules/@ffmpeg-installer/**/*', 'node_modules/@ffprobe-installer/**/*']),
    );
    // Node-API prebuilds: no rebuild, so no Electron headers or compiler on the build machine.
    expect(config.npmRebuild).toBe(false);
    expect(fs.readdirSync(path.join(root, 'node_modules/better-sqlite3/prebuilds'))).toEqual(
      expect.arrayContaining(['win32-x64.node', 'darwin-x64.node', 'darwin-arm64.node', 'linux-x64.node']),
    );
  });

  it('has real icons in assets/', () => {
    expect(pngSize(path.join(root, config.mac.icon))).toEqual([1024, 1024]);
    expect(pngSize(path.join(root, config.linux.icon))).toEqual([1024, 1024]);
    expect(pngSize(path.join(root, 'assets/icon-512.png'))).toEqual([512, 512]);
    expect(pngSize(path.join(root, 'assets/icon-256.png'))).toEqual([256, 256]);
    for (const ico of [config.win.icon, config.nsis.installerIcon, config.nsis.uninstallerIcon]) {
      const b = fs.readFileSync(path.join(root, ico));
      expect(b.readUInt16LE(0)).toBe(0); // ICONDIR: reserved
      expect(b.readUInt16LE(2)).toBe(1); // type 1 = icon
      expect(b[6]).toBe(0); // width byte 0 means 256 px, the size Windows installers need
    }
    for (const tray of ['tray-idle.png', 'tray-recording.png']) expect(pngSize(path.join(root, 'assets', tray))).toEqual([32, 32]);
  });

  it('asks macOS for the camera and microphone with a reason, under the hardened runtime', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.extendInfo.NSCameraUsageDescription).toMatch(/records the packing table/);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/);
    const plist = fs.readFileSync(path.join(root, config.mac.entitlements), 'utf8');
    expect(config.mac.entitlementsInherit).toBe(config.mac.entitlements);
    for (const key of ['com.apple.security.device.camera', 'com.apple.security.device.audio-input', 'com.apple.security.cs.allow-jit']) {
      expect(plist).toMatch(new RegExp(`<key>${key.replaceAll('.', '\\.')}</key>\\s*<true/>`));
    }
    if (fs.existsSync('/usr/bin/xmllint')) execFileSync('/usr/bin/xmllint', ['--noout', path.join(root, config.mac.entitlements)]);
  });

  it('keeps recordings on uninstall unless the user explicitly says otherwise, and never on upgrade', () => {
    expect(config.nsis.oneClick).toBe(false);
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
    const nsh = fs.readFileSync(path.join(root, config.nsis.include), 'utf8');
    expect(nsh).toContain('!macro customUnInstall');
    expect(nsh).toContain('${ifNot} ${isUpdated}');
    expect(nsh).toMatch(/MB_DEFBUTTON2/); // "No" is the default button
    expect(nsh).toMatch(/\/SD IDNO/); // silent uninstall keeps the data
    expect(nsh).toContain('RMDir /r "$APPDATA\\PackWitness"');
  });
});

describe('beforePack: an installer always carries its ffmpeg and ffprobe', () => {
  const hook = require(path.join(root, 'scripts/before-pack.cjs'));
  const nm = path.join(root, 'node_modules');

  it('finds both binaries for this machine', () => {
    expect(hook.missingBinaries(nm, process.platform, process.arch)).toEqual([]);
  });

  it('refuses to pack for a platform whose binaries are not installed, saying how to fix it', async () => {
    const ctx = { electronPlatformName: 'win32', arch: 1, packager: { projectDir: root } }; // Arch.x64 === 1
    await expect(hook.default(ctx)).rejects.toThrow(
      /win32-x64: @ffmpeg-installer\/win32-x64 and @ffprobe-installer\/win32-x64 are not installed.*npm install --no-save --force/,
    );
    expect(hook.missingBinaries(nm, 'darwin', 'universal')).toEqual(expect.arrayContaining(['@ffmpeg-installer/darwin-x64', '@ffmpeg-installer/darwin-arm64']));
  });
});

describe('npm run dist where Electron cannot be downloaded', () => {
  it('stops before building with a plain explanation', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/dist.mjs'), '--preflight-only'], {
      cwd: root,
      // A mirror that cannot answer stands in for "no network" wherever this test runs.
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', XDG_CACHE_HOME: path.join(root, 'node_modules', '.nonexistent-cache') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot build installers here — Electron');
    expect(r.stderr).toContain('http://127.0.0.1:9/v');
    expect(r.stderr).toContain('ELECTRON_MIRROR');
  });
});

describe('a real electron-builder pack (Linux app folder, stand-in Electron)', () => {
  let t: ReturnType<typeof tmpDir>;
  let resources: string;
  let files: string[];
  beforeAll(async () => {
    t = tmpDir();
    const { buildElectron } = (await import(path.join(root, 'scripts/build-electron.mjs'))) as { buildElectron: () => Promise<unknown> };
    await buildElectron();
    // Electron's Linux zip, minus Electron: electron-builder copies it and renames the executable.
    const fakeDist = path.join(t.dir, 'electron-dist');
    fs.mkdirSync(path.join(fakeDist, 'resources'), { recursive: true });
    fs.writeFileSync(path.join(fakeDist, 'electron'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 });
    fs.writeFileSync(path.join(fakeDist, 'version'), require(path.join(root, 'node_modules/electron/package.json')).version);
    const out = path.join(t.dir, 'dist');
    const r = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules/electron-builder/cli.js'),
        '--config',
        'electron-builder.yml',
        '--linux',
        'dir',
        `-c.electronDist=${fakeDist}`,
        `-c.directories.output=${out}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 180_000 },
    );
    if (r.status !== 0) throw new Error(`electron-builder failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    resources = path.join(out, 'linux-unpacked', 'resources');
    const asar = require(path.join(root, 'node_modules/@electron/asar'));
    files = (asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }) as string[]).map((f) => f.replaceAll('\\', '/').replace(/^\//, ''));
  }, 240_000);
  afterAll(() => t?.cleanup());

  it('packs the bundles, the UI and package.json, without source maps or dev tools', () => {
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'out/electron/main.cjs', 'out/electron/preload.cjs', 'out/electron/icons/tray-recording.png']),
    );
    if (fs.existsSync(path.join(root, 'out/renderer/index.html'))) expect(files).toContain('out/renderer/index.html');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const dev of ['node_modules/vitest', 'node_modules/electron/', 'node_modules/electron-builder', 'node_modules/typescript', 'electron/main', 'test/']) {
      expect(files.some((f) => f.startsWith(dev))).toBe(false);
    }
    expect(files).toContain('node_modules/fluent-ffmpeg/package.json');
  });

  it('puts an executable ffmpeg and ffprobe, and the SQLite module, next to app.asar', () => {
    const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules');
    const suffix = `${process.platform}-${process.arch}`;
    for (const [pkg, exe] of [
      ['@ffmpeg-installer', 'ffmpeg'],
      ['@ffprobe-installer', 'ffprobe'],
    ] as const) {
      const bin = path.join(unpacked, pkg, suffix, exe);
      expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
      expect(execFileSync(bin, ['-version'], { encoding: 'utf8' })).toMatch(new RegExp(`^${exe} version`));
    }
    expect(fs.existsSync(path.join(unpacked, 'better-sqlite3', 'prebuilds', `${suffix}.node`))).toBe(true);
  });

  it('the packed app records a clip with the ffmpeg next to app.asar, nothing installed by the user', () => {
    // Node cannot read an asar archive, so lay its contents out as a folder *named* app.asar, with
    // the binaries inside replaced by empty stand-ins: in Electron those paths exist in the archive
    // but cannot be executed, and electron/engine/ffmpeg.ts must turn to app.asar.unpacked/.
    const asar = require(path.join(root, 'node_modules/@electron/asar'));
    const packed = path.join(t.dir, 'packed', 'resources');
    fs.mkdirSync(packed, { recursive: true });
    asar.extractAll(path.join(resources, 'app.asar'), path.join(packed, 'app.asar'));
    fs.cpSync(path.join(resources, 'app.asar.unpacked'), path.join(packed, 'app.asar.unpacked'), { recursive: true });
    const suffix = `${process.platform}-${process.arch}`;
    for (const [pkg, exe] of [
      ['@ffmpeg-installer', 'ffmpeg'],
      ['@ffprobe-installer', 'ffprobe'],
    ] as const) {
      fs.writeFileSync(path.join(packed, 'app.asar', 'node_modules', pkg, suffix, exe), '', { mode: 0o644 });
    }
    const webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
    const resultFile = path.join(t.dir, 'packed-result.json');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      STUB_APP: path.join(packed, 'app.asar'),
      STUB_APPDATA: path.join(t.dir, 'appdata'),
      STUB_RESULT: resultFile,
      STUB_WEBM: webm,
    };
    for (const k of ['PACKWITNESS_FFMPEG', 'PACKWITNESS_FFPROBE', 'PACKWITNESS_DATA']) delete env[k];
    // No ffmpeg on the PATH either: only what the installer carries.
    env.PATH = path.dirname(process.execPath);
    const r = spawnSync(
      process.execPath,
      ['-r', path.join(root, 'test/helpers/electronStub.cjs'), path.join(packed, 'app.asar', 'out', 'electron', 'main.cjs')],
      { env, encoding: 'utf8', timeout: 90_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    expect(result.errors).toEqual([]);
    expect(result.steps[3].finish.durationMs).toBeGreaterThan(1800);
    expect(result.steps[4]).toEqual({ media: 206 });
  });
});

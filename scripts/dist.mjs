// `npm run dist`: builds the app, then the installers for this OS with electron-builder
// (electron-builder.yml). Extra arguments go to electron-builder: `npm run dist -- --linux deb`.
// electron-builder downloads the Electron binaries for the target; where that is impossible (no
// network, a blocked GitHub) it would fail with a long stack trace, so check first and say plainly
// what is missing and what to do.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function electronVersion() {
  return require(path.join(root, 'node_modules', 'electron', 'package.json')).version;
}

export function electronZipName(version, platform = process.platform, arch = process.arch) {
  return `electron-v${version}-${platform}-${arch}.zip`;
}

export function electronZipUrl(version, platform = process.platform, arch = process.arch, env = process.env) {
  const mirror = env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  const dir = env.ELECTRON_CUSTOM_DIR ?? `v${version}`;
  return `${mirror.endsWith('/') ? mirror : `${mirror}/`}${dir}/${electronZipName(version, platform, arch)}`;
}

function cacheDirs(env = process.env) {
  const home = os.homedir();
  return [
    env.electron_config_cache,
    env.ELECTRON_CACHE,
    process.platform === 'darwin' ? path.join(home, 'Library', 'Caches', 'electron') : null,
    process.platform === 'win32' ? path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'electron', 'Cache') : null,
    path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'electron'),
  ].filter(Boolean);
}

function findCachedZip(name) {
  for (const dir of cacheDirs()) {
    const stack = [[dir, 0]];
    while (stack.length) {
      const [d, depth] = stack.pop();
      let entries = [];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isFile() && e.name === name) return path.join(d, e.name);
        if (e.isDirectory() && depth < 2) stack.push([path.join(d, e.name), depth + 1]);
      }
    }
  }
  return null;
}

/**
 * Whether electron-builder will be able to get Electron: a custom electronDist, a cached zip, or
 * the download URL answering. Returns null when fine, else the message to print.
 */
export async function electronPreflight({ args = [], env = process.env, timeoutMs = 15_000 } = {}) {
  if (args.some((a) => a.startsWith('-c.electronDist') || a.startsWith('--config.electronDist'))) return null;
  const version = electronVersion();
  const name = electronZipName(version);
  if (findCachedZip(name)) return null;
  const url = electronZipUrl(version, process.platform, process.arch, env);
  let why;
  try {
    const res = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    if (res.ok) return null;
    why = `the server answered ${res.status}`;
  } catch (err) {
    why = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err);
  }
  return [
    `npm run dist: cannot build installers here — Electron ${version} cannot be downloaded.`,
    `  electron-builder needs ${name} from ${url} (${why}).`,
    '  What to do: run `npm run dist` on a machine that can reach that address (one per target OS,',
    '  see docs/desktop-app.md), or set ELECTRON_MIRROR to a reachable mirror, or put the zip',
    `  in the Electron cache (${cacheDirs(env).at(-1)}), or pass -c.electronDist=<unzipped Electron>.`,
    '  The configuration itself is checked offline by test/unit/builder-config.test.ts.',
  ].join('\n');
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const preflightOnly = args.includes('--preflight-only');
  const problem = await electronPreflight({ args });
  if (problem) {
    console.error(problem);
    process.exit(2);
  }
  if (preflightOnly) {
    console.log('Electron is available; electron-builder can run.');
    process.exit(0);
  }
  run('npm', ['run', 'build']);
  run(process.execPath, [path.join(root, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', ...args]);
}

// Bundles door 1 — the Electron main process and the sandboxed preload — into CommonJS files:
//   out/electron/main.cjs, out/electron/preload.cjs, out/electron/icons/*.png
// A sandboxed preload cannot require local files, and the main process would otherwise need the
// TypeScript sources at run time; bundling solves both. Native and binary-shipping packages stay
// external: they are loaded from node_modules (unpacked from app.asar in installers).
// The lead's scripts/build.mjs calls buildElectron(); `node scripts/build-electron.mjs` runs it alone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const EXTERNALS = ['electron', 'better-sqlite3', 'fluent-ffmpeg', '@ffmpeg-installer/*', '@ffprobe-installer/*'];

/** Electron 45 ships Node 22 and Chromium 140. */
const NODE_TARGET = 'node22';

export async function buildElectron({ outDir = path.join(root, 'out', 'electron'), minify = false } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: NODE_TARGET,
    sourcemap: 'linked',
    minify,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  };
  await build({
    ...common,
    entryPoints: [path.join(root, 'electron/main/main.ts')],
    outfile: path.join(outDir, 'main.cjs'),
    external: EXTERNALS,
    // The engine is ESM and uses import.meta.url (createRequire in ffmpeg.ts). In a CJS bundle
    // import.meta is empty, so give it this file's own URL: require() then resolves packages
    // from the app's node_modules exactly as the ESM source did.
    define: { 'import.meta.url': '__pw_import_meta_url' },
    banner: { js: "const __pw_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  await build({
    ...common,
    entryPoints: [path.join(root, 'electron/preload/preload.ts')],
    outfile: path.join(outDir, 'preload.cjs'),
    // The sandboxed preload gets a small require() that knows 'electron' and nothing local.
    external: ['electron'],
  });
  // Tray and window icons are read at run time from out/electron/icons (inside app.asar).
  const icons = path.join(outDir, 'icons');
  fs.mkdirSync(icons, { recursive: true });
  for (const name of ['app.png', 'tray-idle.png', 'tray-recording.png']) {
    fs.copyFileSync(path.join(root, 'assets', name === 'app.png' ? 'icon-256.png' : name), path.join(icons, name));
  }
  return { main: path.join(outDir, 'main.cjs'), preload: path.join(outDir, 'preload.cjs'), icons };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const out = await buildElectron();
  console.log(`built ${path.relative(root, out.main)} and ${path.relative(root, out.preload)}`);
}

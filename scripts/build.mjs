// Builds what the app runs: the renderer (Vite → out/renderer) and, when its build script is
// present, the Electron main and preload bundles (esbuild → out/electron).
import { existsSync } from 'node:fs';
import { build } from 'vite';

await build({ configFile: new URL('../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
console.log('renderer built: out/renderer');
const electronBuild = new URL('./build-electron.mjs', import.meta.url);
if (existsSync(electronBuild)) {
  const { buildElectron } = await import(electronBuild.href);
  await buildElectron();
  console.log('electron shell built: out/electron');
}

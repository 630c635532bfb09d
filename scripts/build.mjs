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

// The hub console's pages (renderer/console → out/console), served by `packwitness hub` under
// /console/. A build of its own: the station's bundle stays as it is.
const { default: react } = await import('@vitejs/plugin-react');
await build({
  configFile: false,
  root: new URL('../renderer/console', import.meta.url).pathname,
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: new URL('../out/console', import.meta.url).pathname,
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    chunkSizeWarningLimit: 3000,
  },
});
console.log('hub console built: out/console');

// verify.html, the reviewer's page in every evidence package (renderer/verify → out/verify): one
// self-contained file the desktop app copies into each export.
const { bundleVerifyHtml } = await import('../electron/engine/export/verifyHtml.ts');
const { mkdirSync, writeFileSync } = await import('node:fs');
mkdirSync(new URL('../out/verify', import.meta.url), { recursive: true });
writeFileSync(new URL('../out/verify/verify.html', import.meta.url), await bundleVerifyHtml());
console.log('verify page built: out/verify/verify.html');

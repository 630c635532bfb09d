#!/usr/bin/env node
// Entry point of `npx packwitness`. The engine needs Node >= 22 (better-sqlite3 13 crashes on 20);
// the project installs Node 22 as a dev dependency, so an older system node hands over to it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const local = join(root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(local)) {
    console.error(`packwitness needs Node.js 22 or newer (this is ${process.version}); run the README's set-up first.`);
    process.exit(1);
  }
  const r = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
// Node 22 runs the TypeScript sources directly (type stripping); nothing to build for the CLI.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') console.error(w);
});
await import(pathToFileURL(join(root, 'electron', 'cli', 'main.ts')).href);

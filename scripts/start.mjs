// `npm start`: the desktop app when Electron's binary is installed; otherwise door 2 on
// http://127.0.0.1:5190/ with the same UI, and a line saying why.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
const electronBin = existsSync(pathFile) ? join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
const mainBundle = join(root, 'out', 'electron', 'main.cjs');

let child;
if (electronBin && existsSync(electronBin) && existsSync(mainBundle)) {
  child = spawn(electronBin, [mainBundle, ...args], { stdio: 'inherit' });
} else {
  console.log('The Electron binary is not installed on this machine, so the desktop window cannot open.');
  console.log('Serving the same station through door 2 instead: open the URL below in Chromium or Chrome.');
  child = spawn(process.execPath, [join(root, 'bin', 'packwitness.mjs'), 'serve', ...args], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));

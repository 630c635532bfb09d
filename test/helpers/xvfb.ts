// A real X display for tests that need a headed Chromium (background tabs are only throttled
// like a real desktop's when the browser has a window).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export function xvfbAvailable(): boolean {
  return fs.existsSync('/usr/bin/Xvfb');
}

export async function startXvfb(): Promise<{ display: string; stop(): void }> {
  for (let n = 90 + Math.floor(Math.random() * 100); ; n++) {
    if (fs.existsSync(`/tmp/.X${n}-lock`)) continue;
    const proc: ChildProcess = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (fs.existsSync(`/tmp/.X11-unix/X${n}`)) {
          clearInterval(timer);
          resolve(true);
        }
      }, 50);
      proc.once('exit', () => {
        clearInterval(timer);
        resolve(false);
      });
    });
    if (ok) return { display: `:${n}`, stop: () => proc.kill() };
  }
}

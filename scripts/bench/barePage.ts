// The station page in a Chromium started by hand and driven over a bare DevTools connection that
// uses only the Input and Runtime domains. Playwright attaches its Network domain to every page it
// drives, and that keeps each request body — every uploaded second of video — in the renderer's
// DevTools buffers (measured here: the page then grew by ~0.3 MB per clip, +158 MB after 500,
// against flat without it). A station has no DevTools attached, in the desktop window or in a LAN
// browser, so memory is measured on a page that has none either.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from '../../test/helpers/station.ts';
import { sleep } from './stats.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

export interface BarePage {
  chrome: ChildProcess;
  evaluate<T>(expression: string): Promise<T>;
  /** Keystrokes 4 ms apart then Enter, as a USB scanner types (same events as the e2e helper). */
  scan(code: string): Promise<void>;
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openBarePage(url: string, flags: string[]): Promise<BarePage> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-profile-'));
  const chrome = spawn(CHROMIUM, [...flags, '--remote-debugging-port=0', `--user-data-dir=${profile}`, '--window-size=1280,800', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    return await connect(chrome, profile, url);
  } catch (err) {
    chrome.kill();
    throw err;
  }
}

async function connect(chrome: ChildProcess, profile: string, url: string): Promise<BarePage> {
  let err = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools port in 30 s:\n${err.slice(-2000)}`)), 30_000);
    chrome.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    chrome.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${err.slice(-2000)}`)));
  });
  type Target = { type: string; url: string; webSocketDebuggerUrl: string };
  let target: Target | undefined;
  for (let i = 0; i < 100 && !target; i++) {
    const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Target[];
    target = list.find((t) => t.type === 'page' && t.url.startsWith(url));
    if (!target) await sleep(100);
  }
  if (!target) throw new Error('the station page did not appear in Chromium');
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener('message', (ev) => {
    const m = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return;
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(m.error.message));
    else p.resolve(m.result);
  });
  const call = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });
  const evaluate = async <T>(expression: string): Promise<T> => {
    let r: { result: { value: T }; exceptionDetails?: { text: string } };
    for (let attempt = 0; ; attempt++) {
      try {
        r = (await call('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })) as typeof r;
        break;
      } catch (err) {
        // The page is still loading (no context yet, or the one evaluated in was replaced).
        if (attempt > 100 || !/context/i.test(errorMessage(err))) throw err;
        await sleep(100);
      }
    }
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.text}`);
    return r.result.value;
  };
  return {
    chrome,
    evaluate,
    async scan(code) {
      const start = Date.now() / 1000;
      const keys = [...code].map((ch) => ({ key: ch, text: ch, code: '' })).concat([{ key: 'Enter', text: '\r', code: 'Enter' }]);
      for (const [i, k] of keys.entries()) {
        const timestamp = start + i * 0.004;
        const extra = k.key === 'Enter' ? { windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 } : {};
        await call('Input.dispatchKeyEvent', { type: 'keyDown', key: k.key, text: k.text, code: k.code, timestamp, ...extra });
        await call('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, code: k.code, timestamp: timestamp + 0.001, ...extra });
      }
    },
    async waitFor(expression, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        // While the page loads, the expression may throw (no body yet): that is "not yet".
        const ok = await evaluate<boolean>(`(() => { try { return Boolean(${expression}); } catch (e) { return String(e); } })()`);
        if (ok === true) return;
        if (typeof ok === 'string') last = ok;
        if (Date.now() > until) throw new Error(`timed out waiting for ${expression}${last ? ` (last error: ${last})` : ''}`);
        await sleep(50);
      }
    },
    async close() {
      ws.close();
      const exited = new Promise((r) => chrome.once('exit', r));
      chrome.kill();
      await Promise.race([exited, sleep(5000)]);
      // Chromium's helpers may still be writing into the profile for a moment after it exits.
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}

// Real processes for end-to-end tests: `packwitness serve` as a child process and the system
// Chromium with a fake camera, driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const NODE22 = path.join(ROOT, 'node_modules', 'node', 'bin', 'node');
export const CHROMIUM = process.env.PACKWITNESS_CHROMIUM ?? '/usr/bin/chromium';

export interface Served {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `packwitness serve` and resolves with the URL it prints on its own line. */
export function startServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const proc = spawn(NODE22, [path.join(ROOT, 'bin', 'packwitness.mjs'), 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print a URL in 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          proc,
          output: () => out,
          stop: async (signal = 'SIGTERM') => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
            return exited;
          },
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing a URL:\n${out}`));
    });
  });
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export interface BrowserOptions {
  /** A .y4m file to use as the camera instead of Chromium's generated test pattern. */
  videoFile?: string;
  fps?: number;
}

export async function launchBrowser(opts: BrowserOptions = {}): Promise<{ browser: Browser; context: BrowserContext; close(): Promise<void> }> {
  // Playwright gives every launch a fresh, empty profile of its own (no --user-data-dir needed).
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    // The file replaces the fake device's picture; without the fake-device flag there is no camera at all.
    `--use-fake-device-for-media-stream=fps=${opts.fps ?? 30}`,
    ...(opts.videoFile ? [`--use-file-for-fake-video-capture=${opts.videoFile}`] : []),
    // Hidden or occluded windows must keep recording, as on a real station.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return {
    browser,
    context,
    close: async () => {
      await browser.close().catch(() => {});
    },
  };
}

/** Types a code the way a USB scanner does: a burst of keys, then Enter. */
const cdpSessions = new WeakMap<Page, CDPSession>();

/**
 * Types a code the way a USB scanner does: real key events through the browser's input pipeline,
 * 4 ms apart by their hardware timestamps, then Enter. The timestamps are the scanner's own, so a
 * busy test machine that delivers the events late cannot make a scan look like slow typing.
 */
export async function scan(page: Page, code: string): Promise<void> {
  let cdp = cdpSessions.get(page);
  if (!cdp) {
    cdp = await page.context().newCDPSession(page);
    cdpSessions.set(page, cdp);
  }
  const start = Date.now() / 1000;
  const keys = [...code].map((ch) => ({ key: ch, text: ch, code: '' })).concat([{ key: 'Enter', text: '\r', code: 'Enter' }]);
  for (const [i, k] of keys.entries()) {
    const timestamp = start + i * 0.004;
    const extra = k.key === 'Enter' ? { windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 } : {};
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: k.key, text: k.text, code: k.code, timestamp, ...extra });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, code: k.code, timestamp: timestamp + 0.001, ...extra });
  }
}

export async function waitForState(page: Page, state: string, order?: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction(([s, o]) => document.body.dataset.state === s && (o === undefined || document.body.dataset.order === o), [state, order] as const, {
    timeout,
  });
}

/**
 * What the station page and its `serve` process say about themselves, for a failed test's output:
 * the station's state and message, how many frames the overlay worker passed on and how long ago
 * the last one was, and the end of the server's log.
 */
export async function stationDiagnostics(page: Page, served?: Served): Promise<string> {
  const station = await page
    .evaluate(() => JSON.stringify({ state: document.body.dataset.state, order: document.body.dataset.order, ...window.__pwStation?.diagnostics }))
    .catch((e: unknown) => `(page unreadable: ${String(e)})`);
  const log = served ? served.output().split('\n').slice(-15).join('\n') : '';
  return `station page: ${station}${served ? `\nserve (last lines):\n${log}` : ''}`;
}

/** Runs `step`; if it throws, the error carries the station's diagnostics (stationDiagnostics). */
export async function withDiagnostics<T>(page: Page, served: Served | undefined, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const diag = await stationDiagnostics(page, served);
    if (err instanceof Error) err.message += `\n${diag}`;
    throw err;
  }
}

export async function apiCall<T>(baseUrl: string, name: string, input: unknown = {}): Promise<T> {
  const res = await fetch(new URL(`/api/call/${name}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!body.ok) throw new Error(body.error?.message ?? `call ${name} failed`);
  return body.result as T;
}

/** A browser with the station page open at `url` and its camera ready (body[data-state=idle]). */
export async function openStationPage(url: string, opts: BrowserOptions = {}): Promise<{ browser: Awaited<ReturnType<typeof launchBrowser>>; page: Page }> {
  const browser = await launchBrowser(opts);
  const page = await browser.context.newPage();
  await page.goto(url);
  await waitForState(page, 'idle');
  return { browser, page };
}

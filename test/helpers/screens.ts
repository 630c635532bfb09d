// One screen set-up for a describe block: N clips recorded into a fresh station (through the engine's
// contract, as a station page sends them), `packwitness serve` on it, and one Chromium page at a size
// and in a language, opened on a route. The language is set once per browser session, so a test that
// switches it in the header keeps its choice across reloads. Torn down after the block.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { Engine } from '../../electron/engine/engine.ts';
import type { Clip } from '../../shared/contract.ts';
import { makeOrderWebm, recordClip } from './orderClip.ts';
import { launchBrowser, startServe, waitForState, type BrowserOptions, type Served } from './station.ts';
import { tmpDir } from './tmp.ts';

export type Lang = 'en' | 'zh-CN';

export interface ScreenOptions {
  /** Clips recorded before the station starts: an order code each, of `seconds` (default 3). */
  clips?: { order: string; seconds?: number; mode?: 'shipping' | 'returns' }[];
  /** Changes to the station's data before serve starts (settings, a tampered chain row …). */
  prepare?: (engine: Engine, clips: Clip[]) => Promise<void> | void;
  width?: number;
  height?: number;
  lang?: Lang;
  /** Where the page opens: '' (the station, waited for until idle) or a route such as '#/lookup'. */
  route?: string;
  serveArgs?: string[];
  browser?: BrowserOptions;
  tmpPrefix?: string;
}

export interface ScreenFixture {
  readonly served: Served;
  readonly page: Page;
  readonly dataDir: string;
  readonly dir: string;
  readonly clips: Clip[];
  /** A screenshot, also written to PW_SHOT_DIR (when set) as NAME.png for a person to look at. */
  shot(name: string): Promise<Buffer>;
  /** Switches the language in the header, as a user does, and waits until the page says it. */
  setLanguage(lang: Lang): Promise<void>;
}

export function useScreens(opts: ScreenOptions = {}): ScreenFixture {
  const t = tmpDir(opts.tmpPrefix ?? 'pw-screens-');
  const dataDir = path.join(t.dir, 'data');
  const clips: Clip[] = [];
  let served: Served | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page | undefined;

  beforeAll(async () => {
    if (opts.clips?.length || opts.prepare) {
      const engine = await Engine.open({ dataDir, timestampWorker: false });
      try {
        for (const [i, c] of (opts.clips ?? []).entries()) {
          const webm = path.join(t.dir, `clip${i}.webm`);
          makeOrderWebm(webm, c.order, c.seconds ?? 3, '320x180', 30);
          clips.push(await recordClip(engine, c.order, webm, undefined, c.mode ?? 'shipping'));
        }
        await opts.prepare?.(engine, clips);
      } finally {
        await engine.close();
      }
    }
    served = await startServe(['--data', dataDir, ...(opts.serveArgs ?? [])]);
    browser = await launchBrowser(opts.browser);
    page = await browser.context.newPage();
    await page.setViewportSize({ width: opts.width ?? 1366, height: opts.height ?? 768 });
    await page.addInitScript((lang) => {
      if (!sessionStorage.getItem('pw.test.lang')) {
        sessionStorage.setItem('pw.test.lang', '1');
        localStorage.setItem('pw.lang', lang);
      }
    }, opts.lang ?? 'en');
    const route = opts.route ?? '';
    await page.goto(`${served.url}${route}`);
    if (route === '') await waitForState(page, 'idle');
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  return {
    get served() {
      return served!;
    },
    get page() {
      return page!;
    },
    dataDir,
    dir: t.dir,
    clips,
    async shot(name) {
      const png = await page!.screenshot();
      if (process.env.PW_SHOT_DIR) fs.writeFileSync(path.join(process.env.PW_SHOT_DIR, `${name}.png`), png);
      return png;
    },
    async setLanguage(lang) {
      await page!.getByTestId('language').selectOption(lang);
      await page!.waitForFunction((l) => document.documentElement.lang === l, lang);
    },
  };
}

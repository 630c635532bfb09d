// One `packwitness serve` on a fresh data folder and one station page for a describe block, set
// up before its tests and torn down after them.
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { tmpDir } from './tmp.ts';
import { launchBrowser, openStationPage, startServe, type BrowserOptions, type Served } from './station.ts';

export interface StationFixture {
  readonly served: Served;
  readonly page: Page;
  readonly dataDir: string;
}

export function useStationPage(opts: { serveArgs?: string[]; browser?: BrowserOptions } = {}): StationFixture {
  const t = tmpDir();
  let served: Served | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    served = await startServe(['--data', t.dir, ...(opts.serveArgs ?? [])]);
    ({ browser, page } = await openStationPage(served.url, opts.browser));
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
    dataDir: t.dir,
  };
}

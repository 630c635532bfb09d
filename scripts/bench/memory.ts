// Memory over a day of switching: RSS of the station page's renderer and of `packwitness serve`
// after 10 and after 500 order switches, the page driven without DevTools' network recorder
// (barePage.ts says why). The engine's V8 heap after a full GC is read too, over its inspector
// (inspector.ts), after its RSS: what RSS alone cannot tell, kept objects from garbage and from the
// allocator's high-water mark.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServe } from '../../test/helpers/station.ts';
import { openBarePage, type BarePage } from './barePage.ts';
import { childrenDone, HEAP_NODE_OPTIONS, inspectorUrl, openInspector, type Inspector } from './inspector.ts';
import { commOf, median, processTree, rssMb, sleep } from './stats.ts';
import type { Figure } from './types.ts';

/** The e2e tests' Chromium flags (test/helpers/station.ts), plus a GC the bench can call. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream=fps=30',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--js-flags=--expose-gc',
];

interface Sample {
  page: number;
  chromium: number;
  engine: number;
  heapMb: number;
  /** The engine's V8 heap after a full GC, MB (read after its RSS, so the GC does not lower that, and after its background work). */
  engineHeapMb: number;
}

function chromiumRss(rootPid: number): { page: number; all: number } {
  let page = 0;
  let all = 0;
  for (const p of processTree(rootPid)) {
    const r = rssMb(p) ?? 0;
    all += r;
    if (commOf(p) === 'renderer') page = Math.max(page, r);
  }
  return { page, all };
}

/** After a GC and a settle: the median of 5 readings a second apart (RSS moves by ±10 MB second to second). */
async function sample(page: BarePage, enginePid: number, engine: Inspector): Promise<Sample> {
  await page.evaluate('window.gc && window.gc()');
  await sleep(3000);
  const reads: { page: number; all: number; engine: number }[] = [];
  for (let i = 0; i < 5; i++) {
    if (i) await sleep(1000);
    reads.push({ ...chromiumRss(page.chrome.pid!), engine: rssMb(enginePid) ?? NaN });
  }
  const heapMb = await page.evaluate<number>('(performance.memory?.usedJSHeapSize ?? 0) / 2 ** 20');
  // Once the engine's read-back queue is done (clips come faster than on a station): its entries are work to do, not memory kept.
  await childrenDone(enginePid);
  const engineHeapMb = (await engine.heapAfterGc()).heapMb;
  return {
    page: median(reads.map((r) => r.page)),
    chromium: median(reads.map((r) => r.all)),
    engine: median(reads.map((r) => r.engine)),
    heapMb,
    engineHeapMb,
  };
}

const STATE = 'document.body.dataset.state';

/** One scan, then the page recording that order (idle after a repeated code). A slow scan is waited for, never repeated. */
async function scanTo(page: BarePage, code: string, state: 'recording' | 'idle' = 'recording'): Promise<void> {
  await page.scan(code);
  const cond = state === 'recording' ? `${STATE} === 'recording' && document.body.dataset.order === ${JSON.stringify(code)}` : `${STATE} === 'idle'`;
  await page.waitFor(cond, 30_000);
}

export async function memory(opts: { quick: boolean; log: (l: string) => void }): Promise<Figure[]> {
  const total = opts.quick ? 60 : 500;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-memory-'));
  // A GC the bench can call and an inspector: nothing runs through them until a sample is read.
  const served = await startServe(['--data', dir], { NODE_OPTIONS: HEAP_NODE_OPTIONS });
  let page: BarePage | null = null;
  let engine: Inspector | null = null;
  try {
    const url = inspectorUrl(served.output());
    if (!url) throw new Error(`serve printed no inspector address:\n${served.output()}`);
    engine = await openInspector(url);
    page = await openBarePage(served.url, FLAGS);
    await page.waitFor(`${STATE} === 'idle'`, 60_000);
    await sleep(2000); // the camera may be reopened once the settings arrive; measure the pipeline that stays
    const p = page;
    let done = 0;
    const run = async (upTo: number): Promise<void> => {
      for (; done < upTo; done++) {
        await scanTo(p, `SF9200000${String(done).padStart(5, '0')}`);
        await sleep(400);
      }
    };
    const saved = (): Promise<void> => p.waitFor('window.__pwStation.snapshot.saving === 0', 300_000);
    await run(11); // 10 switches after the first start
    await saved();
    const at10 = await sample(p, served.proc.pid!, engine);
    opts.log(`memory after 10 switches: ${JSON.stringify(at10)}`);
    const t = Date.now();
    // Samples on the way show whether growth levels off (allocator high-water mark) or keeps climbing (a leak).
    const trend: string[] = [`10: page ${at10.page.toFixed(0)} MB, engine ${at10.engine.toFixed(0)} MB`];
    for (const mark of [100, 250].filter((m) => m < total)) {
      await run(mark + 1);
      const c = chromiumRss(p.chrome.pid!);
      trend.push(`${mark}: page ${c.page.toFixed(0)} MB, engine ${(rssMb(served.proc.pid!) ?? NaN).toFixed(0)} MB`);
    }
    await run(total + 1);
    await sleep(2000); // the same code again within 1.5 s would be ignored as a double scan
    await scanTo(p, `SF9200000${String(done - 1).padStart(5, '0')}`, 'idle');
    await saved();
    const atN = await sample(p, served.proc.pid!, engine);
    const clips = await p.evaluate<number>(
      `fetch('/api/call/clips.stats', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 0 }) }).then((r) => r.json()).then((b) => b.result.shipping.count)`,
    );
    opts.log(`memory after ${total} switches (${((Date.now() - t) / 1000).toFixed(0)} s, ${clips} clips indexed): ${JSON.stringify(atN)}`);
    const growPage = atN.page - at10.page;
    const growEngine = atN.engine - at10.engine;
    const fig: Figure = {
      key: 'memory',
      figure: 'memory',
      how: `RSS of the station page's renderer process and of \`packwitness serve\` after 10 vs after ${total} order switches (a scan every ~0.5-1 s; page GC'd, 3 s settle, median of 5 readings 1 s apart); the page in Chromium driven over a bare DevTools connection (Input and Runtime only: Playwright's network recorder keeps every uploaded chunk in the renderer, which no station has)`,
      target: 'growth 50 MB or less',
      value: `page ${at10.page.toFixed(0)} → ${atN.page.toFixed(0)} MB (${growPage >= 0 ? '+' : ''}${growPage.toFixed(0)}), engine ${at10.engine.toFixed(0)} → ${atN.engine.toFixed(0)} MB (${growEngine >= 0 ? '+' : ''}${growEngine.toFixed(0)})`,
      met: growPage <= 50 && growEngine <= 50,
      details: [
        `${clips} clips indexed at the end; all Chromium processes: ${at10.chromium.toFixed(0)} → ${atN.chromium.toFixed(0)} MB; page JS heap ${at10.heapMb.toFixed(1)} → ${atN.heapMb.toFixed(1)} MB`,
        `engine V8 heap after a full GC (over its inspector, after its RSS was read and its frame-counter read-back caught up): ${at10.engineHeapMb.toFixed(1)} → ${atN.engineHeapMb.toFixed(1)} MB (${(((atN.engineHeapMb - at10.engineHeapMb) * 1024) / (total - 10)).toFixed(1)} KB per clip)`,
        `RSS along the way (switches: MB, single readings without GC or settle except at 10 and ${total}): ${[...trend, `${total}: page ${atN.page.toFixed(0)} MB, engine ${atN.engine.toFixed(0)} MB`].join('; ')}`,
        'under Playwright (its Network domain on) the same page grew by ~0.3 MB per clip (+158 MB after 500 in one run): DevTools keeping the request bodies, not the station',
        "the engine grew by ~0.1-0.16 MB per clip while the Today panel fetched the day's clip rows after every clip (up to 500 rows, ~0.5 MB of JSON each time); it now asks `clips.stats`, counted by SQLite",
      ],
    };
    if (!fig.met) fig.miss = `grew by ${Math.max(growPage, growEngine).toFixed(0)} MB`;
    return [fig];
  } finally {
    engine?.close();
    await page?.close().catch(() => undefined);
    await served.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

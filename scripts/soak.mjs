// `npm run soak` (not in CI): a long shift compressed. Drives the real station page in Chromium
// with a fake camera through N order switches (keyboard scans, as a USB scanner types), then
// reports how the memory of the page and of the engine grew, and whether every clip was saved.
//
//   npm run soak                       500 switches, 1 s per order
//   npm run soak -- --switches 100 --hold-ms 800 --json soak.json
//
// Exit 1 when clips are missing or not ok; memory growth is reported (and flagged above
// --max-heap-growth-mb / --max-rss-growth-mb), since what is "too much" is a judgement.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { apiCall, launchBrowser, ROOT, startServe, waitForState } from '../test/helpers/station.ts';

/**
 * A scan as the page's scanner hook sees it: one burst of key events, then Enter. Dispatched inside
 * the page in one go, because over the DevTools protocol the gap between two typed keys sometimes
 * exceeds the 50 ms a burst may have, which splits a code; 500 scans in a row must all be whole.
 */
async function scan(page, code) {
  await page.evaluate((c) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...c, 'Enter']) target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, code);
}

const { values } = parseArgs({
  options: {
    switches: { type: 'string', default: '500' },
    'hold-ms': { type: 'string', default: '1000' },
    'sample-every': { type: 'string', default: '50' },
    'max-heap-growth-mb': { type: 'string', default: '30' },
    'max-rss-growth-mb': { type: 'string', default: '150' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const SWITCHES = Number(values.switches);
const HOLD = Number(values['hold-ms']);
const EVERY = Math.max(1, Number(values['sample-every']));
const MB = 1024 * 1024;
// SF Express-shaped codes (SF + 13 digits): the page knows the pattern, so no "unknown code" warning.
const PREFIX = 'SF149';
const orderCode = (i) => `${PREFIX}${String(i).padStart(10, '0')}`;

if (!existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) {
  console.log('building the renderer first (out/renderer is missing)…');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

/** Resident memory of a process in bytes (Linux /proc, elsewhere ps). */
function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pw-soak-'));
const served = await startServe(['--data', dataDir]);
const browser = await launchBrowser();
const samples = [];
let exitCode = 0;
try {
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(served.url);
  await waitForState(page, 'idle', undefined, 60_000);

  const sample = async (switches) => {
    // Collect garbage first: what stays is what leaks, not what has not been swept yet.
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const s = {
      switches,
      pageHeapBytes: m.JSHeapUsedSize,
      domNodes: m.Nodes,
      listeners: m.JSEventListeners,
      engineRssBytes: rssOf(served.proc.pid),
      at: new Date().toISOString(),
    };
    samples.push(s);
    console.log(
      `${String(switches).padStart(5)} switches  page heap ${(s.pageHeapBytes / MB).toFixed(1)} MB  DOM nodes ${s.domNodes}  listeners ${s.listeners}  engine RSS ${(s.engineRssBytes / MB).toFixed(1)} MB`,
    );
  };

  await sample(0);
  let rescans = 0;
  const started = Date.now();
  for (let i = 1; i <= SWITCHES; i++) {
    const code = orderCode(i);
    // A new code finishes the previous clip and starts this one. The page may refuse a scan while
    // its camera is (re)starting and says so; a packer scans again, and so does the soak.
    for (let attempt = 1; ; attempt++) {
      await scan(page, code);
      try {
        await waitForState(page, 'recording', code, 5_000);
        break;
      } catch (err) {
        if (attempt >= 6) {
          const state = await page.evaluate(() => JSON.stringify(document.body.dataset));
          throw new Error(`switch ${i}: ${code} did not start recording after ${attempt} scans (page ${state})`, { cause: err });
        }
        rescans++;
      }
    }
    await page.waitForTimeout(HOLD);
    if (i % EVERY === 0 || i === SWITCHES) await sample(i);
  }
  await page.getByTestId('stop').click(); // the Stop button ends the last clip
  await waitForState(page, 'idle', undefined, 60_000);
  const minutes = (Date.now() - started) / 60_000;

  // Every switch must have become a saved clip.
  const deadline = Date.now() + 120_000;
  let total = 0;
  while (Date.now() < deadline) {
    total = (await apiCall(served.url, 'clips.search', { q: PREFIX, limit: 1 })).total;
    if (total >= SWITCHES) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const all = [];
  for (let offset = 0; offset < total; offset += 500) all.push(...(await apiCall(served.url, 'clips.search', { q: PREFIX, limit: 500, offset })).clips);
  const notOk = all.filter((c) => c.status !== 'ok');
  const info = await apiCall(served.url, 'station.info');

  // Growth from the first sample after warm-up (the first switches load code and caches).
  const base = samples.find((s) => s.switches >= EVERY) ?? samples[0];
  const last = samples[samples.length - 1];
  const heapGrowth = (last.pageHeapBytes - base.pageHeapBytes) / MB;
  const rssGrowth = (last.engineRssBytes - base.engineRssBytes) / MB;
  const report = {
    switches: SWITCHES,
    holdMs: HOLD,
    minutes: Number(minutes.toFixed(1)),
    rescans,
    clipsSaved: all.length,
    clipsNotOk: notOk.map((c) => ({ order: c.order, status: c.status, note: c.note })),
    problems: info.problems,
    growthFromSwitch: base.switches,
    pageHeapGrowthMb: Number(heapGrowth.toFixed(1)),
    domNodeGrowth: last.domNodes - base.domNodes,
    listenerGrowth: last.listeners - base.listeners,
    engineRssGrowthMb: Number(rssGrowth.toFixed(1)),
    samples,
  };
  console.log(
    `\n${SWITCHES} order switches in ${report.minutes} min (${rescans} scan(s) repeated because the page refused them); ${all.length} clips saved, ${notOk.length} not ok.`,
  );
  console.log(`From switch ${base.switches} to ${last.switches}:`);
  console.log(
    `  page JS heap ${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} MB, DOM nodes ${report.domNodeGrowth >= 0 ? '+' : ''}${report.domNodeGrowth}, listeners ${report.listenerGrowth >= 0 ? '+' : ''}${report.listenerGrowth}`,
  );
  console.log(`  engine RSS ${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MB`);
  if (heapGrowth > Number(values['max-heap-growth-mb'])) console.log(`  WARNING: the page heap grew more than ${values['max-heap-growth-mb']} MB`);
  if (rssGrowth > Number(values['max-rss-growth-mb'])) console.log(`  WARNING: the engine grew more than ${values['max-rss-growth-mb']} MB`);
  if (all.length < SWITCHES || notOk.length) {
    console.log(`  FAIL: expected ${SWITCHES} ok clips`);
    exitCode = 1;
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
} finally {
  await browser.close();
  await served.stop();
  if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data kept in ${dataDir}`);
}
process.exit(exitCode);

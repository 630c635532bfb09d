#!/usr/bin/env node
// `npm run bench [-- --only seal,lookup,finish,export,cost,scan,memory,drops,labels,hub,console] [--quick]`
// Measures PackWitness against its speed and memory targets on this machine and writes BENCHMARKS.md.
// Not part of `npm test`: it takes ~15 minutes and its figures depend on the machine.
// Runs under Node 22 (npm puts node_modules/.bin first), which imports the .ts modules directly.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`npm run bench needs Node 22 (this is ${process.version}); run it through npm, which uses node_modules/.bin/node.`);
  process.exit(2);
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'BENCHMARKS.md');
const SECTIONS = ['seal', 'lookup', 'finish', 'export', 'cost', 'scan', 'memory', 'drops', 'labels', 'hub', 'console'];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const pick = (v) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const only = pick(values.only ?? process.env.PW_BENCH_ONLY);
const skip = pick(values.skip ?? process.env.PW_BENCH_SKIP);
for (const s of [...only, ...skip]) {
  if (!SECTIONS.includes(s)) {
    console.error(`unknown section "${s}"; sections: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const wanted = (s) => (only.length ? only.includes(s) : true) && !skip.includes(s);
const quick = values.quick;

const { machine } = await import('./bench/stats.ts');
const { writeReport, readPrevious } = await import('./bench/report.ts');

const started = Date.now();
const loadAtStart = (await import('node:os')).loadavg()[0];
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const figures = [];
const failures = [];
const at = new Date().toISOString();

async function section(name, run, enabled = wanted(name)) {
  if (!enabled) return;
  // Each section starts on a quiet machine: the previous one's garbage collected (the lookup
  // section leaves a million codes behind; a major GC of that heap landed inside the next section's
  // timings: stop to indexed, 5 min, 355-386 ms after it against ~230 ms alone) and its writes on disk.
  globalThis.gc?.();
  execFileSync('sync');
  log(`— ${name}`);
  const t = Date.now();
  try {
    const figs = await run();
    for (const f of figs) figures.push({ ...f, measuredAt: at });
    log(`  ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  } catch (err) {
    failures.push({ name, message: String(err?.stack ?? err) });
    log(`  ${name} FAILED: ${err?.message ?? err}`);
  }
}

const opts = { quick, log };
await section('seal', async () => (await import('./bench/seal.ts')).seal(opts));
await section('lookup', async () => (await import('./bench/lookup.ts')).lookup(opts));
await section('finish', async () => (await import('./bench/finish.ts')).finish(opts));
await section('export', async () => (await import('./bench/exportBench.ts')).exportBench(opts));
// The two Playwright station sections, each on a fresh `packwitness serve` and Chromium.
const stationWanted = ['cost', 'scan'].filter(wanted);
if (stationWanted.length) {
  // Named after both, but run when either is wanted (`--only cost` must not skip it).
  await section(stationWanted.join('+'), async () => (await import('./bench/station.ts')).stationSections((k) => stationWanted.includes(k), opts), true);
}
await section('memory', async () => (await import('./bench/memory.ts')).memory(opts));
await section('drops', async () => (await import('./bench/drops.ts')).drops(opts));
await section('labels', async () => (await import('./bench/labels.ts')).labels(opts));
await section('hub', async () => (await import('./bench/hub.ts')).hubBench(opts));
await section('console', async () => (await import('./bench/console.ts')).consoleBench(opts));

const totalS = (Date.now() - started) / 1000;
// A partial run (--only/--skip) keeps the other rows of the last report, each with its own date.
const previous = only.length || skip.length ? readPrevious(OUT) : [];
writeReport(OUT, { figures, previous, machine: machine(), at, totalS, quick, loadAtStart, failures });
log(`wrote ${path.relative(process.cwd(), OUT)} (${figures.length} figures, ${failures.length} failures, ${totalS.toFixed(0)} s)`);
for (const f of figures) console.log(`${f.met === null ? '·' : f.met ? '✓' : '✗'} ${f.figure}: ${f.value}  [target ${f.target}]`);
if (failures.length) {
  for (const f of failures) console.error(`section ${f.name} failed:\n${f.message}`);
  process.exitCode = 1;
}

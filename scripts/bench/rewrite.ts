// `node scripts/bench/rewrite.ts`: rewrites BENCHMARKS.md from the figures it already holds (after
// editing closing-note.md), without measuring anything again.
import path from 'node:path';
import { readPrevious, writeReport } from './report.ts';
import { machine } from './stats.ts';

const file = path.join(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const previous = readPrevious(file);
if (!previous.length) throw new Error(`${file} holds no figures; run npm run bench`);
const at = previous.map((f) => f.measuredAt ?? '').sort()[0] ?? new Date().toISOString();
const run = /This run: (\d+) min/.exec((await import('node:fs')).readFileSync(file, 'utf8'));
writeReport(file, { figures: [], previous, machine: machine(), at, totalS: Number(run?.[1] ?? 0) * 60, quick: false, failures: [] });
console.log(`rewrote ${file} (${previous.length} figures)`);

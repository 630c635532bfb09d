// Frames dropped per hour of recording under load: the real station page in Chromium (fake camera,
// 720p30) through `packwitness serve`, while other programs keep the machine busy, as they would on
// a packing PC: one core busy (a `yes > /dev/null`), and both cores busy (two `yes` and a nice'd
// ffmpeg encoding video). Clips are read back twice: by this bench
// (every gap in the files) and by the station itself (its sealed continuity entries), which must
// have recorded every one of them. A third load starves the station on purpose: Chromium pinned to
// one CPU shared with two `yes`, where frames are dropped. PW_BENCH_DROPS=one|both|starved runs one
// load alone.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clip } from '../../shared/contract.ts';
import { readFrameCounters } from '../../electron/engine/frameCounters.ts';
import { apiCall, openStationPage, startServe, waitForState } from '../../test/helpers/station.ts';
import { stationContinuity } from '../../test/helpers/continuity.ts';
import { ffmpegBin } from '../../test/helpers/video.ts';
import { round, sleep } from './stats.ts';
import type { Figure } from './types.ts';
import { clipPath } from '../../test/helpers/clipPath.ts';

interface Load {
  key: string;
  figure: string;
  /** How the load is made, for the table. */
  how: string;
  clips: number;
  start(): ChildProcess[];
  /** Every Chromium process of the bench kept on CPU 0 (taskset), where the load runs too. */
  pinChromium?: boolean;
}

const yes = (): ChildProcess => spawn('yes', { stdio: ['ignore', 'ignore', 'ignore'] });
const yesOnCpu0 = (): ChildProcess => spawn('taskset', ['-c', '0', 'yes'], { stdio: ['ignore', 'ignore', 'ignore'] });

/** Pins every process descended from this one whose name starts with "chrom" (and all their threads) to CPU 0. */
function pinChromiumToCpu0(): number {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      names.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parents.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parents.get(pid); p && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  let pinned = 0;
  for (const [pid, name] of names) {
    if (!name.startsWith('chrom') || !mine(pid)) continue;
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' });
    pinned++;
  }
  return pinned;
}

const LOADS: Record<'one' | 'both' | 'starved', Load> = {
  one: {
    key: 'frames-dropped',
    figure: 'frames dropped, one core busy',
    how: '`yes > /dev/null` kept one core busy',
    clips: 5,
    start: () => [yes()],
  },
  both: {
    key: 'frames-dropped-both',
    figure: 'frames dropped, both cores busy',
    how: 'two `yes > /dev/null` and a `nice -n 10 ffmpeg` encoding 720p30 H.264 (another program exporting video) kept both cores busy',
    clips: 3,
    start: () => [
      yes(),
      yes(),
      spawn(
        'nice',
        [
          '-n',
          '10',
          ffmpegBin(),
          '-v',
          'quiet',
          '-re',
          '-f',
          'lavfi',
          '-i',
          'testsrc2=size=1280x720:rate=30',
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-f',
          'null',
          '-',
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      ),
    ],
  },
  starved: {
    key: 'frames-dropped-starved',
    figure: 'frames dropped, station held to a third of one core',
    how: 'every Chromium process pinned to CPU 0 (taskset) with two `yes > /dev/null` on the same CPU, so the station page gets about a third of one core (it uses about a quarter of one when recording)',
    clips: 3,
    start: () => [yesOnCpu0(), yesOnCpu0()],
    pinChromium: true,
  },
};

export async function drops(opts: { quick: boolean; log: (l: string) => void }): Promise<Figure[]> {
  const only = process.env.PW_BENCH_DROPS;
  const figures: Figure[] = [];
  for (const name of ['one', 'both', 'starved'] as const) if (!only || only === name) figures.push(await dropsUnder(LOADS[name], opts));
  return figures;
}

async function dropsUnder(load: Load, opts: { quick: boolean; log: (l: string) => void }): Promise<Figure> {
  const clipS = opts.quick ? 30 : 60;
  const clipCount = opts.quick ? 2 : load.clips;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-drops-'));
  const served = await startServe(['--data', dir]);
  const { browser, page } = await openStationPage(served.url);
  const hogs = load.start();
  const loadAvg: number[] = [];
  try {
    if (load.pinChromium) opts.log(`drops: ${pinChromiumToCpu0()} Chromium processes pinned to CPU 0`);
    await sleep(2000); // the camera may be reopened once the settings arrive
    const codes = Array.from({ length: clipCount }, (_, i) => `SF92000000${String(i).padStart(4, '0')}`);
    for (const code of codes) {
      // The page's own scan entry (what the scanner's keys trigger): on a loaded machine Playwright's
      // keystrokes may come too slowly to pass as a scanner burst, which is not what is measured here.
      await page.evaluate((c) => window.__pwStation!.scan(c), code);
      await waitForState(page, 'recording', code, 30_000);
      await sleep(clipS * 1000);
      loadAvg.push(os.loadavg()[0]!);
    }
    await page.evaluate((c) => window.__pwStation!.scan(c), codes.at(-1)!);
    await waitForState(page, 'idle', undefined, 60_000);
    const clips: Clip[] = [];
    for (const code of codes) {
      for (let i = 0; i < 120; i++) {
        const found = (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', { q: code })).clips[0];
        if (found) {
          clips.push(found);
          break;
        }
        await sleep(1000);
      }
    }
    for (const h of hogs) h.kill();
    let seconds = 0;
    let dropped = 0;
    let frames = 0;
    let unrecorded = 0;
    let stalls = 0;
    const byCause: Record<string, number> = {};
    const where: string[] = [];
    for (const c of clips) {
      const read = await readFrameCounters(clipPath(path.join(dir, 'clips'), c));
      const rec = await stationContinuity(served.url, c.id);
      const known = new Set(rec.gaps.map((g) => `${g.after}+${g.missing}`));
      unrecorded += read.gaps.filter((g) => !known.has(`${g.after}+${g.missing}`)).reduce((s, g) => s + g.missing, 0);
      seconds += c.durationMs / 1000;
      frames += read.counters.length;
      stalls += rec.stalls.length;
      if (rec.gaps.length)
        where.push(`clip ${clips.indexOf(c) + 1}: ${rec.gaps.map((g) => `${g.missing} at ${(g.atMs / 1000).toFixed(1)} s (${g.cause})`).join(', ')}`);
      for (const g of rec.gaps) {
        dropped += g.missing;
        byCause[g.cause] = (byCause[g.cause] ?? 0) + g.missing;
      }
    }
    const perHour = seconds > 0 ? (dropped / seconds) * 3600 : 0;
    const share = frames + dropped > 0 ? (dropped / (frames + dropped)) * 100 : 0;
    opts.log(
      `${load.figure}: dropped ${dropped} of ${frames + dropped} stamped frames in ${round(seconds, 0)} s (${JSON.stringify(byCause)}); unrecorded ${unrecorded}`,
    );
    const fig: Figure = {
      key: load.key,
      figure: load.figure,
      how: `${clips.length} clips of ${clipS} s recorded by the station page (720p30 fake camera) while ${load.how}; gaps in the burned-in counter read from each file, compared with the gaps the station sealed in its continuity entries`,
      target: 'every dropped frame recorded by the station (0 unexplained); as few as possible',
      value: `${round(perHour, 0)} frames per hour of recording (${dropped} of ${frames + dropped} stamped frames, ${round(share, 3)} %); unexplained: ${unrecorded}`,
      met: clips.length === clipCount && unrecorded === 0,
      details: [
        `by cause (as the station recorded it): ${
          Object.entries(byCause)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }`,
        `pauses of 1 s or more in the picture (camera late, no frame missing): ${stalls}`,
        ...(where.length ? [`where (time in the clip): ${where.join('; ')}`] : []),
        `recorded: ${round(seconds, 1)} s in ${clips.length} of ${clipCount} clips`,
        `1-minute load average of the machine after each clip: ${loadAvg.map((l) => l.toFixed(1)).join(', ')} (${os.cpus().length} cores)`,
      ],
    };
    if (!fig.met) fig.miss = unrecorded ? `${unrecorded} dropped frames the station did not record` : `${clipCount - clips.length} clips not found`;
    return fig;
  } finally {
    for (const h of hogs) h.kill();
    await browser.close().catch(() => {});
    await served.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

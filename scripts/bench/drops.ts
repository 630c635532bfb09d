// Frames dropped per hour of recording with one core busy: the real station page in Chromium (fake
// camera, 720p30) through `packwitness serve`, while a `yes > /dev/null` keeps one of the machine's
// cores busy, as another program on a packing PC would. Clips are read back twice: by this bench
// (every gap in the files) and by the station itself (its sealed continuity entries), which must
// have recorded every one of them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clip } from '../../shared/contract.ts';
import { readFrameCounters } from '../../electron/engine/frameCounters.ts';
import { apiCall, openStationPage, startServe, waitForState } from '../../test/helpers/station.ts';
import { stationContinuity } from '../../test/helpers/continuity.ts';
import { round, sleep } from './stats.ts';
import type { Figure } from './types.ts';

export async function drops(opts: { quick: boolean; log: (l: string) => void }): Promise<Figure[]> {
  const clipS = opts.quick ? 30 : 60;
  const clipCount = opts.quick ? 2 : 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-drops-'));
  const served = await startServe(['--data', dir]);
  const { browser, page } = await openStationPage(served.url);
  const hog = spawn('yes', { stdio: ['ignore', 'ignore', 'ignore'] });
  try {
    await sleep(2000); // the camera may be reopened once the settings arrive
    const codes = Array.from({ length: clipCount }, (_, i) => `SF92000000${String(i).padStart(4, '0')}`);
    for (const code of codes) {
      // The page's own scan entry (what the scanner's keys trigger): on a loaded machine Playwright's
      // keystrokes may come too slowly to pass as a scanner burst, which is not what is measured here.
      await page.evaluate((c) => window.__pwStation!.scan(c), code);
      await waitForState(page, 'recording', code, 30_000);
      await sleep(clipS * 1000);
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
    hog.kill();
    let seconds = 0;
    let dropped = 0;
    let frames = 0;
    let unrecorded = 0;
    let stalls = 0;
    const byCause: Record<string, number> = {};
    for (const c of clips) {
      const read = await readFrameCounters(c.file);
      const rec = await stationContinuity(served.url, c.id);
      const known = new Set(rec.gaps.map((g) => `${g.after}+${g.missing}`));
      unrecorded += read.gaps.filter((g) => !known.has(`${g.after}+${g.missing}`)).reduce((s, g) => s + g.missing, 0);
      seconds += c.durationMs / 1000;
      frames += read.counters.length;
      stalls += rec.stalls.length;
      for (const g of rec.gaps) {
        dropped += g.missing;
        byCause[g.cause] = (byCause[g.cause] ?? 0) + g.missing;
      }
    }
    const perHour = seconds > 0 ? (dropped / seconds) * 3600 : 0;
    const share = frames + dropped > 0 ? (dropped / (frames + dropped)) * 100 : 0;
    opts.log(`dropped ${dropped} of ${frames + dropped} stamped frames in ${round(seconds, 0)} s (${JSON.stringify(byCause)}); unrecorded ${unrecorded}`);
    const fig: Figure = {
      key: 'frames-dropped',
      figure: 'frames dropped, one core busy',
      how: `${clips.length} clips of ${clipS} s recorded by the station page (720p30 fake camera) while \`yes > /dev/null\` kept one core busy; gaps in the burned-in counter read from each file, compared with the gaps the station sealed in its continuity entries`,
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
        `recorded: ${round(seconds, 1)} s in ${clips.length} of ${clipCount} clips`,
      ],
    };
    if (!fig.met) fig.miss = unrecorded ? `${unrecorded} dropped frames the station did not record` : `${clipCount - clips.length} clips not found`;
    return [fig];
  } finally {
    hog.kill();
    await browser.close().catch(() => {});
    await served.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

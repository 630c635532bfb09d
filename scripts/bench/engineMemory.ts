// Does the station engine keep memory per clip? Without Chromium: `packwitness serve` on a fresh
// data folder records N short clips through the HTTP chunk route (recording.start, chunk PUTs of a
// station-like WebM, recording.finish, as finish.ts does), and its RSS and V8 heap after a full GC
// are read along the way, over the process's inspector (inspector.ts), once its background work
// (thumbnails, the frame-counter read-back's queue) is done. The station's default TSA
// list stays on, as on a real station (this machine has no network: every clip's request fails and
// is retried, which is the path that used to keep memory).
//   nice -n 19 node scripts/bench/engineMemory.ts [--clips 1000] [--marks 10,200,500,1000] [--snapshots 200,1000] [--out DIR]
// A heap snapshot at two marks (--snapshots) shows what is kept: scripts/bench/heapDiff.ts compares
// two. A snapshot costs the process ~75 MB of RSS it does not give back: RSS figures after one are
// not comparable.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServe } from '../../test/helpers/station.ts';
import { childrenDone, HEAP_NODE_OPTIONS, inspectorUrl, openInspector } from './inspector.ts';
import { FFMPEG, stationLikeWebm } from './media.ts';
import { rssMb } from './stats.ts';

const { values } = parseArgs({
  options: {
    clips: { type: 'string', default: '1000' },
    marks: { type: 'string', default: '10,200,500,1000' },
    snapshots: { type: 'string', default: '' },
    out: { type: 'string', default: os.tmpdir() },
  },
});
const list = (s: string): number[] => s.split(',').filter(Boolean).map(Number);
const total = Number(values.clips);
const marks = new Set(list(values.marks));
const snapshots = new Set(list(values.snapshots));

async function post<T>(base: string, route: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(route, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { ok: boolean; result: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${route}: ${json.error?.message}`);
  return json.result;
}

/** Resident memory by kind (/proc/PID/status): the V8 heap and malloc are anonymous, mapped files (the SQLite -shm, code) are file. */
function rssParts(pid: number): string {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  return `anon ${kb('RssAnon').toFixed(1)}, file ${kb('RssFile').toFixed(1)}, shmem ${kb('RssShmem').toFixed(1)}`;
}

// A 2-second cut of the station-like clip: the engine's work per clip, without minutes of upload.
const clipFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pw-engmem-clip-')), 'clip.webm');
execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-i', stationLikeWebm(10), '-t', '2', '-c', 'copy', '-f', 'matroska', clipFile]);
const clip = fs.readFileSync(clipFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-engmem-'));
const served = await startServe(['--data', dir], { NODE_OPTIONS: HEAP_NODE_OPTIONS });
const pid = served.proc.pid!;
const url = inspectorUrl(served.output());
if (!url) throw new Error(`serve printed no inspector address:\n${served.output()}`);
const inspector = await openInspector(url);
const started = Date.now();
const sample = async (n: number): Promise<void> => {
  const t = Date.now();
  // Clips go in faster than the frame-counter read-back can read them: its queue is drained first.
  await childrenDone(pid);
  const drained = (Date.now() - t) / 1000;
  const heap = await inspector.heapAfterGc();
  const rss = rssMb(pid) ?? NaN;
  console.log(
    `${String(n).padStart(5)} clips: RSS ${rss.toFixed(1)} MB (${rssParts(pid)}), heap after GC ${heap.heapMb.toFixed(2)} MB, external ${heap.externalMb.toFixed(2)} MB [${((Date.now() - started) / 1000).toFixed(0)} s, ${drained.toFixed(0)} s of them waiting for the read-back]`,
  );
  if (snapshots.has(n)) {
    const file = path.join(values.out, `engine-${n}.heapsnapshot`);
    await inspector.snapshot(file);
    console.log(`      heap snapshot: ${file}`);
  }
};
try {
  await sample(0);
  const per = Math.ceil(clip.length / 2); // one chunk per second of video
  for (let n = 1; n <= total; n++) {
    const { recordingId } = await post<{ recordingId: string }>(served.url, '/api/call/recording.start', {
      order: `SF92${String(n).padStart(9, '0')}`,
      mimeType: 'video/x-matroska;codecs=avc1',
    });
    let seq = 0;
    for (let off = 0; off < clip.length; off += per) {
      const res = await fetch(new URL(`/api/recordings/${recordingId}/chunks/${seq++}`, served.url), { method: 'PUT', body: clip.subarray(off, off + per) });
      if (!res.ok) throw new Error(`chunk ${seq - 1}: ${await res.text()}`);
    }
    const out = await post<{ clip: unknown; message: string | null }>(served.url, '/api/call/recording.finish', {
      recordingId,
      reason: 'stop-button',
      chunkCount: seq,
    });
    if (!out.clip) throw new Error(`clip ${n} not saved: ${out.message}`);
    if (marks.has(n)) await sample(n);
  }
} catch (err) {
  console.error(`serve (last lines):\n${served.output().split('\n').slice(-20).join('\n')}`);
  throw err;
} finally {
  inspector.close();
  await served.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(clipFile), { recursive: true, force: true });
}

// Figures for `npm run bench` (test/unit/evidence.test.ts runs them too): what sealing adds to
// finishing a clip, and how fast the station hashes compared with `openssl dgst -sha256`.
// openssl is used here only as the yardstick; the app never runs it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../electron/engine/engine.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { stationCustodyOf } from '../../electron/engine/evidence/handlers.ts';

/** Writes a file of `mb` MiB of random bytes (incompressible, like video). */
export function makeBenchFile(file: string, mb: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mb; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
}

export interface SealBench {
  sizeBytes: number;
  runs: number;
  /** Median time of custody.clipSealed (chain entry, Ed25519 signature, sidecars, queueing the token). */
  sealMsMedian: number;
  sealMsMax: number;
}

/**
 * Sealing cost on a clip of `mb` MiB (a 5-minute 720p clip at the default 2.5 Mbit/s is ~90 MiB).
 * The clip's SHA-256 is computed once by the engine when the MP4 is finished and reused here, so
 * sealing never reads the file again: its cost does not grow with the clip.
 */
export async function benchSealOverhead(dir: string, mb = 100, runs = 9): Promise<SealBench> {
  const engine = await Engine.open({ dataDir: path.join(dir, 'seal-bench'), timestampWorker: false });
  try {
    const custody = stationCustodyOf(engine);
    const rel = path.join('2000-01-01', 'BENCH_000000_x.mp4');
    const file = path.join(engine.paths.clipsDir, rel);
    makeBenchFile(file, mb);
    const sha256 = await sha256File(file);
    const size = fs.statSync(file).size;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const id = `bench-${i}-${randomBytes(4).toString('hex')}`;
      await engine.clips.insertRecording({
        id,
        order_code: `BENCH${i}`,
        station: 'bench',
        operator: null,
        mode: 'shipping',
        started_at: Date.now() - 300_000,
        mime_type: 'video/webm',
        partial_file: null,
      });
      await engine.clips.finish(id, {
        ended_at: Date.now(),
        duration_ms: 300_000,
        mono_ms: 300_000,
        size_bytes: size,
        file: rel,
        sha256,
        status: 'ok',
        stop_reason: 'same-code',
        note: null,
      });
      const row = (await engine.clips.get(id))!;
      const t0 = performance.now();
      await custody.clipSealed(row);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { sizeBytes: size, runs, sealMsMedian: times[Math.floor(runs / 2)]!, sealMsMax: times[runs - 1]! };
  } finally {
    await engine.close();
  }
}

export interface HashBench {
  sizeBytes: number;
  stationMBps: number;
  opensslMBps: number | null;
  /** stationMBps / opensslMBps; the target is >= 0.8. */
  ratio: number | null;
  /**
   * The same comparison by CPU time (user + system) rather than wall time: steadier on a busy
   * machine (CI's 2 cores). Null where bash's `times` is not available.
   */
  cpuRatio: number | null;
}

/** CPU seconds (user + system) of `openssl dgst -sha256 file`, from bash's `times`. */
function opensslCpuSeconds(file: string): number | null {
  const r = spawnSync('bash', ['-c', 'openssl dgst -sha256 "$1" >/dev/null && times', 'bench', file], { encoding: 'utf8' });
  const children = r.status === 0 ? r.stdout.trim().split('\n')[1] : undefined;
  const parts = children?.split(/\s+/).map((x) => /^(\d+)m([\d.]+)s$/.exec(x));
  if (!parts || parts.length !== 2 || parts.some((m) => !m)) return null;
  return parts.reduce((sum, m) => sum + Number(m![1]) * 60 + Number(m![2]), 0);
}

/** SHA-256 throughput of the station's hasher vs `openssl dgst -sha256` on the same (cached) file. */
export async function benchHashThroughput(file: string, rounds = 3): Promise<HashBench> {
  const size = fs.statSync(file).size;
  await sha256File(file); // warm the page cache so both sides read from memory
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await sha256File(file);
    best = Math.min(best, performance.now() - t0);
  }
  let bestOpenssl = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const r = spawnSync('openssl', ['dgst', '-sha256', file]);
    if (r.status !== 0) {
      bestOpenssl = NaN;
      break;
    }
    bestOpenssl = Math.min(bestOpenssl, performance.now() - t0);
  }
  const mbps = (ms: number): number => size / (1 << 20) / (ms / 1000);
  const stationMBps = mbps(best);
  const opensslMBps = Number.isFinite(bestOpenssl) ? mbps(bestOpenssl) : null;
  let stationCpu = Infinity;
  let opensslCpu = Infinity;
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    await sha256File(file);
    const c = process.cpuUsage(c0);
    stationCpu = Math.min(stationCpu, (c.user + c.system) / 1e6);
    opensslCpu = Math.min(opensslCpu, opensslCpuSeconds(file) ?? NaN);
  }
  const cpuRatio = Number.isFinite(opensslCpu) && stationCpu > 0 ? opensslCpu / stationCpu : null;
  return { sizeBytes: size, stationMBps, opensslMBps, ratio: opensslMBps ? stationMBps / opensslMBps : null, cpuRatio };
}

export interface FinishBench {
  sizeBytes: number;
  /** Median wall time of what finishing does without evidence: ffprobe + stat of the MP4. */
  probeMs: number;
  /** The same with the SHA-256 streamed alongside (as engine.sealPartial does). */
  probeAndHashMs: number;
  /** Median custody.clipSealed on this clip. */
  sealMs: number;
  /** What evidence adds to finishing this clip: (probeAndHashMs - probeMs) + sealMs. */
  overheadMs: number;
}

/**
 * What sealing adds to finishing a real clip (pass a ~5-minute MP4, ~90 MB at the default bitrate).
 * The hash is streamed once, in parallel with ffprobe, so only the part that outlasts ffprobe counts.
 */
export async function benchFinishOverhead(dir: string, mp4: string, rounds = 5): Promise<FinishBench> {
  const { probe } = await import('../../electron/engine/ffmpeg.ts');
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  await sha256File(mp4); // page cache warm, as right after the remux wrote it
  const plain: number[] = [];
  const hashed: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    await Promise.all([probe(mp4), fs.promises.stat(mp4)]);
    plain.push(performance.now() - t0);
    t0 = performance.now();
    await Promise.all([probe(mp4), sha256File(mp4), fs.promises.stat(mp4)]);
    hashed.push(performance.now() - t0);
  }
  const mb = Math.max(1, Math.round(fs.statSync(mp4).size / (1 << 20)));
  const seal = await benchSealOverhead(dir, mb, rounds);
  const probeMs = median(plain);
  const probeAndHashMs = median(hashed);
  return {
    sizeBytes: fs.statSync(mp4).size,
    probeMs,
    probeAndHashMs,
    sealMs: seal.sealMsMedian,
    overheadMs: Math.max(0, probeAndHashMs - probeMs) + seal.sealMsMedian,
  };
}

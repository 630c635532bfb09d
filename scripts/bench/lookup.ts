// Lookup at 1,000,000 clips: a real index (the engine's own migrations, triggers and trigram FTS)
// filled with synthetic finished clips in one transaction, then clips.search timed through
// Engine.call (validation, SQL, Clip objects with their evidence) and through the HTTP door.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Engine } from '../../electron/engine/engine.ts';
import { startServer } from '../../electron/server/http.ts';
import { median, percentile, round } from './stats.ts';
import type { Figure, Section } from './types.ts';

const QUERIES = 200;
const DAY = 86_400_000;

// Carrier-like tracking numbers: prefix + digits, so fragments of digits match several orders as
// they do in a real warehouse.
const PREFIXES = ['SF', 'YT', 'JT', 'ZTO', 'YD', '1Z', 'LP', 'JD'];
function orderCode(i: number): string {
  const p = PREFIXES[i % PREFIXES.length]!;
  const digits = String(Math.floor(Math.random() * 1e13)).padStart(13, '0');
  return `${p}${digits}`;
}

function fill(engine: Engine, n: number, span: { from: number; to: number }): string[] {
  const codes: string[] = [];
  const insert = engine.db.prepare(
    `INSERT INTO clips (id, order_code, station, operator, mode, started_at, ended_at, duration_ms, mono_ms, size_bytes, file, sha256, status, stop_reason, mime_type)
     VALUES (?, ?, 'Bench-1', NULL, ?, ?, ?, 45000, 45000, 14000000, ?, ?, 'ok', 'next-scan', 'video/x-matroska;codecs=avc1')`,
  );
  const sha = randomBytes(32).toString('hex');
  engine.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const code = orderCode(i);
      codes.push(code);
      // Evenly spread over the span, in recording order (as a station fills its index).
      const at = Math.round(span.from + ((span.to - span.from) * i) / n);
      const id = `${at.toString(36)}-${i.toString(16).padStart(12, '0')}`;
      insert.run(id, code, i % 20 === 0 ? 'returns' : 'shipping', at, at + 45000, `2025-01-01/${code}_000000_${id}.mp4`, sha);
    }
  })();
  return codes;
}

async function timeAll(
  label: string,
  inputs: unknown[],
  run: (input: unknown) => Promise<{ total: number }>,
): Promise<{ med: number; p99: number; totals: number[] }> {
  for (const i of inputs.slice(0, 10)) await run(i); // warm the statement cache and page cache
  const ms: number[] = [];
  const totals: number[] = [];
  for (const i of inputs) {
    const t = performance.now();
    const r = await run(i);
    ms.push(performance.now() - t);
    totals.push(r.total);
  }
  return { med: median(ms), p99: percentile(ms, 99), totals };
}

export const lookup: Section = async ({ quick, log }) => {
  const n = quick ? 100_000 : 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-lookup-'));
  const engine = await Engine.open({ dataDir: dir, timestampWorker: false });
  // The flood limiter is off: 600 back-to-back queries from one address are the bench, not an attack.
  const server = await startServer({ engine, staticDir: dir, rateLimit: false });
  try {
    const span = { from: Date.UTC(2024, 0, 1), to: Date.UTC(2026, 0, 1) };
    const t0 = performance.now();
    const codes = fill(engine, n, span);
    const fillS = (performance.now() - t0) / 1000;
    log(`lookup: ${n} rows inserted in ${fillS.toFixed(1)} s`);
    const pick = (): string => codes[Math.floor(Math.random() * codes.length)]!;
    const exact = Array.from({ length: QUERIES }, () => ({ q: pick() }));
    // A packer types 6 digits from the middle of the label.
    const partial = Array.from({ length: QUERIES }, () => {
      const c = pick();
      const at = 3 + Math.floor(Math.random() * (c.length - 9));
      return { q: c.slice(at, at + 6) };
    });
    // One day of clips, newest first, first page (what "yesterday" in the lookup view asks).
    const range = Array.from({ length: QUERIES }, () => {
      const from = span.from + Math.floor(Math.random() * ((span.to - span.from) / DAY - 1)) * DAY;
      return { from, to: from + DAY };
    });
    const viaCall = (i: unknown) => engine.call('clips.search', i, { door: 'http' });
    const viaHttp = async (i: unknown): Promise<{ total: number }> => {
      // A keep-alive socket the server just timed out gives ECONNRESET once: retry on a new one.
      const res = await fetch(new URL('/api/call/clips.search', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(i),
      });
      const body = (await res.json()) as { ok: boolean; result: { total: number } };
      if (!body.ok) throw new Error(JSON.stringify(body));
      return body.result;
    };
    const viaHttpRetry = (i: unknown) => viaHttp(i).catch(() => viaHttp(i));
    const kinds = [
      { name: 'exact code', key: 'lookup-exact', inputs: exact, target: 1 },
      { name: 'partial code (6 characters)', key: 'lookup-partial', inputs: partial, target: 50 },
      { name: 'date range (one day, first page of 100)', key: 'lookup-range', inputs: range, target: null },
    ] as const;
    const figs: Figure[] = [];
    for (const k of kinds) {
      const call = await timeAll(k.name, [...k.inputs], viaCall);
      const http = await timeAll(k.name, [...k.inputs], viaHttpRetry);
      const hits = median(call.totals);
      log(`lookup ${k.name}: call median ${call.med.toFixed(2)} p99 ${call.p99.toFixed(2)} ms; http median ${http.med.toFixed(2)} ms; median hits ${hits}`);
      const fig: Figure = {
        key: k.key,
        figure: `lookup at ${(n / 1e6).toFixed(n >= 1e6 ? 0 : 1)}M clips: ${k.name}`,
        how: `clips.search through Engine.call, ${QUERIES} random queries (median hits ${hits}); median / p99`,
        target: k.target === null ? '— (no target; reported)' : `median ${k.target} ms or less`,
        value: `${round(call.med)} / ${round(call.p99)} ms`,
        met: k.target === null ? true : call.med <= k.target,
        details: [`through the HTTP door (fetch from the same process, JSON both ways): median ${round(http.med)} ms, p99 ${round(http.p99)} ms`],
      };
      if (k.target !== null && !fig.met) fig.miss = `median ${round(call.med / k.target, 1)}x the target`;
      figs.push(fig);
    }
    figs[0]!.details!.push(
      `index: ${n} rows inserted in ${fillS.toFixed(1)} s (one transaction, engine migrations and FTS triggers); file ${(fs.statSync(path.join(dir, 'index.sqlite')).size / 2 ** 20).toFixed(0)} MB`,
    );
    return figs;
  } finally {
    await server.close();
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

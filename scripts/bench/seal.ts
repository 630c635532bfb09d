// Seal: SHA-256 of a 1 GB file by the engine's own hasher against `openssl dgst -sha256`, same file,
// page cache warm for both (each is run once to warm, then measured alternately).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256File } from '../../electron/engine/hash.ts';
import { median, round } from './stats.ts';
import type { Figure, Section } from './types.ts';

const RUNS = 5;

function makeFile(file: string, bytes: number): void {
  const block = randomBytes(16 << 20);
  const fd = fs.openSync(file, 'w');
  for (let written = 0; written < bytes; written += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, bytes - written));
  fs.closeSync(fd);
}

export const seal: Section = async ({ quick, log }) => {
  const bytes = quick ? 256 << 20 : 1 << 30;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-seal-'));
  const file = path.join(dir, 'big.bin');
  try {
    makeFile(file, bytes);
    const node = async (): Promise<number> => {
      const t = performance.now();
      await sha256File(file);
      return (performance.now() - t) / 1000;
    };
    const openssl = (): number => {
      const t = performance.now();
      execFileSync('openssl', ['dgst', '-sha256', file]);
      return (performance.now() - t) / 1000;
    };
    const same = (await sha256File(file)) === /= ([0-9a-f]{64})/.exec(execFileSync('openssl', ['dgst', '-sha256', file]).toString())![1];
    if (!same) throw new Error('sha256File and openssl disagree');
    const n: number[] = [];
    const o: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      n.push(await node());
      o.push(openssl());
    }
    const mb = bytes / 2 ** 20;
    const nodeMBs = mb / median(n);
    const osslMBs = mb / median(o);
    const ratio = nodeMBs / osslMBs;
    log(`seal: engine ${nodeMBs.toFixed(0)} MB/s, openssl ${osslMBs.toFixed(0)} MB/s`);
    const fig: Figure = {
      key: 'seal',
      figure: 'seal (hash)',
      how: `SHA-256 of a ${mb >= 1024 ? `${mb / 1024} GB` : `${mb} MB`} file: engine's sha256File vs \`openssl dgst -sha256\`, page cache warm, median of ${RUNS} alternating runs`,
      target: '0.8 or more of openssl',
      value: `${round(ratio)} (${nodeMBs.toFixed(0)} vs ${osslMBs.toFixed(0)} MB/s)`,
      met: ratio >= 0.8,
      details: [`engine runs (s): ${n.map((x) => x.toFixed(3)).join(', ')}`, `openssl runs (s): ${o.map((x) => x.toFixed(3)).join(', ')}`],
    };
    if (!fig.met) fig.miss = `${round((0.8 - ratio) * 100, 0)} points below 0.8`;
    return [fig];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

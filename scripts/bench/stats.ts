// Small statistics and process accounting shared by the benchmark sections.
import fs from 'node:fs';
import os from 'node:os';

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

const CLK_TCK = 100; // Linux USER_HZ: /proc stat times are in 1/100 s on every kernel we ship on

/** utime+stime of one process in seconds, or null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields count from after its last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK; // fields 14 and 15 of stat(5)
  } catch {
    return null;
  }
}

export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const c = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
  } catch {
    /* gone */
  }
  return out;
}

/** pid and all its descendants (Chromium's renderer, GPU, utility processes; ffmpeg children of serve). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  return all;
}

export function commOf(pid: number): string {
  try {
    // Chromium rewrites its command line (setproctitle), joining the arguments with spaces.
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = cmd.find((a) => a.startsWith('--type='));
    const util = cmd.find((a) => a.startsWith('--utility-sub-type='));
    return type ? `${type.slice(7)}${util ? `:${util.slice(19)}` : ''}` : fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * CPU used by a set of process trees over a window. Processes that start and end inside the window
 * (the remux ffmpeg of each clip) are caught by sampling often; a process's time is its last
 * sample minus its first (or 0 if it existed at the start).
 */
export class CpuMeter {
  private readonly roots: number[];
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly names = new Map<number, string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(roots: number[]) {
    this.roots = roots;
  }

  private sample(initial: boolean): void {
    for (const root of this.roots) {
      for (const pid of processTree(root)) {
        const t = cpuSeconds(pid);
        if (t === null) continue;
        if (!this.first.has(pid)) {
          this.first.set(pid, initial ? t : 0);
          this.names.set(pid, commOf(pid));
        }
        this.last.set(pid, t);
      }
    }
  }

  start(): void {
    this.startedAt = performance.now();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 100);
  }

  stop(): { wallS: number; cpuS: number; byKind: Record<string, number> } {
    this.sample(false);
    if (this.timer) clearInterval(this.timer);
    this.stoppedAt = performance.now();
    const byKind: Record<string, number> = {};
    let cpuS = 0;
    for (const [pid, last] of this.last) {
      const d = last - (this.first.get(pid) ?? 0);
      cpuS += d;
      const k = this.names.get(pid) ?? '?';
      byKind[k] = (byKind[k] ?? 0) + d;
    }
    return { wallS: (this.stoppedAt - this.startedAt) / 1000, cpuS, byKind };
  }
}

export function machine(): { cores: number; cpu: string; memGb: number; os: string } {
  const cpus = os.cpus();
  return { cores: cpus.length, cpu: cpus[0]?.model ?? 'unknown', memGb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}` };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

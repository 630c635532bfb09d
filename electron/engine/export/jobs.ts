// Export jobs: queued and run one at a time inside the engine process, with ffmpeg niced and its
// threads bounded (see ffmpeg.ts), so a station keeps recording at full speed while customer
// service exports. Progress and completion go out as 'export.progress' / 'export.done' events on
// both doors; a job can be cancelled at any moment (its ffmpeg is killed, its folder removed).
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { PwError } from '../../../shared/contract.ts';
import type { ExportJob } from '../../../shared/contract/export.ts';
import type { EngineServices } from '../services.ts';
import { ExportCancelled } from '../ffmpeg.ts';
import { MANIFEST_NAME } from './package.ts';
import { clipMode, clipsToExport, resolveOrder, resolvePreset, runExport, type ExportRequest, type ExportServices } from './run.ts';
import { errorLine, errorMessage } from '../../../shared/errorMessage.ts';

/** What the export queue uses besides an export's own services: the events and the log. */
export type ExportJobsServices = ExportServices & Pick<EngineServices, 'emit' | 'logLine'>;

interface JobState {
  job: ExportJob;
  req: ExportRequest;
  controller: AbortController;
  runningSince: number | null;
  lastEmit: number;
}

const KEEP_FINISHED = 500;

// A quitting process takes its ffmpeg with it instead of leaving it encoding in the background.
const runningControllers = new Set<AbortController>();
process.once('exit', () => {
  for (const c of runningControllers) c.abort();
});

export function newJobId(): string {
  return `${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** Where a job's files are and how either door links to them. */
export function exportsRoot(engine: Pick<EngineServices, 'paths'>): string {
  return path.join(engine.paths.dataDir, 'exports');
}

export function exportFileUrl(jobId: string, name: string): string {
  return `/media/exports/${jobId}/${encodeURIComponent(name)}`;
}

/** Estimated time left from the share done so far; null until there is enough to go on. */
export function etaMs(fraction: number, elapsedMs: number): number | null {
  if (fraction < 0.02 || elapsedMs < 500) return null;
  return Math.max(0, Math.round((elapsedMs * (1 - fraction)) / fraction));
}

export class ExportJobs {
  private readonly engine: ExportJobsServices;
  private readonly jobs = new Map<string, JobState>();
  private readonly queue: string[] = [];
  private running: JobState | null = null;
  private readonly restored: Promise<void>;

  constructor(engine: ExportJobsServices) {
    this.engine = engine;
    this.restored = this.restore().catch((err: unknown) => this.engine.logLine(`exports: could not list earlier exports: ${errorMessage(err)}`));
  }

  /** Settles once the exports made before this process started are listed (see restore). */
  ready(): Promise<void> {
    return this.restored;
  }

  /**
   * The exports finished before this process started (a restart overnight, an update) are listed
   * again from their folders, so customer service still finds yesterday's package and its links.
   * Only complete ones: a folder without export-manifest.json, or still holding the .work folder
   * (the process died while writing the ZIP), is not offered for download.
   */
  private async restore(): Promise<void> {
    const root = exportsRoot(this.engine);
    let names: string[];
    try {
      names = await fsp.readdir(root);
    } catch {
      return; // no exports yet
    }
    const found: JobState[] = [];
    for (const jobId of names) {
      const dir = path.join(root, jobId);
      let m: { order?: unknown; preset?: { id?: unknown }; createdAt?: unknown; edits?: unknown; mode?: unknown };
      try {
        m = JSON.parse(await fsp.readFile(path.join(dir, MANIFEST_NAME), 'utf8')) as typeof m;
      } catch {
        continue;
      }
      if (typeof m.order !== 'string' || typeof m.createdAt !== 'string') continue;
      const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
      if (entries.some((e) => e.name === '.work')) continue;
      const files: ExportJob['files'] = [];
      for (const e of entries) {
        if (!e.isFile()) continue;
        const st = await fsp.stat(path.join(dir, e.name)).catch(() => null);
        if (st) files.push({ name: e.name, bytes: st.size, url: exportFileUrl(jobId, e.name) });
      }
      const edits = Array.isArray(m.edits) ? m.edits.filter((x): x is string => typeof x === 'string') : [];
      const preset = typeof m.preset?.id === 'string' ? m.preset.id : 'unknown';
      const mode = m.mode === 'returns' || m.mode === 'all' ? m.mode : 'shipping';
      found.push({
        job: {
          jobId,
          batchId: jobId,
          order: m.order,
          preset,
          mode,
          status: 'done',
          percent: 100,
          etaMs: null,
          stage: 'done',
          message: edits.length ? `EDITED: ${edits.join(', ')}` : null,
          createdAt: m.createdAt,
          files,
        },
        req: { order: m.order, preset },
        controller: new AbortController(),
        runningSince: null,
        lastEmit: 0,
      });
    }
    found.sort((a, b) => a.job.createdAt.localeCompare(b.job.createdAt));
    // Older than anything started since: they go first in the map, which runs oldest to newest.
    const since = [...this.jobs.entries()];
    this.jobs.clear();
    for (const s of found.slice(-KEEP_FINISHED)) if (!since.some(([id]) => id === s.job.jobId)) this.jobs.set(s.job.jobId, s);
    for (const [id, s] of since) this.jobs.set(id, s);
  }

  /** Queues one job per order; orders that cannot be exported at all are refused up front with the reason. */
  async start(
    orders: string[],
    base: Omit<ExportRequest, 'order'>,
  ): Promise<{ batchId: string; jobs: ExportJob[]; refused: { order: string; reason: string }[] }> {
    resolvePreset(base.preset, base.custom); // an unknown preset refuses the whole batch
    if (orders.length > 1 && (base.range || base.clipIds?.length)) {
      throw new PwError('bad-input', 'A range or a choice of clips applies to one order; export a batch without them.');
    }
    const batchId = newJobId();
    const jobs: ExportJob[] = [];
    const refused: { order: string; reason: string }[] = [];
    const seen = new Set<string>();
    for (const raw of orders) {
      let order: string;
      let mode: ExportJob['mode'];
      try {
        order = resolveOrder(raw);
        if (seen.has(order)) continue; // a pasted list often repeats a code
        seen.add(order);
        const rows = await clipsToExport(this.engine, order, base.clipIds, base.mode ?? null);
        const modes = new Set(rows.map((r) => clipMode(r)));
        mode = base.clipIds?.length ? (modes.size > 1 ? 'all' : [...modes][0]!) : (base.mode ?? 'shipping');
      } catch (err) {
        refused.push({ order: raw.trim().slice(0, 80), reason: errorMessage(err) });
        continue;
      }
      const jobId = newJobId();
      const state: JobState = {
        job: {
          jobId,
          batchId,
          order,
          preset: base.preset,
          mode,
          status: 'queued',
          percent: 0,
          etaMs: null,
          stage: 'waiting',
          message: null,
          createdAt: new Date().toISOString(),
          files: [],
        },
        req: { ...base, order },
        controller: new AbortController(),
        runningSince: null,
        lastEmit: 0,
      };
      this.jobs.set(jobId, state);
      this.queue.push(jobId);
      jobs.push({ ...state.job });
    }
    this.prune();
    void this.pump();
    return { batchId, jobs, refused };
  }

  cancel(jobId: string): boolean {
    const s = this.jobs.get(jobId);
    if (!s || (s.job.status !== 'queued' && s.job.status !== 'running')) return false;
    s.controller.abort();
    if (s.job.status === 'queued') {
      this.queue.splice(this.queue.indexOf(jobId), 1);
      this.finish(s, 'cancelled', 'Cancelled before it started.');
    }
    return true;
  }

  /** Jobs queued or running: their folders are never removed by retention. */
  activeIds(): Set<string> {
    return new Set([...this.jobs.values()].filter((s) => s.job.status === 'queued' || s.job.status === 'running').map((s) => s.job.jobId));
  }

  /** A job whose folder retention removed: its download links would lead nowhere. */
  forget(jobId: string): void {
    const s = this.jobs.get(jobId);
    if (s && s.job.status !== 'queued' && s.job.status !== 'running') this.jobs.delete(jobId);
  }

  list(batchId: string | null): ExportJob[] {
    // Newest first, as the export panel shows them (it adds new jobs at the top).
    return [...this.jobs.values()]
      .filter((s) => !batchId || s.job.batchId === batchId)
      .map((s) => ({ ...s.job }))
      .reverse();
  }

  /** Waits until every queued job has ended (the CLI uses this). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length) await new Promise((r) => setTimeout(r, 100));
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    const s = this.jobs.get(next)!;
    this.running = s;
    s.job.status = 'running';
    s.job.stage = 'starting';
    s.runningSince = Date.now();
    runningControllers.add(s.controller);
    const outDir = path.join(exportsRoot(this.engine), s.job.jobId);
    try {
      const result = await runExport(this.engine, s.req, outDir, {
        signal: s.controller.signal,
        onProgress: (fraction, stage) => this.progress(s, fraction, stage),
      });
      // Every file of the package: a reviewer needs the manifest, its signature and token, the
      // read-me and verify.html beside the clips (the ZIP holds them all).
      s.job.files = result.files.map((f) => ({ name: f.name, bytes: f.bytes, url: exportFileUrl(s.job.jobId, f.name) }));
      const notes = [...result.warnings, ...(result.edits.length ? [`EDITED: ${result.edits.join(', ')}`] : [])];
      this.finish(s, 'done', notes.length ? notes.join(' ') : null);
    } catch (err) {
      await fsp.rm(outDir, { recursive: true, force: true }).catch(() => {});
      if (err instanceof ExportCancelled || s.controller.signal.aborted) this.finish(s, 'cancelled', 'Cancelled; nothing was kept.');
      else this.finish(s, 'failed', errorLine(err) ?? 'failed');
    } finally {
      runningControllers.delete(s.controller);
      this.running = null;
      void this.pump();
    }
  }

  private progress(s: JobState, fraction: number, stage: string): void {
    s.job.percent = Math.round(fraction * 1000) / 10;
    s.job.stage = stage;
    s.job.etaMs = etaMs(fraction, Date.now() - (s.runningSince ?? Date.now()));
    const now = Date.now();
    if (now - s.lastEmit < 250) return; // a few updates a second are plenty for a progress bar
    s.lastEmit = now;
    this.engine.emit('export.progress', { jobId: s.job.jobId, batchId: s.job.batchId, order: s.job.order, percent: s.job.percent, etaMs: s.job.etaMs, stage });
  }

  private finish(s: JobState, status: 'done' | 'failed' | 'cancelled', message: string | null): void {
    s.job.status = status;
    s.job.message = message;
    s.job.etaMs = null;
    s.job.stage = status;
    if (status === 'done') s.job.percent = 100;
    this.engine.emit('export.done', { ...s.job });
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((s) => !['queued', 'running'].includes(s.job.status));
    for (const s of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(s.job.jobId);
  }
}

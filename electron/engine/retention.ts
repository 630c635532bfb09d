// Retention: keep N days, and keep the disk above its free-space reserve by deleting the oldest
// clips first. Clips on legal hold are never deleted automatically. A file that cannot be deleted
// leaves its index row unchanged; every deletion is written to the deletions table (time, reason,
// who) and handed to the chain of custody.
import fsp from 'node:fs/promises';
import type { Deletion, RetentionReport, SpaceInfo } from '../../shared/contract/storage.ts';
import type { ClipRow, DeletionRow } from './index/types.ts';
import type { EngineServices } from './services.ts';
import { errorMessage } from '../../shared/errorMessage.ts';
import { formatMessage, msg, wordsFromJson, wordsToJson, type Message } from '../../shared/messages.ts';

/** What retention uses: the index, the clips folder, the settings, the custody, the export queue and the packer's ear. */
export type RetentionServices = Pick<EngineServices, 'paths' | 'store' | 'clips' | 'settings' | 'custody' | 'logLine' | 'reportProblem'> & {
  readonly exportJobs: Pick<ExportJobs, 'activeIds' | 'forget'>;
  /** The frame-counter read-back (continuity.ts): a clip's read is stopped before its file is deleted. */
  readonly continuity: Pick<ContinuityPass, 'release'>;
  /** Once enrolled with a hub, a clip goes only after the hub confirmed it (publish/gate.ts). */
  readonly hubGate?: Pick<HubGate, 'confirmedLocally' | 'mayDelete'>;
};
import type { HubGate } from './publish/gate.ts';
import { formatBytes, lowSpaceMessage, protectMs, spaceOf } from './storage.ts';
import {
  EXPORT_MIN_AGE_FOR_SPACE_MS,
  exportKeepCutoff,
  keepDaysReason,
  listExportFolders,
  removeExportFolders,
  type ExportFolder,
} from './export/exportRetention.ts';
import { exportsRoot, type ExportJobs } from './export/jobs.ts';
import { outlookProblem, storageOutlook } from './outlook.ts';
import type { ContinuityPass } from './continuity.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export function toDeletion(r: DeletionRow): Deletion {
  return {
    clipId: r.clip_id,
    order: r.order_code,
    file: r.file,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    deletedAt: new Date(r.deleted_at).toISOString(),
    reason: r.reason,
    who: r.who,
    ...wordsOf(r.reason_words),
  };
}

function wordsOf(json: string | null | undefined): { reasonWords?: Message[] } {
  const words = wordsFromJson(json);
  return words ? { reasonWords: words } : {};
}

/** Why a clip goes: `deleted-age` or `deleted-space`, and the same with the file already missing. */
type DeletionWhy = Message & { code: 'deleted-age' | 'deleted-space' };

/**
 * A deleted clip's note, "Deleted on … by …: why.", as codes: who (retention, retention run by hand,
 * or a name) and why. Joined, their English is the note the index has always kept.
 */
function deletionNoteWords(time: string, who: string, why: Message): Message[] {
  const by =
    who === 'retention'
      ? msg('note-deleted-by-retention', { time })
      : who === 'retention (run by hand)'
        ? msg('note-deleted-by-hand', { time })
        : msg('note-deleted-by', { time, who });
  return [by, { code: `note-${why.code}`, params: why.params }];
}

export interface RunOptions {
  dryRun?: boolean;
  who?: string;
  now?: number;
  /** Bytes about to be written (a recording starting or a chunk arriving). */
  needBytes?: number;
}

export class Retention {
  private readonly engine: RetentionServices;
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private started = false;
  private lastExportSweepAt = -Infinity;
  /** Clips of this run kept because the hub has not confirmed them yet. */
  private hubKept = 0;
  private outlookWarnedAt = -Infinity;

  constructor(engine: RetentionServices) {
    this.engine = engine;
  }

  /** Runs now and then hourly; after each clip once started. Only the process that owns the data folder calls this. */
  start(intervalMs = HOUR): void {
    if (this.started) return;
    this.started = true;
    void this.runLogged('start');
    this.timer = setInterval(() => void this.runLogged('hourly'), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  afterClip(): void {
    if (this.started) void this.runLogged('after a clip');
  }

  /** Settles once every queued run has finished (used by close and tests). */
  idle(): Promise<void> {
    return this.tail.then(
      () => {},
      () => {},
    );
  }

  private async runLogged(when: 'start' | 'hourly' | 'after a clip'): Promise<void> {
    try {
      const report = await this.run({});
      if (report.message) this.engine.reportProblem(report.words?.length === 1 ? report.words[0]! : report.message);
      // At start and hourly (not after every clip): a week before recordings would have to be
      // refused, say so, at most once a day; the Status view shows the figures all the time.
      if (when !== 'after a clip' && !report.message && Date.now() - this.outlookWarnedAt >= DAY) {
        const settings = this.engine.settings.get();
        const problem = outlookProblem(await storageOutlook(this.engine.clips, settings, report.space));
        if (problem) {
          this.outlookWarnedAt = Date.now();
          this.engine.reportProblem(problem);
        }
      }
    } catch (err) {
      const error = errorMessage(err);
      this.engine.reportProblem(
        when === 'start'
          ? msg('problem-retention-failed-start', { error })
          : when === 'hourly'
            ? msg('problem-retention-failed-hourly', { error })
            : msg('problem-retention-failed-after-clip', { error }),
      );
    }
  }

  /** One run at a time: deletions from two runs must never race over the same oldest clip. */
  run(opts: RunOptions): Promise<RetentionReport> {
    const next = this.tail.then(() => this.runNow(opts));
    this.tail = next.catch(() => {});
    return next;
  }

  private async runNow(opts: RunOptions): Promise<RetentionReport> {
    const settings = this.engine.settings.get();
    const now = opts.now ?? Date.now();
    const who = opts.who ?? 'retention';
    const dryRun = opts.dryRun ?? false;
    const report: RetentionReport = { dryRun, deleted: [], failed: [], heldSkipped: 0, exportsRemoved: [], space: null, message: null };
    const tried = new Set<string>();
    this.hubKept = 0;

    // Export folders first (export/exportRetention.ts says why): by age, then below for space.
    // Listed only when needed: the age sweep at most hourly (runs also follow every clip), the
    // space sweep only below the reserve.
    const exportsDir = exportsRoot(this.engine);
    let exportFolders: ExportFolder[] | null = null;
    const activeExports = this.engine.exportJobs.activeIds();
    const takeExports = async (before: number, reason: string, enough?: (freed: number) => Promise<boolean>): Promise<void> => {
      exportFolders ??= await listExportFolders(exportsDir).catch(() => []);
      const r = await removeExportFolders(exportFolders, { before, active: activeExports, reason, dryRun, enough });
      const gone = new Set(r.removed.map((x) => x.jobId));
      exportFolders = exportFolders.filter((f) => !gone.has(f.jobId));
      report.exportsRemoved.push(...r.removed);
      for (const x of r.removed) {
        if (!dryRun) this.engine.exportJobs.forget(x.jobId);
        this.engine.logLine(`retention: ${dryRun ? 'would remove' : 'removed'} export ${x.jobId} (${formatBytes(x.bytes)}): ${x.reason}`);
      }
      for (const f of r.failed) this.engine.logLine(`retention: could not remove export ${f.jobId} (${f.message})`);
    };
    if (opts.who !== undefined || dryRun || now - this.lastExportSweepAt >= HOUR) {
      await takeExports(exportKeepCutoff(now), keepDaysReason());
      if (!dryRun) this.lastExportSweepAt = now;
    }

    if (settings.keepDays > 0) {
      const cutoff = now - settings.keepDays * DAY;
      report.heldSkipped = await this.engine.clips.heldBefore(cutoff);
      for (const row of await this.engine.clips.deletable(cutoff)) {
        tried.add(row.id);
        await this.deleteOne(row, msg('deleted-age', { days: settings.keepDays }) as DeletionWhy, who, dryRun, report);
      }
    }

    let space: SpaceInfo;
    try {
      space = await spaceOf(this.engine.paths.clipsDir, settings.reserveMb);
    } catch (err) {
      say(report, msg('retention-space-unreadable', { dir: this.engine.paths.clipsDir, error: errorMessage(err) }));
      return report;
    }
    const need = opts.needBytes ?? 0;
    if (settings.deleteOldestForSpace && lowSpaceMessage(space, need) && (await sameDisk(exportsDir, this.engine.paths.clipsDir))) {
      const base = space;
      await takeExports(
        now - EXPORT_MIN_AGE_FOR_SPACE_MS,
        `free space ${formatBytes(space.freeBytes)} was below the reserve of ${formatBytes(space.reserveBytes)} (exports go before any clip)`,
        async (freed) => {
          if (dryRun) return !lowSpaceMessage({ ...base, freeBytes: base.freeBytes + freed }, need);
          space = await spaceOf(this.engine.paths.clipsDir, settings.reserveMb);
          return !lowSpaceMessage(space, need);
        },
      );
      if (dryRun) space = { ...base, freeBytes: base.freeBytes + report.exportsRemoved.reduce((a, x) => a + x.bytes, 0) };
      else space = await spaceOf(this.engine.paths.clipsDir, settings.reserveMb);
    }
    if (settings.deleteOldestForSpace && lowSpaceMessage(space, need)) {
      let freed = 0;
      const pool = (await this.engine.clips.deletable(now - protectMs(settings))).filter((r) => !tried.has(r.id));
      for (const row of pool) {
        if (space.freeBytes + freed - need >= space.reserveBytes) break;
        const why = msg('deleted-space', { free: formatBytes(space.freeBytes + freed), reserve: formatBytes(space.reserveBytes) }) as DeletionWhy;
        const ok = await this.deleteOne(row, why, who, dryRun, report);
        if (ok && dryRun) freed += row.size_bytes ?? 0;
        if (ok && !dryRun) space = await spaceOf(this.engine.paths.clipsDir, settings.reserveMb);
      }
      const after = dryRun ? { ...space, freeBytes: space.freeBytes + freed } : space;
      if (lowSpaceMessage(after, need)) {
        const kept = await this.engine.clips.kept();
        const below = after.freeBytes < space.reserveBytes;
        const figures = {
          dir: space.folder,
          free: formatBytes(after.freeBytes),
          reserve: formatBytes(space.reserveBytes),
          count: kept.n,
          size: formatBytes(kept.bytes),
          days: settings.protectDays,
        };
        say(
          report,
          kept.held
            ? msg(below ? 'retention-stuck-below-held' : 'retention-stuck-near-held', { ...figures, held: kept.held })
            : msg(below ? 'retention-stuck-below' : 'retention-stuck-near', figures),
        );
      }
    }
    if (this.hubKept > 0 && report.message) say(report, msg('retention-hub-kept', { count: this.hubKept }));
    report.space = dryRun ? space : await spaceOf(this.engine.paths.clipsDir, settings.reserveMb).catch(() => space);
    if (report.failed.length) {
      const files = report.failed
        .map((f) => `${f.file} (${f.message})`)
        .slice(0, 3)
        .join('; ');
      say(report, msg('retention-delete-failed', { count: report.failed.length, files }));
    }
    return report;
  }

  /** Deletes one clip's file; only when the file is gone does its row change. */
  private async deleteOne(row: ClipRow, why: DeletionWhy, who: string, dryRun: boolean, report: RetentionReport): Promise<boolean> {
    const reason = formatMessage(why);
    const at = Date.now();
    const d: DeletionRow = {
      clip_id: row.id,
      order_code: row.order_code,
      file: row.file,
      sha256: row.sha256,
      size_bytes: row.size_bytes,
      deleted_at: at,
      reason,
      who,
      reason_words: wordsToJson([why]),
    };
    const gate = this.engine.hubGate;
    if (gate && !((await gate.confirmedLocally(row)) && (dryRun || (await gate.mayDelete(row))))) {
      this.hubKept++;
      return false;
    }
    if (dryRun) {
      report.deleted.push(toDeletion(d));
      return true;
    }
    let abs: string;
    try {
      abs = this.engine.store.localPath(row.file ?? '');
    } catch (err) {
      report.failed.push({ clipId: row.id, file: row.file ?? '', message: errorMessage(err) });
      return false;
    }
    let alreadyGone = false;
    await this.engine.continuity.release(row.id); // no read-back holds the file (and its space) open
    try {
      // The clip and its sidecars go together; the chain keeps the record (custody.clipDeleted).
      alreadyGone = !(await this.engine.store.delete(row.file ?? '')).existed;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      report.failed.push({ clipId: row.id, file: abs, message: e.code ?? e.message });
      this.engine.logLine(`retention: could not delete ${abs} (${e.code ?? e.message}); its index row is unchanged`);
      return false;
    }
    const said: Message = alreadyGone ? { code: `${why.code}-missing`, params: why.params } : why;
    if (alreadyGone) d.reason = `${reason} (the file was already missing)`;
    d.reason_words = wordsToJson([said]);
    const time = new Date(at).toISOString();
    const note = `Deleted on ${time} by ${who}: ${d.reason}.`;
    await this.engine.clips.markDeleted(d, row.started_at, note, wordsToJson(deletionNoteWords(time, who, said)));
    this.engine.logLine(`retention: deleted clip ${row.id} of ${row.order_code} (${row.file}) by ${who}: ${d.reason}`);
    if (row.thumb_file) {
      try {
        await this.engine.store.delete(row.thumb_file); // a thumbnail is stored under its own key
      } catch {
        // a leftover thumbnail is harmless; the clip row no longer points at it
      }
    }
    try {
      await this.engine.custody.clipDeleted(row, { who, why: d.reason });
    } catch (err) {
      this.engine.reportProblem(msg('problem-deletion-not-chained', { clip: row.id, error: errorMessage(err) }));
    }
    report.deleted.push(toDeletion(d));
    return true;
  }
}

export async function listDeletions(engine: Pick<EngineServices, 'clips'>, limit: number, clipId?: string): Promise<Deletion[]> {
  const rows = await engine.clips.deletions(limit, clipId);
  return rows.map(toDeletion);
}

/** Removing exports frees space for clips only when both live on the same filesystem. */
async function sameDisk(a: string, b: string): Promise<boolean> {
  try {
    return (await fsp.stat(a)).dev === (await fsp.stat(b)).dev;
  } catch {
    return false;
  }
}

/** Adds a sentence to what retention says: its English to `message`, its code to `words`. */
function say(report: RetentionReport, m: Message): void {
  const text = formatMessage(m);
  report.message = report.message ? `${report.message} ${text}` : text;
  report.words = [...(report.words ?? []), m];
}

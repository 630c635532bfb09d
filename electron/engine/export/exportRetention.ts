// Export folders (<data>/exports/<jobId>) are copies made for one appeal: customer service downloads
// the package right after exporting, and the signed original stays in the clips folder, so the same
// export can be made again at any time. Left alone they would pile up on the station's disk, and
// retention would then delete evidence to make room for copies of it. So retention removes them
// first: after EXPORT_KEEP_DAYS, and before any clip when the disk is below its reserve (any export
// older than an hour: a running or just-finished one is never touched).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../../shared/errorMessage.ts';

const DAY = 86_400_000;
export const EXPORT_KEEP_DAYS = 7;
export const EXPORT_MIN_AGE_FOR_SPACE_MS = 3_600_000;

export interface ExportFolder {
  jobId: string;
  dir: string;
  bytes: number;
  /** The newest modification time inside the folder: when the export last wrote anything. */
  lastWrittenMs: number;
}

export interface ExportRemoval {
  jobId: string;
  bytes: number;
  reason: string;
}

/** Job ids are `<base36 time>-<hex>` (jobs.ts newJobId): nothing else in the folder is ours to delete. */
const JOB_ID = /^[0-9a-z]{6,12}-[0-9a-f]{10}$/;

async function folderStats(dir: string): Promise<{ bytes: number; lastWrittenMs: number }> {
  let bytes = 0;
  let lastWrittenMs = (await fsp.stat(dir)).mtimeMs;
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    const st = await fsp.lstat(path.join(e.parentPath, e.name)).catch(() => null);
    if (!st) continue;
    if (st.isFile()) bytes += st.size;
    lastWrittenMs = Math.max(lastWrittenMs, st.mtimeMs);
  }
  return { bytes, lastWrittenMs };
}

/** The export folders under root, oldest first; a missing root is no folders. */
export async function listExportFolders(root: string): Promise<ExportFolder[]> {
  let names: string[];
  try {
    names = (await fsp.readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && JOB_ID.test(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ExportFolder[] = [];
  for (const jobId of names) {
    const dir = path.join(root, jobId);
    const st = await folderStats(dir).catch(() => null);
    if (st) out.push({ jobId, dir, ...st });
  }
  return out.sort((a, b) => a.lastWrittenMs - b.lastWrittenMs);
}

export function keepDaysReason(): string {
  return `export older than ${EXPORT_KEEP_DAYS} days (the original clip is kept; export it again if needed)`;
}

/**
 * Removes the folders last written before `before`, oldest first, skipping `active` job ids, until
 * `enough()` says so. Returns what went; a folder that cannot be removed is reported in `failed`.
 */
export async function removeExportFolders(
  folders: ExportFolder[],
  opts: { before: number; active: ReadonlySet<string>; reason: string; dryRun: boolean; enough?: (freed: number) => Promise<boolean> },
): Promise<{ removed: ExportRemoval[]; failed: { jobId: string; message: string }[] }> {
  const removed: ExportRemoval[] = [];
  const failed: { jobId: string; message: string }[] = [];
  let freed = 0;
  for (const f of folders) {
    if (f.lastWrittenMs >= opts.before || opts.active.has(f.jobId)) continue;
    if (opts.enough && (await opts.enough(freed))) break;
    if (!opts.dryRun) {
      try {
        await fsp.rm(f.dir, { recursive: true, force: true });
      } catch (err) {
        failed.push({ jobId: f.jobId, message: (err as NodeJS.ErrnoException).code ?? errorMessage(err) });
        continue;
      }
    }
    freed += f.bytes;
    removed.push({ jobId: f.jobId, bytes: f.bytes, reason: opts.reason });
  }
  return { removed, failed };
}

export const exportKeepCutoff = (now: number): number => now - EXPORT_KEEP_DAYS * DAY;

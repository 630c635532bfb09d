// The start-up check and `packwitness doctor`: is the index sound, is every indexed clip on disk,
// is every clip file on disk indexed, was any recording left unfinished, is there room to record?
// It reads; it changes nothing except adopting unindexed files when asked (adoptUnindexed).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Health, HealthCheck, SpaceInfo } from '../../shared/contract/storage.ts';
import { parseOrderCode } from '../../shared/orderCode.ts';
import type { ClipRow } from './clipsRepo.ts';
import type { Db } from './db.ts';
import type { EngineServices } from './services.ts';
import { errorLine, errorMessage } from '../../shared/errorMessage.ts';

/** What the health check and adopting unindexed files use. */
export type DoctorServices = Pick<EngineServices, 'paths' | 'db' | 'clips' | 'settings' | 'custody' | 'logLine' | 'activeRecordings' | 'currentProblems'>;
import { probe } from './ffmpeg.ts';
import { sidecarsOf } from './evidence/manifest.ts';
import { sha256File } from './hash.ts';
import { insideRoot, type DataLayout } from './paths.ts';
import { describeFsError, formatBytes, lowSpaceMessage, MARKER_FILE, probeWritable, spaceOf } from './storage.ts';

const MAX_DETAILS = 30;
const FINISHED = `status IN ('ok','recovered','interrupted')`;

export interface HealthContext {
  paths: DataLayout;
  db: Db;
  reserveMb: number | null;
  /** Recordings in progress in this process. */
  live: Set<string>;
  /** Another live process that owns the data folder (the running station), or null. */
  otherOwner: number | null;
  /** What the engine already told the packer at start (recovered clips, ...). */
  startupProblems?: string[];
}

function check(id: HealthCheck['id'], level: HealthCheck['level'], text: string, details: string[] = []): HealthCheck {
  const shown = details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), `... and ${details.length - MAX_DETAILS} more`] : details;
  return { id, level, text, details: shown };
}

/** Every *.mp4 under the clips folder outside the hidden working folders, relative to it. */
async function clipFilesOnDisk(root: string): Promise<{ mp4: string[]; leftovers: string[] }> {
  const mp4: string[] = [];
  const leftovers: string[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 4) return;
    const entries = await fsp.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // .recording, .thumbs, the marker
      const child = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) await walk(child, depth + 1);
      else if (e.isFile() && /\.mp4$/i.test(e.name)) mp4.push(child);
      else if (e.isFile() && /\.mp4\.part$/i.test(e.name)) leftovers.push(child);
    }
  };
  await walk('', 0);
  return { mp4, leftovers };
}

export function unindexedOf(db: Db, files: string[]): string[] {
  const indexed = new Set(
    (db.prepare(`SELECT file FROM clips WHERE ${FINISHED} AND file IS NOT NULL`).all() as { file: string }[]).map((r) => path.normalize(r.file)),
  );
  return files.filter((f) => !indexed.has(path.normalize(f)));
}

export async function checkHealth(ctx: HealthContext): Promise<Health> {
  const { paths, db } = ctx;
  const checks: HealthCheck[] = [];
  let space: SpaceInfo | null = null;

  // 1. The index itself.
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const bad = rows.map((r) => r.quick_check).filter((t) => t !== 'ok');
    checks.push(
      bad.length
        ? check('database', 'problem', `The index ${paths.dbFile} is damaged (SQLite quick_check found ${bad.length} problem(s)). Back it up and ask for help before recording more.`, bad)
        : check('database', 'ok', 'The index passed SQLite quick_check.'),
    );
  } catch (err) {
    checks.push(check('database', 'problem', `The index ${paths.dbFile} could not be checked: ${errorMessage(err)}`));
  }

  // 2. The clips folder: present, ours, writable.
  const dir = paths.clipsDir;
  let folderOk = false;
  if (!fs.existsSync(dir)) {
    checks.push(check('storage', 'problem', `The clips folder ${dir} is missing: is its disk unplugged? Nothing can be recorded.`));
  } else if (!fs.existsSync(path.join(dir, MARKER_FILE))) {
    checks.push(check('storage', 'problem', `The clips folder ${dir} has no ${MARKER_FILE} file: it is not the folder this station set up (disk not mounted?).`));
  } else {
    try {
      probeWritable(dir);
      folderOk = true;
      checks.push(check('storage', 'ok', `The clips folder ${dir} is present and writable.`));
    } catch (err) {
      checks.push(check('storage', 'problem', describeFsError(err, dir)));
    }
  }

  // 3. Room to record.
  if (fs.existsSync(dir)) {
    try {
      space = await spaceOf(dir, ctx.reserveMb);
      const low = lowSpaceMessage(space);
      checks.push(
        low
          ? check('space', 'problem', `${low} New recordings are refused.`)
          : check('space', 'ok', `${formatBytes(space.freeBytes)} free of ${formatBytes(space.totalBytes)}; the reserve is ${formatBytes(space.reserveBytes)}${space.automatic ? ' (automatic)' : ''}.`),
      );
    } catch (err) {
      checks.push(check('space', 'problem', `The free space of ${dir} cannot be read: ${errorMessage(err)}`));
    }
  }

  // 4. Indexed clips whose file is gone.
  if (folderOk || fs.existsSync(dir)) {
    const rows = db.prepare(`SELECT id, order_code, file FROM clips WHERE ${FINISHED} AND file IS NOT NULL ORDER BY started_at`).all() as Pick<ClipRow, 'id' | 'order_code' | 'file'>[];
    const missing: string[] = [];
    for (const r of rows) {
      let abs: string | null = null;
      try {
        abs = insideRoot(dir, r.file!);
      } catch {
        abs = null;
      }
      if (!abs || !fs.existsSync(abs)) missing.push(`${r.order_code} (clip ${r.id}): ${r.file}`);
    }
    checks.push(
      missing.length
        ? check('missing-files', 'problem', `${missing.length} clip(s) in the index have no file on disk (deleted or moved outside PackWitness).`, missing)
        : check('missing-files', 'ok', `All ${rows.length} indexed clip files are on disk.`),
    );

    // 5. Clip files on disk that the index does not know.
    const { mp4, leftovers } = await clipFilesOnDisk(dir);
    const unindexed = unindexedOf(db, mp4);
    const details = [...unindexed, ...leftovers.map((f) => `${f} (an unfinished MP4 from an interrupted save)`)];
    checks.push(
      unindexed.length
        ? check('unindexed-files', 'problem', `${unindexed.length} clip file(s) on disk are not in the index; \`packwitness doctor --adopt\` (or the Status view) indexes them, marked adopted.`, details)
        : leftovers.length
          ? check('unindexed-files', 'warning', `${leftovers.length} unfinished MP4 file(s) from an interrupted save are on disk; their recordings were kept as raw files.`, details)
          : check('unindexed-files', 'ok', 'Every clip file on disk is in the index.'),
    );
  }

  // 6. Recordings left open.
  const open = (db.prepare(`SELECT * FROM clips WHERE status='recording' ORDER BY started_at`).all() as ClipRow[]).filter((r) => !ctx.live.has(r.id));
  if (open.length && ctx.otherOwner !== null) {
    checks.push(check('unfinished', 'ok', `${open.length} recording(s) in progress in the running station (process ${ctx.otherOwner}).`, open.map((r) => `${r.order_code} (${r.id})`)));
  } else if (open.length) {
    checks.push(
      check(
        'unfinished',
        'problem',
        `${open.length} recording(s) were not finished (the station stopped unexpectedly); they are recovered the next time the station starts.`,
        open.map((r) => `${r.order_code} started ${new Date(r.started_at).toISOString()} (${r.id})`),
      ),
    );
  } else {
    checks.push(check('unfinished', 'ok', 'No unfinished recordings.'));
  }

  // 7. Recordings that could not be turned into clips but whose raw video was kept.
  const failed = db.prepare(`SELECT * FROM clips WHERE status='failed' AND partial_file IS NOT NULL ORDER BY started_at`).all() as ClipRow[];
  checks.push(
    failed.length
      ? check(
          'failed-clips',
          'problem',
          `${failed.length} recording(s) could not be saved as clips; their raw video is kept in ${paths.partialDir}.`,
          failed.map((r) => `${r.order_code} (${r.id}): ${r.partial_file} — ${r.note ?? ''}`),
        )
      : check('failed-clips', 'ok', 'No recordings waiting as raw video.'),
  );

  if (ctx.startupProblems?.length) {
    checks.push(check('startup', 'warning', 'Reported since the station started:', ctx.startupProblems));
  }

  return { ok: checks.every((c) => c.level !== 'problem'), checkedAt: new Date().toISOString(), space, checks };
}

/** The health check as the running engine sees it. */
export function engineHealth(engine: DoctorServices): Promise<Health> {
  return checkHealth({
    paths: engine.paths,
    db: engine.db,
    reserveMb: engine.settings.get().reserveMb,
    live: new Set(engine.activeRecordings()),
    otherOwner: null,
    startupProblems: engine.currentProblems(),
  });
}

const NAME = /^(.+)_(\d{6})_([0-9a-z]{6,12}-[0-9a-f]{12})\.mp4$/i;

/**
 * Indexes clip files found on disk but not in the index (an index restored from a backup, a crash
 * between writing the file and the row). They are marked 'recovered' with a note saying they were
 * adopted: their file is real, but nothing vouches that it was never altered while unindexed. Each
 * is then sealed into the chain as it is now (stop reason 'adopted', the entry's time the adoption's,
 * a trusted timestamp requested), so `verify --all` accounts for it and a later change shows. Seal
 * files an earlier seal left next to it are kept, renamed *.before-adoption, never overwritten.
 */
export async function adoptUnindexed(engine: DoctorServices): Promise<{ adopted: { id: string; order: string; file: string }[]; failed: { file: string; message: string }[] }> {
  const root = engine.paths.clipsDir;
  const { mp4 } = await clipFilesOnDisk(root);
  const adopted: { id: string; order: string; file: string }[] = [];
  const failed: { file: string; message: string }[] = [];
  for (const rel of unindexedOf(engine.db, mp4)) {
    const abs = path.join(root, rel);
    try {
      const [info, sha256, stat] = await Promise.all([probe(abs), sha256File(abs), fsp.stat(abs)]);
      if (info.durationMs <= 0 || !info.videoCodec) throw new Error('no video in it');
      const m = NAME.exec(path.basename(rel));
      const parsedOrder = m ? parseOrderCode(m[1]!) : null;
      const order = parsedOrder?.ok ? parsedOrder.code : path.basename(rel, '.mp4').slice(0, 60).replace(/[^\p{L}\p{M}\p{Nd}_-]/gu, '_');
      const idTime = m ? Number.parseInt(m[3]!.split('-')[0]!, 36) : NaN;
      const startedAt = Number.isFinite(idTime) && Math.abs(idTime - stat.mtimeMs) < 30 * 86_400_000 ? idTime : Math.round(stat.mtimeMs - info.durationMs);
      let id = m?.[3] ?? '';
      if (!id || engine.clips.get(id)) id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
      const kept = await keepEarlierSeal(abs);
      engine.clips.insertRecording({
        id,
        order_code: order,
        station: engine.settings.get().stationName,
        operator: null,
        mode: 'shipping',
        started_at: startedAt,
        mime_type: 'video/mp4',
        partial_file: null,
      });
      engine.clips.finish(id, {
        ended_at: startedAt + info.durationMs,
        duration_ms: info.durationMs,
        mono_ms: null,
        size_bytes: stat.size,
        file: rel,
        sha256,
        status: 'recovered',
        stop_reason: 'adopted',
        note:
          `Adopted on ${new Date().toISOString()}: found on disk but not in the index; its content is what was on disk then.` +
          (kept.length ? ` Seal files found next to it were kept as ${kept.join(', ')}.` : ''),
      });
      engine.logLine(`doctor: adopted ${rel} as clip ${id} of ${order}`);
      try {
        await engine.custody.clipSealed(engine.clips.get(id)!, abs);
      } catch (err) {
        failed.push({ file: rel, message: `adopted as clip ${id} but not sealed into the chain: ${errorMessage(err)}` });
        continue;
      }
      adopted.push({ id, order, file: rel });
    } catch (err) {
      failed.push({ file: rel, message: errorLine(err) ?? String(err) });
    }
  }
  return { adopted, failed };
}

/** Renames seal files an earlier seal left next to an adopted clip; returns their new names. */
async function keepEarlierSeal(clipFile: string): Promise<string[]> {
  const kept: string[] = [];
  for (const f of Object.values(sidecarsOf(clipFile))) {
    if (!fs.existsSync(f)) continue;
    const to = `${f}.before-adoption`;
    await fsp.rename(f, to);
    kept.push(path.basename(to));
  }
  return kept;
}

// The start-up check and `packwitness doctor`: is the index sound, is every indexed clip on disk,
// is every clip file on disk indexed, was any recording left unfinished, is there room to record?
// It reads; it changes nothing except adopting unindexed files when asked (adoptUnindexed).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Health, HealthCheck, SpaceInfo } from '../../shared/contract/storage.ts';
import { parseOrderCode } from '../../shared/orderCode.ts';
import { formatMessage, msg, type Message } from '../../shared/messages.ts';
import type { ClipIndex } from './index/types.ts';
import { LocalClipStore } from './store/local.ts';
import type { ClipStore, StationClipStore } from './store/types.ts';
import { SqliteClipIndex } from './index/sqlite.ts';
import { quickCheck, type Db } from './db.ts';
import type { EngineServices } from './services.ts';
import { errorLine, errorMessage } from '../../shared/errorMessage.ts';

/** What the health check and adopting unindexed files use. */
export type DoctorServices = Pick<
  EngineServices,
  'paths' | 'db' | 'clips' | 'store' | 'settings' | 'custody' | 'logLine' | 'activeRecordings' | 'currentProblems' | 'currentProblemWords'
>;
import { probe } from './ffmpeg.ts';
import { sha256File } from './hash.ts';
import { hubHealthLine, hubStatus, type HubIndex } from './publish/outbox.ts';
import { sqliteHubIndex } from './index/sqliteOutbox.ts';
import { hubCheckWords } from './hubHealthWords.ts';
import type { DataLayout } from './paths.ts';
import { formatBytes, fsErrorMessage, lowSpace, MARKER_FILE, probeWritable, spaceOf } from './storage.ts';

const MAX_DETAILS = 30;

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
  /** The same as codes where they are one (null: English only). */
  startupProblemWords?: (Message | null)[];
  /** Where the clips are (default: the local store on paths.clipsDir). */
  store?: ClipStore;
  /** The hub link and outbox (default: the index on db). */
  hub?: HubIndex;
}

/** A detail line: data (a file, an id), or a sentence as a code. */
type Detail = string | Message;

function check(id: HealthCheck['id'], level: HealthCheck['level'], message: Message, details: Detail[] = []): HealthCheck {
  const shown = details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), msg('health-detail-more', { count: details.length - MAX_DETAILS })] : details;
  const out: HealthCheck = { id, level, text: formatMessage(message), message, details: shown.map((d) => (typeof d === 'string' ? d : formatMessage(d))) };
  if (shown.some((d) => typeof d !== 'string')) out.detailWords = shown.map((d) => (typeof d === 'string' ? null : d));
  return out;
}

/** Every *.mp4 in the clip store outside the hidden working folders, by key, and leftover scratch files. */
async function clipFilesOnDisk(store: Pick<ClipStore, 'list'>): Promise<{ mp4: string[]; leftovers: string[] }> {
  const mp4: string[] = [];
  const leftovers: string[] = [];
  for (const { key } of await store.list((k) => /\.mp4(\.part)?$/i.test(k))) {
    if (/\.mp4$/i.test(key)) mp4.push(key);
    else leftovers.push(key);
  }
  return { mp4, leftovers };
}

export async function unindexedOf(clips: Pick<ClipIndex, 'finishedWithFiles'>, files: string[]): Promise<string[]> {
  const indexed = new Set((await clips.finishedWithFiles()).map((r) => path.normalize(r.file!)));
  return files.filter((f) => !indexed.has(path.normalize(f)));
}

export async function checkHealth(ctx: HealthContext): Promise<Health> {
  const { paths, db } = ctx;
  const clips = new SqliteClipIndex(db);
  const checks: HealthCheck[] = [];
  let space: SpaceInfo | null = null;

  // 1. The index itself.
  try {
    const bad = quickCheck(db);
    checks.push(
      bad.length
        ? check('database', 'problem', msg('health-database-damaged', { file: paths.dbFile, count: bad.length }), bad)
        : check('database', 'ok', msg('health-database-ok')),
    );
  } catch (err) {
    checks.push(check('database', 'problem', msg('health-database-unreadable', { file: paths.dbFile, error: errorMessage(err) })));
  }

  // 2. The clips folder: present, ours, writable.
  const dir = paths.clipsDir;
  const store = ctx.store ?? new LocalClipStore(dir);
  let folderOk = false;
  if (!fs.existsSync(dir)) {
    checks.push(check('storage', 'problem', msg('health-storage-missing', { dir })));
  } else if (!fs.existsSync(path.join(dir, MARKER_FILE))) {
    checks.push(check('storage', 'problem', msg('health-storage-no-marker', { dir, marker: MARKER_FILE })));
  } else {
    try {
      probeWritable(dir);
      folderOk = true;
      checks.push(check('storage', 'ok', msg('health-storage-ok', { dir })));
    } catch (err) {
      checks.push(check('storage', 'problem', fsErrorMessage(err, dir)));
    }
  }

  // 3. Room to record.
  if (fs.existsSync(dir)) {
    try {
      space = await spaceOf(dir, ctx.reserveMb);
      const low = lowSpace(space);
      const sizes = { free: formatBytes(space.freeBytes), total: formatBytes(space.totalBytes), reserve: formatBytes(space.reserveBytes) };
      checks.push(
        low
          ? check(
              'space',
              'problem',
              msg(
                low.code === 'space-below-reserve' ? 'health-space-below-reserve' : 'health-space-near-reserve',
                low.params as { free: string; dir: string; reserve: string },
              ),
            )
          : check('space', 'ok', space.automatic ? msg('health-space-ok-auto', sizes) : msg('health-space-ok', sizes)),
      );
    } catch (err) {
      checks.push(check('space', 'problem', msg('health-space-unreadable', { dir, error: errorMessage(err) })));
    }
  }

  // 4. Indexed clips whose file is gone.
  if (folderOk || fs.existsSync(dir)) {
    const rows = await clips.finishedWithFiles();
    const missing: string[] = [];
    for (const r of rows) {
      // A key that would leave the clips folder is as missing as a file that is gone.
      const stored = await store.stat(r.file!).catch(() => null);
      if (!stored) missing.push(`${r.order_code} (clip ${r.id}): ${r.file}`);
    }
    checks.push(
      missing.length
        ? check('missing-files', 'problem', msg('health-missing-files', { count: missing.length }), missing)
        : check('missing-files', 'ok', msg('health-missing-files-ok', { count: rows.length })),
    );

    // 5. Clip files on disk that the index does not know.
    const { mp4, leftovers } = await clipFilesOnDisk(store);
    const unindexed = await unindexedOf(clips, mp4);
    const details = [...unindexed, ...leftovers.map((f) => msg('health-detail-leftover', { file: f }))];
    checks.push(
      unindexed.length
        ? check('unindexed-files', 'problem', msg('health-unindexed', { count: unindexed.length }), details)
        : leftovers.length
          ? check('unindexed-files', 'warning', msg('health-unindexed-leftovers', { count: leftovers.length }), details)
          : check('unindexed-files', 'ok', msg('health-unindexed-ok')),
    );
  }

  // 6. Recordings left open.
  const open = (await clips.unfinished()).filter((r) => !ctx.live.has(r.id));
  if (open.length && ctx.otherOwner !== null) {
    checks.push(
      check(
        'unfinished',
        'ok',
        msg('health-unfinished-running', { count: open.length, pid: ctx.otherOwner }),
        open.map((r) => `${r.order_code} (${r.id})`),
      ),
    );
  } else if (open.length) {
    checks.push(
      check(
        'unfinished',
        'problem',
        msg('health-unfinished', { count: open.length }),
        open.map((r) => `${r.order_code} started ${new Date(r.started_at).toISOString()} (${r.id})`),
      ),
    );
  } else {
    checks.push(check('unfinished', 'ok', msg('health-unfinished-ok')));
  }

  // 7. Recordings that could not be turned into clips but whose raw video was kept.
  const failed = await clips.failedWithRawVideo();
  checks.push(
    failed.length
      ? check(
          'failed-clips',
          'problem',
          msg('health-failed-clips', { count: failed.length, dir: paths.partialDir }),
          failed.map((r) => `${r.order_code} (${r.id}): ${r.partial_file} — ${r.note ?? ''}`),
        )
      : check('failed-clips', 'ok', msg('health-failed-clips-ok')),
  );

  // 8. The warehouse hub's outbox, when the station is enrolled with one (publish/outbox.ts).
  const hubIndex = ctx.hub ?? sqliteHubIndex(db);
  const hub = await hubHealthLine(hubIndex);
  if (hub) {
    // Its parts as codes too (hubHealthWords.ts), so the Status view words the line in its language.
    const c = check('hub', hub.level, msg('health-hub', { line: hub.text }), hub.details);
    const words = hubCheckWords(await hubStatus(hubIndex), c.text, c.details);
    if (words.messages) c.messages = words.messages;
    if (words.detailWords) c.detailWords = c.details.map((_d, i) => words.detailWords?.[i] ?? c.detailWords?.[i] ?? null);
    checks.push(c);
  }

  if (ctx.startupProblems?.length) {
    const words = ctx.startupProblemWords;
    checks.push(
      check(
        'startup',
        'warning',
        msg('health-startup'),
        ctx.startupProblems.map((p, i) => words?.[i] ?? p),
      ),
    );
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
    startupProblemWords: engine.currentProblemWords(),
    store: engine.store,
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
export async function adoptUnindexed(
  engine: DoctorServices,
): Promise<{ adopted: { id: string; order: string; file: string }[]; failed: { file: string; message: string }[] }> {
  const store: StationClipStore = engine.store;
  const { mp4 } = await clipFilesOnDisk(store);
  const adopted: { id: string; order: string; file: string }[] = [];
  const failed: { file: string; message: string }[] = [];
  for (const rel of await unindexedOf(engine.clips, mp4)) {
    try {
      const abs = store.localPath(rel); // ffmpeg probes and the hash reads a file
      const [info, sha256, stat] = await Promise.all([probe(abs), sha256File(abs), store.stat(rel)]);
      if (!stat) throw new Error('the file is gone');
      if (info.durationMs <= 0 || !info.videoCodec) throw new Error('no video in it');
      const m = NAME.exec(path.basename(rel));
      const parsedOrder = m ? parseOrderCode(m[1]!) : null;
      const order = parsedOrder?.ok
        ? parsedOrder.code
        : path
            .basename(rel, '.mp4')
            .slice(0, 60)
            .replace(/[^\p{L}\p{M}\p{Nd}_-]/gu, '_');
      const idTime = m ? Number.parseInt(m[3]!.split('-')[0]!, 36) : NaN;
      const startedAt = Number.isFinite(idTime) && Math.abs(idTime - stat.mtimeMs) < 30 * 86_400_000 ? idTime : Math.round(stat.mtimeMs - info.durationMs);
      let id = m?.[3] ?? '';
      if (!id || (await engine.clips.get(id))) id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
      const kept = await store.setSidecarsAside(rel, '.before-adoption');
      await engine.clips.insertRecording({
        id,
        order_code: order,
        station: engine.settings.get().stationName,
        operator: null,
        mode: 'shipping',
        started_at: startedAt,
        mime_type: 'video/mp4',
        partial_file: null,
      });
      await engine.clips.finish(id, {
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
        await engine.custody.clipSealed((await engine.clips.get(id))!);
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

// The storage guard: the clips folder is the one this station set up, it is writable, and the disk
// keeps a free-space reserve. Every check fails closed with a sentence a packer can act on; nothing
// is ever written somewhere else instead.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PwError } from '../../shared/contract.ts';
import type { SpaceInfo } from '../../shared/contract/storage.ts';
import { formatMessage, msg, type Message } from '../../shared/messages.ts';
import type { Db } from './db.ts';
import { SqliteStationMeta } from './index/sqliteEvidence.ts';
import type { DataLayout } from './paths.ts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

/**
 * The automatic reserve: the larger of 2 GB and 5 % of the disk, at most 20 GB, and never more
 * than a quarter of the disk.
 * - 2 GB: the longest clip a station normally makes (an hour at the default 2.5 Mbit/s is about
 *   1.1 GB) must still fit while it is being remuxed, which briefly needs the WebM and the MP4 side
 *   by side; and Windows needs a few GB free for updates and its page file on a system disk.
 * - 5 %: file systems slow down and fragment badly when nearly full (ext4 keeps 5 % for root for
 *   the same reason), so large disks keep proportionally more.
 * - 20 GB cap: on a 4 TB archive disk 5 % would be 200 GB of clips never recorded, for nothing.
 * - a quarter of the disk: a small SD card or test volume must still record something; a 2 GB
 *   reserve on a 4 GB card would leave almost no room for clips.
 */
export function defaultReserveBytes(totalBytes: number): number {
  const wanted = Math.min(20 * GB, Math.max(2 * GB, totalBytes * 0.05));
  return Math.floor(Math.min(wanted, totalBytes / 4));
}

export function reserveFor(reserveMb: number | null, totalBytes: number): { bytes: number; automatic: boolean } {
  if (reserveMb === null) return { bytes: defaultReserveBytes(totalBytes), automatic: true };
  return { bytes: reserveMb * MB, automatic: false };
}

/**
 * Space retention never takes a clip younger than this, whatever the protect window says: a parcel
 * shipped today is the one most likely to be disputed next week, and a station that refuses to
 * record (with an alarm) is better than one that quietly eats yesterday's evidence because someone
 * copied a film onto its disk.
 */
export const MIN_AGE_FOR_SPACE_MS = 86_400_000;

/**
 * Clips younger than this are never deleted to make room (settings.protectDays, default 120 days:
 * settingsStore.ts says why), applied by retention.ts. When only such clips (or clips on legal hold) are left, the station
 * refuses new recordings below the reserve and says so, instead of eating evidence a buyer may
 * still dispute. keepDays is a separate, deliberate choice and is not limited by it.
 */
export function protectMs(settings: { protectDays: number }): number {
  return Math.max(MIN_AGE_FOR_SPACE_MS, settings.protectDays * 86_400_000);
}

export function formatBytes(n: number): string {
  if (n >= GB) return `${(n / GB).toFixed(1)} GB`;
  if (n >= MB) return `${(n / MB).toFixed(0)} MB`;
  return `${Math.max(0, Math.round(n / 1024))} kB`;
}

export async function spaceOf(folder: string, reserveMb: number | null): Promise<SpaceInfo> {
  const s = await fsp.statfs(folder);
  // bavail, not bfree: what an unprivileged writer can use (ext4 keeps some blocks for root).
  const freeBytes = s.bavail * s.bsize;
  const totalBytes = s.blocks * s.bsize;
  const r = reserveFor(reserveMb, totalBytes);
  return { folder, freeBytes, totalBytes, reserveBytes: r.bytes, automatic: r.automatic };
}

/**
 * A recording starts only with room for this much video above the reserve: one that started with
 * less would be stopped by the reserve seconds later, mid-parcel; refused before it starts, the
 * packer hears it while nothing is lost.
 */
export const START_HEADROOM_S = 10;

export function startHeadroomBytes(videoBitsPerSecond: number): number {
  return Math.ceil((videoBitsPerSecond / 8) * START_HEADROOM_S);
}

/** Why there is no room for a recording (or `incoming` more bytes), as a message; null: there is room. */
export function lowSpace(space: SpaceInfo, incoming = 0): Message | null {
  if (space.freeBytes - incoming >= space.reserveBytes) return null;
  const params = { free: formatBytes(space.freeBytes), dir: space.folder, reserve: formatBytes(space.reserveBytes) };
  return space.freeBytes < space.reserveBytes ? msg('space-below-reserve', params) : msg('space-near-reserve', params);
}

export function lowSpaceMessage(space: SpaceInfo, incoming = 0): string | null {
  const low = lowSpace(space, incoming);
  return low && formatMessage(low);
}

/** A file-system failure on the clips folder, as a message. */
export function fsErrorMessage(err: unknown, folder: string): Message {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EROFS':
      return msg('fs-read-only', { dir: folder });
    case 'EACCES':
    case 'EPERM':
      return msg('fs-permission', { dir: folder });
    case 'ENOSPC':
    case 'EDQUOT':
      return msg('fs-full', { dir: folder });
    case 'ENOENT':
    case 'ENOTDIR':
      return msg('fs-missing', { dir: folder });
    case 'EIO':
      return msg('fs-io', { dir: folder });
    default:
      return msg('fs-other', { dir: folder, error: e?.message ?? String(err) });
  }
}

/** One sentence for a file-system failure on the clips folder. */
export function describeFsError(err: unknown, folder: string): string {
  return formatMessage(fsErrorMessage(err, folder));
}

/** Set at first run in the clips folder; its absence later means the folder is not the one we set up. */
export const MARKER_FILE = '.packwitness-clips';

const metaKey = (clipsDir: string): string => `clipsFolder:${clipsDir}`;
export const LAST_CLIPS_KEY = 'lastClipsFolder';

/** The clips folder the station used last, as recorded in its index. */
export function lastClipsFolder(db: Db): string | undefined {
  return meta(db, LAST_CLIPS_KEY);
}

/** Whether this station has initialised (and so recorded into) that clips folder before. */
export function knownClipsFolder(db: Db, clipsDir: string): boolean {
  return meta(db, metaKey(clipsDir)) !== undefined;
}

function meta(db: Db, key: string): string | undefined {
  return new SqliteStationMeta(db).get(key);
}

/** Creates a file and removes it: the only test of writability that also holds for root and read-only mounts. */
export function probeWritable(folder: string): void {
  const probe = path.join(folder, `.pw-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(probe, 'ok', { flag: 'wx' });
  fs.rmSync(probe, { force: true });
}

export function checkDataDirWritable(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    probeWritable(dataDir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EROFS' ? 'it is on a read-only disk' : e.code === 'ENOSPC' ? 'its disk is full' : (e.message ?? String(err));
    throw new PwError('refused', `The data folder ${dataDir} cannot be written (${why}); PackWitness will not start without its index.`);
  }
}

/**
 * At Engine.open: make sure the clips folder is the one this station initialised, and writable.
 * The first run creates the folder and writes a marker file in it, remembered in the index. Later,
 * a missing folder or a folder without the marker is what an unplugged USB disk or an unmounted
 * network share looks like (the empty mount point may even still exist): recreating it would
 * record evidence onto the system disk where nobody looks for it, so we refuse instead.
 */
export function prepareClipsFolder(paths: DataLayout, db: Db, hasIndexedFiles: boolean): void {
  const dir = paths.clipsDir;
  const known = meta(db, metaKey(dir));
  const exists = fs.existsSync(dir);
  const marked = exists && fs.existsSync(path.join(dir, MARKER_FILE));
  if (known && !marked) {
    throw new PwError(
      'refused',
      exists
        ? `The clips folder ${dir} is not the one this station recorded into (its ${MARKER_FILE} file is missing): is its disk unplugged or not mounted? PackWitness will not record into it until the right disk is back. If those clips are really gone, "packwitness doctor --init-clips" starts an empty folder there.`
        : `The clips folder ${dir} is missing: is its disk unplugged or not mounted? PackWitness will not create an empty one in its place; reconnect the disk or choose another folder. If those clips are really gone, "packwitness doctor --init-clips" starts an empty folder there.`,
    );
  }
  if (!known && !exists && hasIndexedFiles) {
    // An index from before the marker existed, with clips, but no folder: the same unplugged disk.
    throw new PwError(
      'refused',
      `The clips folder ${dir} is missing although the index lists clips in it: is its disk unplugged? PackWitness will not create an empty one in its place. If those clips are really gone, "packwitness doctor --init-clips" starts an empty folder there.`,
    );
  }
  try {
    if (!marked) {
      fs.mkdirSync(dir, { recursive: true });
      const body = JSON.stringify({ createdAt: new Date().toISOString(), dataDir: paths.dataDir, id: randomBytes(8).toString('hex') });
      fs.writeFileSync(path.join(dir, MARKER_FILE), body + '\n', { flag: 'w' });
    }
    if (!known) new SqliteStationMeta(db).set(metaKey(dir), new Date().toISOString());
    // `packwitness doctor` without --clips checks the folder the station last used.
    new SqliteStationMeta(db).set(LAST_CLIPS_KEY, dir);
    for (const sub of [paths.partialDir, paths.thumbsDir]) fs.mkdirSync(sub, { recursive: true });
    probeWritable(paths.partialDir);
  } catch (err) {
    if (err instanceof PwError) throw err;
    throw new PwError('refused', fsErrorMessage(err, dir));
  }
}

/**
 * A person's decision that the old clips folder is gone for good (`doctor --init-clips`): the
 * folder is created (or taken as it is) and marked as this station's. Nothing else changes; the
 * index still lists the old clips, which doctor then reports as missing.
 */
export function initClipsFolder(paths: DataLayout, db: Db): void {
  const dir = paths.clipsDir;
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, MARKER_FILE))) {
      const body = JSON.stringify({
        createdAt: new Date().toISOString(),
        dataDir: paths.dataDir,
        id: randomBytes(8).toString('hex'),
        initialisedBy: 'doctor --init-clips',
      });
      fs.writeFileSync(path.join(dir, MARKER_FILE), body + '\n');
    }
    new SqliteStationMeta(db).set(metaKey(dir), new Date().toISOString());
    new SqliteStationMeta(db).set(LAST_CLIPS_KEY, dir);
  } catch (err) {
    throw new PwError('refused', fsErrorMessage(err, dir));
  }
}

/** Before a recording creates its file: the folder is still ours, and above the reserve. */
export async function checkBeforeRecording(paths: DataLayout, reserveMb: number | null): Promise<SpaceInfo> {
  const dir = paths.clipsDir;
  const marked = await fsp
    .stat(path.join(dir, MARKER_FILE))
    .then(() => true)
    .catch(() => false);
  if (!marked) {
    throw new PwError('refused', `The clips folder ${dir} is missing or is not the station's folder any more: is its disk unplugged? Nothing was recorded.`);
  }
  let space: SpaceInfo;
  try {
    space = await spaceOf(dir, reserveMb);
  } catch (err) {
    throw new PwError('refused', fsErrorMessage(err, dir));
  }
  return space;
}

// ---------------------------------------------------------------------------------------------
// Which process owns a data folder. A second process (the CLI while the station runs) must not
// "recover" recordings that the first is still making, nor run retention behind its back.

const LOCK_FILE = 'station.pid';

/** When this machine booted (epoch ms, to the minute or so). */
function bootTime(): number {
  return Math.round((Date.now() - os.uptime() * 1000) / 60_000) * 60_000;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of another live process that owns dataDir, or null. */
export function otherOwner(dataDir: string): number | null {
  const text = (() => {
    try {
      return fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8');
    } catch {
      return '';
    }
  })();
  const [pidText, bootText] = text.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  // After a power cut the file survives but its pid may now belong to some other program: a file
  // written before this boot is stale whatever process has that number today.
  const boot = Number(bootText);
  if (Number.isFinite(boot) && Math.abs(boot - bootTime()) > 120_000) return null;
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

/** Takes ownership of dataDir unless another live process has it. Returns a release function or null. */
export function acquireOwnership(dataDir: string): (() => void) | null {
  if (otherOwner(dataDir) !== null) return null;
  const file = path.join(dataDir, LOCK_FILE);
  fs.writeFileSync(file, `${process.pid} ${bootTime()}\n`);
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim().split(/\s+/)[0] === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}

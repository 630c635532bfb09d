// How long the disk lasts: the station's recording rate, measured from its own recent clips, set
// against the free space above the reserve and against the clips retention may delete as they
// leave the protect window. The Status view and the first-run card show it; the hourly retention
// run raises it as a problem a week before recordings would have to be refused.
import type { Settings } from '../../shared/contract.ts';
import type { SpaceInfo, StorageOutlook } from '../../shared/contract/storage.ts';
import type { ClipIndex } from './index/types.ts';
import { protectMs, startHeadroomBytes } from './storage.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The rate is measured over the last two weeks: long enough to span a weekend and a busy day. */
export const RATE_WINDOW_DAYS = 14;
/** The warning comes this many days before recordings would have to be refused. */
export const WARN_DAYS = 7;

export interface Rate {
  bytesPerDay: number | null;
  ordersPerDay: number | null;
  measuredDays: number;
}

/**
 * Bytes and orders a calendar day, over the last RATE_WINDOW_DAYS or since the first clip if the
 * station is younger (counted as at least one day, so a first morning is not extrapolated to a
 * week's worth). Deleted clips count: they were recorded, and the rate is what the camera writes.
 */
export async function measureRate(clips: Pick<ClipIndex, 'recordingRate'>, now: number): Promise<Rate> {
  const since = now - RATE_WINDOW_DAYS * DAY;
  const w = await clips.recordingRate(since, now);
  const first = w.first;
  if (first === null || first > now) return { bytesPerDay: null, ordersPerDay: null, measuredDays: 0 };
  const measuredDays = Math.min(RATE_WINDOW_DAYS, (now - first) / DAY);
  if (w.bytes === 0) return { bytesPerDay: null, ordersPerDay: null, measuredDays };
  const days = Math.max(1, measuredDays);
  return { bytesPerDay: w.bytes / days, ordersPerDay: w.orders / days, measuredDays };
}

export interface ReleaseStep {
  /** When the clip may be deleted (epoch ms). */
  at: number;
  bytes: number;
}

/**
 * Days from now until a station writing `bytesPerDay` must refuse recordings: the free space above
 * the reserve, plus each clip's bytes from the moment retention may delete it, must stay ahead of
 * what is written. Clips recorded from now on are not released within `horizonDays` (they are
 * younger than it), so if the room lasts the whole horizon it lasts for good at this rate: by
 * then every day's new clips are matched by a day of clips leaving the window. Returns null then.
 * `releases` are sorted by time; those already due count at once.
 */
export function refuseInDays(freeAboveReserve: number, bytesPerDay: number, horizonDays: number, releases: ReleaseStep[], now: number): number | null {
  if (bytesPerDay <= 0) return null;
  let room = freeAboveReserve;
  for (const r of releases) {
    const d = (r.at - now) / DAY;
    if (d >= horizonDays) break;
    // Before this clip may go, the camera must not have outrun the room (one already due goes now).
    if (d > 0 && room < bytesPerDay * d) return Math.max(0, room / bytesPerDay);
    room += r.bytes;
  }
  const d = room / bytesPerDay;
  return d < horizonDays ? Math.max(0, d) : null;
}

export async function storageOutlook(
  clips: Pick<ClipIndex, 'recordingRate' | 'releasable'>,
  settings: Settings,
  space: SpaceInfo | null,
  now = Date.now(),
): Promise<StorageOutlook> {
  const rate = await measureRate(clips, now);
  const free = space ? Math.max(0, space.freeBytes - space.reserveBytes) : 0;
  // A recording starts only with a few seconds of room above the reserve (storage.ts).
  const headroom = startHeadroomBytes(settings.videoBitsPerSecond);
  const below = space ? space.freeBytes - headroom < space.reserveBytes : false;
  // How long a clip is kept before retention may take it: the protect window when space retention
  // is on, keepDays when that is shorter; neither = never.
  const horizons = [settings.deleteOldestForSpace ? protectMs(settings) : Infinity, settings.keepDays > 0 ? settings.keepDays * DAY : Infinity];
  const horizonMs = Math.min(...horizons);
  let refuse: number | null = null;
  if (rate.bytesPerDay !== null && space) {
    let releases: ReleaseStep[] = [];
    if (Number.isFinite(horizonMs)) {
      // Summed by the index (a station may index a million clips): what may go now in one sum, the
      // rest per hour of recording, released at the hour's end (never earlier than the real clip).
      const cutoff = now - horizonMs;
      const { due, buckets } = await clips.releasable(cutoff, HOUR);
      releases = [{ at: now, bytes: due }, ...buckets.map((r) => ({ at: (r.bucket + 1) * HOUR + horizonMs, bytes: r.bytes }))];
    }
    const room = space.freeBytes - space.reserveBytes - headroom; // negative below it: deletions must cover that first
    refuse = refuseInDays(room, rate.bytesPerDay, Number.isFinite(horizonMs) ? horizonMs / DAY : Infinity, releases, now);
  }
  const level = refuse === 0 || (below && rate.bytesPerDay === null) ? 'problem' : refuse !== null && refuse <= WARN_DAYS ? 'warning' : 'ok';
  return {
    space,
    freeAboveReserveBytes: free,
    measuredDays: rate.measuredDays,
    bytesPerDay: rate.bytesPerDay,
    ordersPerDay: rate.ordersPerDay,
    daysLeft: rate.bytesPerDay ? Math.max(0, free - headroom) / rate.bytesPerDay : null,
    hoursAtQuality: rate.bytesPerDay ? null : Math.max(0, free - headroom) / (settings.videoBitsPerSecond / 8) / 3600,
    protectDays: settings.protectDays,
    refuseInDays: refuse,
    level,
  };
}

/** One English sentence for the engine's log and station.problem when the outlook is not ok. */
export function outlookProblem(o: StorageOutlook): string | null {
  if (o.level === 'ok' || o.refuseInDays === null || o.bytesPerDay === null) return null;
  const rate = `${(o.bytesPerDay / 1024 ** 3).toFixed(1)} GB a day (${Math.round(o.ordersPerDay ?? 0)} orders)`;
  if (o.refuseInDays === 0) {
    return `The disk is full of clips that may not be deleted (younger than the protect window of ${o.protectDays} days, or on legal hold): new recordings are refused. Add storage, move clips to an archive disk, or shorten the protect window in Settings.`;
  }
  return `At this station's rate of ${rate} the disk can keep the last ${o.protectDays} days of clips for only about ${Math.max(1, Math.round(o.refuseInDays))} more day(s); then new recordings are refused. Add storage, move clips to an archive disk, or shorten the protect window in Settings.`;
}

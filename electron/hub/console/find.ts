// Find on the console: the hub index's clip search plus the status filters and tags customer
// service needs to judge a clip at a glance. What each status means, from the hub's index alone:
// - ok / interrupted / recovered: the clip row's status as the station sealed it (interrupted: the
//   station ended the recording itself, with its stop reason; recovered: sealed after a crash);
// - held: the newest legal hold set or released for the clip (on the hub, or the station's own
//   `legal-hold` chain entry) says held;
// - late: published to the hub more than LATE_AFTER_MS after the recording ended (the station was
//   off or cut off: nothing is wrong with the clip, but a reviewer may ask why);
// - hole: the station's chain misses an entry within HOLE_NEAR_ENTRIES entries of the clip's own
//   entry (something near it was never published, or was lost).
import type { HubClip, HubIndex } from '../index/types.ts';
import { CLIP_COLUMNS, clipQueryTerms, toClip, type SqlDialect } from '../index/sqlIndex.ts';
import { dialectOf } from '../auth/accounts.ts';
import { CLIP_TAGS, type ClipTag } from '../../../shared/consoleWire.ts';

export const LATE_AFTER_MS = 3600_000;
export const HOLE_NEAR_ENTRIES = 50;
/** At most this many holes are looked at by the `hole` filter (the newest; more means a broken station). */
const MAX_HOLES = 500;

export interface FindQuery {
  order?: string;
  orderContains?: string;
  station?: string;
  operator?: string;
  mode?: string;
  from?: number;
  to?: number;
  status?: ClipTag;
  before?: { startedAt: number; rowId: number };
  limit: number;
}

export interface FoundClip extends HubClip {
  tags: ClipTag[];
  thumb: boolean;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export function isClipTag(v: string): v is ClipTag {
  return (CLIP_TAGS as readonly string[]).includes(v);
}

export class ClipFinder {
  private readonly db: SqlDialect;
  private readonly index: HubIndex;
  constructor(index: HubIndex) {
    this.index = index;
    this.db = dialectOf(index);
  }

  private get yes(): string {
    return this.db.kind === 'sqlite' ? '1' : 'TRUE';
  }

  /** SQL true when the clip `c` is held now (the newest hub hold row, or the station's newest legal-hold entry). */
  private heldSql(): string {
    // A hold on the hub is newer than the station's entries it reached; the hub row decides when there is one.
    return `(COALESCE(
      (SELECT CASE WHEN h.held = ${this.yes} THEN 1 ELSE 0 END FROM hub_holds h WHERE h.station = c.station AND h.clip_id = c.clip_id ORDER BY h.at DESC, h.id DESC LIMIT 1),
      (SELECT CASE WHEN e.body LIKE '%"hold":true%' THEN 1 ELSE 0 END FROM hub_chain e
        WHERE e.station = c.station AND e.clip_id = c.clip_id AND e.kind = 'legal-hold' ORDER BY e.seq DESC LIMIT 1),
      0) = 1)`;
  }

  /** The newest holes of every station (gaps in the chains it holds), as seq windows of entries near them. */
  private async holeWindows(): Promise<{ station: string; lo: number; hi: number }[]> {
    const windows: { station: string; lo: number; hi: number }[] = [];
    for (const s of await this.index.listStations()) {
      const gaps = await this.index.findChainGaps(s.fingerprint);
      for (const g of gaps.slice(-MAX_HOLES)) {
        windows.push({ station: s.fingerprint, lo: Math.max(1, g.fromSeq - HOLE_NEAR_ENTRIES), hi: g.toSeq + HOLE_NEAR_ENTRIES });
      }
    }
    return windows.slice(-MAX_HOLES);
  }

  async find(q: FindQuery): Promise<FoundClip[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    clipQueryTerms(this.db, q, where, params);
    switch (q.status) {
      case 'ok':
      case 'interrupted':
      case 'recovered':
        where.push('c.status = ?');
        params.push(q.status);
        break;
      case 'late':
        where.push('c.published_at - c.ended_at > ?');
        params.push(LATE_AFTER_MS);
        break;
      case 'held':
        where.push(this.heldSql());
        break;
      case 'hole': {
        const windows = await this.holeWindows();
        if (windows.length === 0) return [];
        where.push(
          `EXISTS (SELECT 1 FROM hub_chain e WHERE e.station = c.station AND e.clip_id = c.clip_id AND e.kind = 'clip' AND (${windows
            .map(() => '(e.station = ? AND e.seq BETWEEN ? AND ?)')
            .join(' OR ')}))`,
        );
        for (const w of windows) params.push(w.station, w.lo, w.hi);
        break;
      }
      default:
        break;
    }
    const limit = Math.max(1, Math.min(1000, Math.floor(q.limit)));
    const sql = `SELECT ${CLIP_COLUMNS}
      FROM hub_clips c JOIN hub_stations s ON s.fingerprint = c.station
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.started_at DESC, c.id DESC LIMIT ${limit}`;
    const clips = (await this.db.all(sql, params)).map(toClip);
    return this.tag(clips);
  }

  /** Adds each clip's tags and whether its thumbnail is made (a few queries for the whole page). */
  async tag(clips: HubClip[]): Promise<FoundClip[]> {
    if (clips.length === 0) return [];
    const ids = clips.map((c) => c.rowId ?? -1);
    const marks = ids.map(() => '?').join(', ');
    const held = new Set((await this.db.all(`SELECT c.id FROM hub_clips c WHERE c.id IN (${marks}) AND ${this.heldSql()}`, ids)).map((r) => num(r.id)));
    const thumbs = new Set(
      (
        await this.db.all(
          `SELECT sha256 FROM hub_thumbs WHERE ok = ${this.yes} AND sha256 IN (${clips.map(() => '?').join(', ')})`,
          clips.map((c) => c.sha256),
        )
      ).map((r) => String(r.sha256)),
    );
    // A hole near a clip: fewer entries held in the window around its own entry than the window spans.
    const near = new Set<string>();
    const byStation = new Map<string, HubClip[]>();
    for (const c of clips) byStation.set(c.station, [...(byStation.get(c.station) ?? []), c]);
    for (const [station, list] of byStation) {
      const head = await this.index.chainHead(station);
      if (!head) continue;
      const rows = await this.db.all(
        `SELECT e.clip_id, e.seq, (SELECT COUNT(*) FROM hub_chain x WHERE x.station = e.station AND x.seq BETWEEN e.seq - ? AND e.seq + ?) AS held_near
         FROM hub_chain e WHERE e.station = ? AND e.kind = 'clip' AND e.clip_id IN (${list.map(() => '?').join(', ')})`,
        [HOLE_NEAR_ENTRIES, HOLE_NEAR_ENTRIES, station, ...list.map((c) => c.clipId)],
      );
      for (const r of rows) {
        const seq = num(r.seq);
        const span = Math.min(head.seq, seq + HOLE_NEAR_ENTRIES) - Math.max(1, seq - HOLE_NEAR_ENTRIES) + 1;
        if (num(r.held_near) < span) near.add(String(r.clip_id));
      }
    }
    return clips.map((c) => {
      const tags: ClipTag[] = [];
      tags.push(isClipTag(c.status) ? c.status : 'ok');
      if (held.has(c.rowId ?? -1)) tags.push('held');
      if (c.publishedAt - c.endedAt > LATE_AFTER_MS) tags.push('late');
      if (near.has(c.clipId)) tags.push('hole');
      return { ...c, tags, thumb: thumbs.has(c.sha256) };
    });
  }
}

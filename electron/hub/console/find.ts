// Find on the console: the hub index's clip search plus the status filters and tags customer
// service needs to judge a clip at a glance. What each status means, from the hub's index alone:
// - ok / interrupted / recovered: the clip row's status as the station sealed it (interrupted: the
//   station ended the recording itself, with its stop reason; recovered: sealed after a crash);
// - held: the newest legal hold set or released for the clip (on the hub, or the station's own
//   `legal-hold` chain entry) says held;
// - late: published to the hub more than LATE_AFTER_MS after the recording ended (the station was
//   off or cut off: nothing is wrong with the clip, but a reviewer may ask why);
// - hole: the station's chain misses an entry within HOLE_NEAR_ENTRIES entries of the clip's own
//   entry (something near it was never published, or was lost), however many holes it has.
import type { HubClip, HubIndex } from '../index/types.ts';
import { CLIP_COLUMNS, clipQueryTerms, toClip, type SqlDialect } from '../index/sqlIndex.ts';
import { dialectOf } from '../auth/accounts.ts';
import { CLIP_TAGS, type ClipTag, type ConsoleHold } from '../../../shared/consoleWire.ts';

export const LATE_AFTER_MS = 3600_000;
export const HOLE_NEAR_ENTRIES = 50;

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
  /** Why no thumbnail can be made of this clip (the hub gave up after its retries); null while none failed for good. */
  thumbFailed: string | null;
  /** The clip's newest hold row on the hub (set or released), null when none was ever set there. */
  hold: ConsoleHold | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const yes = (v: unknown): boolean => v === true || num(v) === 1;

export function isClipTag(v: string): v is ClipTag {
  return (CLIP_TAGS as readonly string[]).includes(v);
}

export class ClipFinder {
  private readonly db: SqlDialect;
  constructor(index: HubIndex) {
    this.db = dialectOf(index);
  }

  private get yes(): string {
    return this.db.kind === 'sqlite' ? '1' : 'TRUE';
  }

  /** The station's own newest `legal-hold` chain entry for clip `c`: 1 held, 0 released, NULL none. */
  private chainHeldSql(): string {
    return `(SELECT CASE WHEN e.body LIKE '%"hold":true%' THEN 1 ELSE 0 END FROM hub_chain e
        WHERE e.station = c.station AND e.clip_id = c.clip_id AND e.kind = 'legal-hold' ORDER BY e.seq DESC LIMIT 1)`;
  }

  /** SQL true when the clip `c` is held now (the newest hub hold row, or the station's newest legal-hold entry). */
  private heldSql(): string {
    // A hold on the hub is newer than the station's entries it reached; the hub row decides when there is one.
    return `(COALESCE(
      (SELECT CASE WHEN h.held = ${this.yes} THEN 1 ELSE 0 END FROM hub_holds h WHERE h.station = c.station AND h.clip_id = c.clip_id ORDER BY h.at DESC, h.id DESC LIMIT 1),
      ${this.chainHeldSql()},
      0) = 1)`;
  }

  /**
   * SQL true when the station's chain misses an entry within HOLE_NEAR_ENTRIES of clip `c`'s own
   * `clip` entry: fewer entries held in that window (up to the newest entry held) than it spans.
   * Counted on the chain's primary key (station, seq): at most 2 × HOLE_NEAR_ENTRIES + 1 rows a clip.
   */
  private holeNearSql(): string {
    const [least, greatest] = this.db.kind === 'sqlite' ? ['MIN', 'MAX'] : ['LEAST', 'GREATEST'];
    const n = HOLE_NEAR_ENTRIES;
    return `EXISTS (SELECT 1 FROM hub_chain e WHERE e.station = c.station AND e.clip_id = c.clip_id AND e.kind = 'clip'
      AND (SELECT COUNT(*) FROM hub_chain x WHERE x.station = e.station AND x.seq BETWEEN e.seq - ${n} AND e.seq + ${n})
        < ${least}((SELECT MAX(m.seq) FROM hub_chain m WHERE m.station = e.station), e.seq + ${n}) - ${greatest}(1, e.seq - ${n}) + 1)`;
  }

  /**
   * The `hole` filter: every gap of every chain (entries missing between two held ones, or before
   * the first held one), found by one pass over the chain's primary key, then the `clip` entries
   * within HOLE_NEAR_ENTRIES of a gap, each a range read of that key. Driven from the gaps, so the
   * number of holes does not matter, only the clips near them.
   */
  private nearHolesSql(stationScoped: boolean): string {
    const n = HOLE_NEAR_ENTRIES;
    return `near_holes AS (
      SELECT DISTINCT e.station, e.clip_id FROM (
        SELECT station, COALESCE(prev_seq, 0) + 1 AS from_seq, seq - 1 AS to_seq FROM (
          SELECT station, seq, LAG(seq) OVER (PARTITION BY station ORDER BY seq) AS prev_seq FROM hub_chain
          ${stationScoped ? 'WHERE station IN (SELECT fingerprint FROM hub_stations WHERE fingerprint = ? OR name = ?)' : ''}) t
        WHERE seq - COALESCE(prev_seq, 0) > 1) g
      JOIN hub_chain e ON e.station = g.station AND e.seq BETWEEN g.from_seq - ${n} AND g.to_seq + ${n}
      WHERE e.kind = 'clip')`;
  }

  /**
   * One page of clips with everything the results show (tags, hold, thumbnail state), in one
   * statement: the page is chosen first (inner query: filters, newest first, LIMIT), then each of
   * its rows is joined with its hold, thumbnail and chain neighbourhood, so the per-row reads
   * happen for the page's rows only.
   */
  async find(q: FindQuery): Promise<FoundClip[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    let withSql = '';
    if (q.status === 'hole') {
      withSql = `WITH ${this.nearHolesSql(q.station !== undefined)} `;
      if (q.station !== undefined) params.push(q.station, q.station);
    }
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
      case 'hole':
        where.push('EXISTS (SELECT 1 FROM near_holes n WHERE n.station = c.station AND n.clip_id = c.clip_id)');
        break;
      default:
        break;
    }
    const limit = Math.max(1, Math.min(1000, Math.floor(q.limit)));
    const page = `SELECT ${CLIP_COLUMNS}
      FROM hub_clips c JOIN hub_stations s ON s.fingerprint = c.station
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.started_at DESC, c.id DESC LIMIT ${limit}`;
    const sql = `${withSql}SELECT c.*,
        hh.held AS hold_held, hh.reason AS hold_reason, hh.at AS hold_at, hh.by_whom AS hold_by,
        ${this.chainHeldSql()} AS chain_held,
        t.ok AS thumb_ok, t.retry_at AS thumb_retry_at, t.detail AS thumb_detail,
        CASE WHEN ${this.holeNearSql()} THEN 1 ELSE 0 END AS hole_near
      FROM (${page}) c
      LEFT JOIN hub_holds hh ON hh.id = (SELECT h.id FROM hub_holds h WHERE h.station = c.station AND h.clip_id = c.clip_id ORDER BY h.at DESC, h.id DESC LIMIT 1)
      LEFT JOIN hub_thumbs t ON t.sha256 = c.sha256
      ORDER BY c.started_at DESC, c.id DESC`;
    return (await this.db.all(sql, params)).map((r) => {
      const c = toClip(r);
      const hold: ConsoleHold | null =
        r.hold_at === null || r.hold_at === undefined
          ? null
          : {
              held: yes(r.hold_held),
              reason: r.hold_reason == null ? null : String(r.hold_reason),
              at: num(r.hold_at),
              by: r.hold_by == null ? null : String(r.hold_by),
            };
      const tags: ClipTag[] = [isClipTag(c.status) ? c.status : 'ok'];
      if (hold ? hold.held : yes(r.chain_held)) tags.push('held');
      if (c.publishedAt - c.endedAt > LATE_AFTER_MS) tags.push('late');
      if (yes(r.hole_near)) tags.push('hole');
      const thumbMade = r.thumb_ok !== null && r.thumb_ok !== undefined;
      const gaveUp = thumbMade && !yes(r.thumb_ok) && (r.thumb_retry_at === null || r.thumb_retry_at === undefined);
      return { ...c, tags, thumb: thumbMade && yes(r.thumb_ok), thumbFailed: gaveUp ? String(r.thumb_detail ?? '') : null, hold };
    });
  }
}

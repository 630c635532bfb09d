// The index seam on the station's embedded SQLite database (db.ts, migrations.ts). Every SQL
// statement about clips, their deletions and their legal holds is here. better-sqlite3 is
// synchronous: each method does its work at once and hands back a settled promise.
import type { Db } from '../db.ts';
import type {
  ClipIndex,
  ClipRow,
  ClipSummary,
  DeletionRow,
  DiscardRow,
  EngineIndex,
  ModeStats,
  RecordingRate,
  RowStatus,
  SealedSidecarSource,
  SearchQuery,
} from './types.ts';
import { FINISHED_STATUSES } from './types.ts';
import { SqliteExportFileIndex, SqliteStationMeta, sqliteChain, sqliteNotes, sqliteTimestamps } from './sqliteEvidence.ts';
import { SqliteHubLink, SqliteOutbox } from './sqliteOutbox.ts';

const SUMMARY = 'id, order_code, file, sha256, status';
const FINISHED = `status IN (${FINISHED_STATUSES.map((s) => `'${s}'`).join(',')})`;

export class SqliteClipIndex implements ClipIndex {
  readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async insertRecording(
    row: Pick<ClipRow, 'id' | 'order_code' | 'station' | 'operator' | 'mode' | 'started_at' | 'mime_type' | 'partial_file'>,
  ): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO clips (id, order_code, station, operator, mode, started_at, mime_type, partial_file, status)
         VALUES (@id, @order_code, @station, @operator, @mode, @started_at, @mime_type, @partial_file, 'recording')`,
      )
      .run(row);
  }

  async finish(
    id: string,
    f: Pick<ClipRow, 'ended_at' | 'duration_ms' | 'mono_ms' | 'size_bytes' | 'file' | 'sha256' | 'status' | 'stop_reason' | 'note' | 'note_words'>,
  ): Promise<void> {
    this.db
      .prepare(
        `UPDATE clips SET ended_at=@ended_at, duration_ms=@duration_ms, mono_ms=@mono_ms, size_bytes=@size_bytes,
           file=@file, sha256=@sha256, status=@status, stop_reason=@stop_reason, note=@note, note_words=@note_words, partial_file=NULL
         WHERE id=@id`,
      )
      .run({ id, ...f, note_words: f.note_words ?? null });
  }

  async setStatus(id: string, status: RowStatus, note: string | null, noteWords: string | null = null): Promise<void> {
    this.db.prepare('UPDATE clips SET status=?, note=?, note_words=?, partial_file=NULL WHERE id=?').run(status, note, noteWords, id);
  }

  async setThumb(id: string, thumb: string): Promise<void> {
    this.db.prepare('UPDATE clips SET thumb_file=? WHERE id=?').run(thumb, id);
  }

  async setPartial(id: string, partial: string): Promise<void> {
    this.db.prepare('UPDATE clips SET partial_file=? WHERE id=?').run(partial, id);
  }

  async setLegalHold(id: string, hold: boolean, reason: string, who: string, at: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE clips SET legal_hold=?, hold_reason=? WHERE id=?').run(hold ? 1 : 0, hold ? reason : null, id);
      this.db.prepare('INSERT INTO holds (clip_id, hold, reason, who, at) VALUES (?, ?, ?, ?, ?)').run(id, hold ? 1 : 0, reason, who, at);
    })();
  }

  async markDeleted(d: DeletionRow, startedAt: number, note: string, noteWords: string | null = null): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO deletions (clip_id, order_code, file, sha256, size_bytes, started_at, deleted_at, reason, who, reason_words)
           VALUES (@clip_id, @order_code, @file, @sha256, @size_bytes, @started_at, @deleted_at, @reason, @who, @reason_words)`,
        )
        .run({ ...d, started_at: startedAt, reason_words: d.reason_words ?? null });
      this.db.prepare(`UPDATE clips SET status='deleted', note=?, note_words=?, thumb_file=NULL WHERE id=?`).run(note, noteWords, d.clip_id);
    })();
  }

  async get(id: string): Promise<ClipRow | undefined> {
    return this.db.prepare('SELECT * FROM clips WHERE id=?').get(id) as ClipRow | undefined;
  }

  async unfinished(): Promise<ClipRow[]> {
    return this.db.prepare(`SELECT * FROM clips WHERE status='recording' ORDER BY started_at`).all() as ClipRow[];
  }

  async failedWithRawVideo(): Promise<ClipRow[]> {
    return this.db.prepare(`SELECT * FROM clips WHERE status='failed' AND partial_file IS NOT NULL ORDER BY started_at`).all() as ClipRow[];
  }

  async bySha256(sha: string): Promise<ClipRow | undefined> {
    return this.db.prepare(`SELECT * FROM clips WHERE sha256=? AND ${FINISHED}`).get(sha) as ClipRow | undefined;
  }

  async newestBySha256(sha: string): Promise<ClipRow | undefined> {
    return this.db.prepare(`SELECT * FROM clips WHERE sha256=? ORDER BY started_at DESC LIMIT 1`).get(sha) as ClipRow | undefined;
  }

  async byOrder(code: string): Promise<ClipRow[]> {
    return this.db.prepare(`SELECT * FROM clips WHERE order_code=? AND ${FINISHED} ORDER BY started_at`).all(code) as ClipRow[];
  }

  async count(): Promise<number> {
    return (this.db.prepare(`SELECT count(*) AS n FROM clips WHERE ${FINISHED}`).get() as { n: number }).n;
  }

  async hasFinishedFiles(): Promise<boolean> {
    return (this.db.prepare(`SELECT count(*) AS n FROM clips WHERE file IS NOT NULL AND ${FINISHED}`).get() as { n: number }).n > 0;
  }

  async finished(): Promise<ClipSummary[]> {
    return this.db.prepare(`SELECT ${SUMMARY} FROM clips WHERE ${FINISHED} ORDER BY started_at`).all() as ClipSummary[];
  }

  async finishedWithFiles(): Promise<ClipSummary[]> {
    return this.db.prepare(`SELECT ${SUMMARY} FROM clips WHERE ${FINISHED} AND file IS NOT NULL ORDER BY started_at`).all() as ClipSummary[];
  }

  async sealedWithoutReadBack(since: number): Promise<ClipRow[]> {
    return this.db
      .prepare(
        `SELECT c.* FROM clips c
          WHERE c.file IS NOT NULL AND c.${FINISHED} AND c.started_at > ?
            AND EXISTS (SELECT 1 FROM chain k WHERE k.clip_id = c.id AND k.kind = 'clip')
            AND NOT EXISTS (SELECT 1 FROM chain k WHERE k.clip_id = c.id AND k.kind = 'continuity')
          ORDER BY c.started_at`,
      )
      .all(since) as ClipRow[];
  }

  async sidecarSources(): Promise<SealedSidecarSource[]> {
    return this.db
      .prepare(
        `SELECT c.seq, c.body, c.signature, k.file, t.response FROM chain c
           JOIN clips k ON k.id = c.clip_id AND k.${FINISHED}
           LEFT JOIN timestamps t ON t.clip_id = c.clip_id AND t.state = 'done'
         WHERE c.kind = 'clip' AND k.file IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM chain d WHERE d.clip_id = c.clip_id AND d.kind = 'deleted')`,
      )
      .all() as SealedSidecarSource[];
  }

  /**
   * Counts and mean duration per mode over a time range, answered by SQLite from the clips_started
   * index: a station's Today panel asks after every clip, and fetching the day's rows instead made
   * each answer grow with the day (500 rows, ~0.5 MB of JSON, at 500 clips).
   */
  async stats(from: number, to: number | null): Promise<ModeStats> {
    const rows = this.db
      .prepare(
        `SELECT mode, count(*) AS n, sum(CASE WHEN duration_ms > 0 THEN duration_ms END) AS timed_ms, count(CASE WHEN duration_ms > 0 THEN 1 END) AS timed
         FROM clips WHERE +${FINISHED} AND started_at >= @from AND (@to IS NULL OR started_at < @to) GROUP BY mode`,
      )
      .all({ from, to }) as { mode: string; n: number; timed_ms: number | null; timed: number }[];
    const of = (list: typeof rows) => {
      const timed = list.reduce((a, r) => a + r.timed, 0);
      return { count: list.reduce((a, r) => a + r.n, 0), avgDurationMs: timed ? Math.round(list.reduce((a, r) => a + (r.timed_ms ?? 0), 0) / timed) : null };
    };
    return { shipping: of(rows.filter((r) => r.mode === 'shipping')), returns: of(rows.filter((r) => r.mode === 'returns')), all: of(rows) };
  }

  async search(q: SearchQuery): Promise<{ rows: ClipRow[]; total: number }> {
    // '+status': the status index must not drive a search. Nearly every row is finished, so it
    // selects nothing, yet SQLite prefers it to clips_started for a date range (58 ms instead of
    // 0.3 ms for one day at 100,000 clips) and then sorts every row for ORDER BY started_at.
    const where: string[] = [`+${FINISHED}`];
    const params: Record<string, unknown> = {};
    const text = q.q.trim();
    if (text) {
      // A full code scanned or pasted from a label names one order: when clips with exactly that
      // code exist, they are the answer, straight from the clips_order index (~0.01 ms at a
      // million clips, where the trigram search below takes ~5-50 ms). Codes that merely contain it
      // are not listed then; a fragment of a code still finds every code containing it.
      if ([...text].length >= 6 && this.db.prepare(`SELECT 1 FROM clips WHERE order_code = ? AND ${FINISHED} LIMIT 1`).get(text)) {
        where.push('order_code = @exact');
        params.exact = text;
      } else if ([...text].length >= 3 && !/[\\%_]/.test(text)) {
        // Trigram FTS answers substring LIKE from its index, but only without an ESCAPE clause
        // (with one, SQLite scans the whole FTS table: ~20 ms per 100,000 clips).
        where.push(`rowid IN (SELECT rowid FROM clips_code_fts WHERE order_code LIKE @like)`);
        params.like = `%${text}%`;
      } else {
        // Short fragments, and '_' (allowed in codes) or '%' typed by the user, which must match
        // themselves and not act as wildcards: a scan, correct first.
        where.push(`order_code LIKE @like ESCAPE '\\'`);
        params.like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
    }
    if (q.from !== null) {
      where.push('started_at >= @from');
      params.from = q.from;
    }
    if (q.to !== null) {
      where.push('started_at < @to');
      params.to = q.to;
    }
    if (q.mode !== null) {
      where.push('mode = @mode');
      params.mode = q.mode;
    }
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM clips WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM clips WHERE ${clause} ORDER BY started_at DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: q.limit, offset: q.offset }) as ClipRow[];
    return { rows, total };
  }

  async queueUnstamped(now: number): Promise<number> {
    return this.db
      .prepare(
        `INSERT OR IGNORE INTO timestamps (clip_id, sha256, state, attempts, next_try_at)
         SELECT k.id, k.sha256, 'pending', 0, ? FROM clips k
         WHERE k.${FINISHED} AND k.sha256 IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM timestamps t WHERE t.clip_id = k.id)
           AND EXISTS (SELECT 1 FROM chain c WHERE c.kind = 'clip' AND c.clip_id = k.id)
         ORDER BY k.started_at`,
      )
      .run(now).changes;
  }

  async discardedOf(order: string): Promise<DiscardRow[]> {
    return this.db
      .prepare(
        `SELECT c.order_code, c.started_at, c.station, c.operator, c.mode, c.note, ch.at FROM clips c
         JOIN chain ch ON ch.clip_id = c.id AND ch.kind = 'discarded'
         WHERE c.order_code = ? AND c.status = 'discarded' ORDER BY ch.at DESC LIMIT 50`,
      )
      .all(order) as DiscardRow[];
  }

  async deletable(before: number): Promise<ClipRow[]> {
    return this.db
      .prepare(`SELECT * FROM clips WHERE ${FINISHED} AND file IS NOT NULL AND legal_hold=0 AND started_at < ? ORDER BY started_at ASC, rowid ASC`)
      .all(before) as ClipRow[];
  }

  async heldBefore(before: number): Promise<number> {
    return (this.db.prepare(`SELECT count(*) AS n FROM clips WHERE ${FINISHED} AND legal_hold=1 AND started_at < ?`).get(before) as { n: number }).n;
  }

  async kept(): Promise<{ n: number; bytes: number; held: number }> {
    return this.db
      .prepare(
        `SELECT count(*) AS n, coalesce(sum(size_bytes),0) AS bytes, coalesce(sum(legal_hold),0) AS held FROM clips WHERE ${FINISHED} AND file IS NOT NULL`,
      )
      .get() as { n: number; bytes: number; held: number };
  }

  async deletions(limit: number, clipId?: string): Promise<DeletionRow[]> {
    return (
      clipId
        ? this.db.prepare('SELECT * FROM deletions WHERE clip_id=? ORDER BY deleted_at DESC, id DESC LIMIT ?').all(clipId, limit)
        : this.db.prepare('SELECT * FROM deletions ORDER BY deleted_at DESC, id DESC LIMIT ?').all(limit)
    ) as DeletionRow[];
  }

  async recordingRate(since: number, now: number): Promise<RecordingRate> {
    // Deleted clips count: they were recorded, and the rate is what the camera writes.
    const rec = `status IN (${[...FINISHED_STATUSES, 'deleted'].map((s) => `'${s}'`).join(',')}) AND size_bytes IS NOT NULL AND coalesce(stop_reason,'') <> 'adopted'`;
    const first = (this.db.prepare(`SELECT min(started_at) AS t FROM clips WHERE ${rec}`).get() as { t: number | null }).t;
    if (first === null || first > now) return { first, bytes: 0, orders: 0 };
    const w = this.db
      .prepare(
        `SELECT coalesce(sum(size_bytes),0) AS bytes, count(DISTINCT order_code) AS orders FROM clips WHERE ${rec} AND started_at >= ? AND started_at <= ?`,
      )
      .get(since, now) as { bytes: number; orders: number };
    return { first, bytes: w.bytes, orders: w.orders };
  }

  async releasable(cutoff: number, bucketMs: number): Promise<{ due: number; buckets: { bucket: number; bytes: number }[] }> {
    // Summed in SQLite (a station may index a million clips).
    const deletable = `${FINISHED} AND file IS NOT NULL AND legal_hold=0 AND size_bytes IS NOT NULL`;
    const due = (this.db.prepare(`SELECT coalesce(sum(size_bytes),0) AS b FROM clips WHERE ${deletable} AND started_at < ?`).get(cutoff) as { b: number }).b;
    const buckets = this.db
      .prepare(
        `SELECT started_at / ${Math.trunc(bucketMs)} AS bucket, sum(size_bytes) AS bytes FROM clips WHERE ${deletable} AND started_at >= ? GROUP BY bucket ORDER BY bucket`,
      )
      .all(cutoff) as { bucket: number; bytes: number }[];
    return { due, buckets };
  }
}

/** The engine's index on its SQLite database. */
export function sqliteIndex(db: Db): EngineIndex {
  return {
    clips: new SqliteClipIndex(db),
    chain: sqliteChain(db),
    timestamps: sqliteTimestamps(db),
    exportFiles: new SqliteExportFileIndex(db),
    notes: sqliteNotes(db),
    meta: new SqliteStationMeta(db),
    hubLink: new SqliteHubLink(db),
    outbox: new SqliteOutbox(db),
  };
}

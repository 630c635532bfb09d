// Reads and writes of the clips table. Everything SQL about clips is here so the rest of the
// engine deals in ClipRow objects.
import type { ClipStopReason } from '../../shared/contract.ts';
import type { Db } from './db.ts';

export type RowStatus = 'recording' | 'ok' | 'recovered' | 'interrupted' | 'failed' | 'discarded' | 'deleted';

export interface ClipRow {
  id: string;
  order_code: string;
  station: string;
  operator: string | null;
  mode: 'shipping' | 'returns';
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  mono_ms: number | null;
  size_bytes: number | null;
  file: string | null;
  sha256: string | null;
  status: RowStatus;
  stop_reason: ClipStopReason | null;
  note: string | null;
  mime_type: string;
  partial_file: string | null;
  thumb_file: string | null;
  /** 1 while a dispute is open: retention never deletes it (migration 2). */
  legal_hold: number;
  hold_reason: string | null;
}

export interface SearchQuery {
  q: string;
  from: number | null;
  to: number | null;
  mode: 'shipping' | 'returns' | null;
  limit: number;
  offset: number;
}

const FINISHED = `status IN ('ok','recovered','interrupted')`;

export class ClipsRepo {
  readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  insertRecording(row: Pick<ClipRow, 'id' | 'order_code' | 'station' | 'operator' | 'mode' | 'started_at' | 'mime_type' | 'partial_file'>): void {
    this.db
      .prepare(
        `INSERT INTO clips (id, order_code, station, operator, mode, started_at, mime_type, partial_file, status)
         VALUES (@id, @order_code, @station, @operator, @mode, @started_at, @mime_type, @partial_file, 'recording')`,
      )
      .run(row);
  }

  finish(id: string, f: Pick<ClipRow, 'ended_at' | 'duration_ms' | 'mono_ms' | 'size_bytes' | 'file' | 'sha256' | 'status' | 'stop_reason' | 'note'>): void {
    this.db
      .prepare(
        `UPDATE clips SET ended_at=@ended_at, duration_ms=@duration_ms, mono_ms=@mono_ms, size_bytes=@size_bytes,
           file=@file, sha256=@sha256, status=@status, stop_reason=@stop_reason, note=@note, partial_file=NULL
         WHERE id=@id`,
      )
      .run({ id, ...f });
  }

  setStatus(id: string, status: RowStatus, note: string | null): void {
    this.db.prepare('UPDATE clips SET status=?, note=?, partial_file=NULL WHERE id=?').run(status, note, id);
  }

  setThumb(id: string, thumb: string): void {
    this.db.prepare('UPDATE clips SET thumb_file=? WHERE id=?').run(thumb, id);
  }

  get(id: string): ClipRow | undefined {
    return this.db.prepare('SELECT * FROM clips WHERE id=?').get(id) as ClipRow | undefined;
  }

  unfinished(): ClipRow[] {
    return this.db.prepare(`SELECT * FROM clips WHERE status='recording' ORDER BY started_at`).all() as ClipRow[];
  }

  bySha256(sha: string): ClipRow | undefined {
    return this.db.prepare(`SELECT * FROM clips WHERE sha256=? AND ${FINISHED}`).get(sha) as ClipRow | undefined;
  }

  byOrder(code: string): ClipRow[] {
    return this.db
      .prepare(`SELECT * FROM clips WHERE order_code=? AND ${FINISHED} ORDER BY started_at`)
      .all(code) as ClipRow[];
  }

  count(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM clips WHERE ${FINISHED}`).get() as { n: number }).n;
  }

  /**
   * Counts and mean duration per mode over a time range, answered by SQLite from the clips_started
   * index: a station's Today panel asks after every clip, and fetching the day's rows instead made
   * each answer grow with the day (500 rows, ~0.5 MB of JSON, at 500 clips).
   */
  stats(from: number, to: number | null): Record<'shipping' | 'returns' | 'all', { count: number; avgDurationMs: number | null }> {
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

  search(q: SearchQuery): { rows: ClipRow[]; total: number } {
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
}

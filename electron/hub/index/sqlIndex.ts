// The hub index's queries, written once for both databases. A dialect adapter runs them: SQL uses
// `?` placeholders (PostgreSQL's adapter numbers them), and the few differences (LIKE vs ILIKE)
// are asked of the adapter. Inserts are `ON CONFLICT DO NOTHING` followed by a look at the row
// that is there, so two hub processes writing the same clip at once cannot both "insert" it and a
// different SHA-256 for a held clip id is always refused.
import {
  type ClipQuery,
  type HubChainEntry,
  type HubChainHole,
  type HubClip,
  type HubIndex,
  type HubIndexStats,
  type HubRefusal,
  type HubStation,
  type InsertOutcome,
  IndexConflictError,
  type HubChainSummary,
  type HubHoldRow,
  type HubUpload,
  type HubLostClip,
} from './types.ts';

export interface SqlDialect {
  readonly kind: 'sqlite' | 'postgres';
  /** Case-insensitive LIKE with `\` as escape character. */
  readonly ilike: string;
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params: unknown[]): Promise<number>;
  /** INSERT … RETURNING id (SQLite ≥ 3.35 and PostgreSQL both have RETURNING). */
  insertReturningId(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The columns toClip reads (hub_clips c joined with hub_stations s). */
export const CLIP_COLUMNS = `c.id, c.station, s.name AS station_name, c.clip_id, c.order_code, c.mode, c.operator,
  c.started_at, c.ended_at, c.duration_ms, c.size_bytes, c.sha256, c.status, c.stop_reason, c.note, c.published_at`;

export function toClip(r: Record<string, unknown>): HubClip {
  return {
    station: String(r.station),
    stationName: String(r.station_name),
    clipId: String(r.clip_id),
    order: String(r.order_code),
    mode: String(r.mode),
    operator: strOrNull(r.operator),
    startedAt: num(r.started_at),
    endedAt: num(r.ended_at),
    durationMs: num(r.duration_ms),
    sizeBytes: num(r.size_bytes),
    sha256: String(r.sha256),
    status: String(r.status),
    stopReason: strOrNull(r.stop_reason),
    note: strOrNull(r.note),
    publishedAt: num(r.published_at),
    rowId: num(r.id),
  };
}

function toStation(r: Record<string, unknown>): HubStation {
  return { fingerprint: String(r.fingerprint), name: String(r.name), publicKeyPem: String(r.public_key_pem), enrolledAt: num(r.enrolled_at) };
}

function toUpload(r: Record<string, unknown>): HubUpload {
  return { sha256: String(r.sha256), station: String(r.station), size: num(r.size), uploadId: String(r.upload_id), startedAt: num(r.started_at) };
}

function toEntry(r: Record<string, unknown>): HubChainEntry {
  return {
    station: String(r.station),
    seq: num(r.seq),
    prev: String(r.prev),
    hash: String(r.hash),
    signature: String(r.signature),
    kind: String(r.kind),
    at: num(r.at),
    clipId: strOrNull(r.clip_id),
    body: String(r.body),
  };
}

function toHole(r: Record<string, unknown>): HubChainHole {
  return {
    station: String(r.station),
    fromSeq: num(r.from_seq),
    toSeq: num(r.to_seq),
    fromTime: numOrNull(r.from_time),
    toTime: numOrNull(r.to_time),
    reason: String(r.reason),
    detectedAt: num(r.detected_at),
  };
}

/**
 * The WHERE terms of a clip query (exact and partial code, station, operator, mode, time, next page),
 * one definition for the index's own search and the console's status-filtered find.
 */
export function clipQueryTerms(db: Pick<SqlDialect, 'kind' | 'ilike'>, q: ClipQuery, where: string[], params: unknown[]): void {
  if (q.order !== undefined) {
    where.push('c.order_code = ?');
    params.push(q.order);
  }
  if (q.orderContains) {
    // SQLite: the trigram index (migration 4) finds the candidate rows for 3 or more characters;
    // the LIKE keeps the exact rule (any case, % and _ literal). PostgreSQL's pg_trgm index
    // serves the ILIKE itself.
    if (db.kind === 'sqlite' && [...q.orderContains].length >= 3) {
      where.push('c.id IN (SELECT rowid FROM hub_clips_code_fts WHERE hub_clips_code_fts MATCH ?)');
      params.push(`"${q.orderContains.replace(/"/g, '""')}"`);
    }
    where.push(`c.order_code ${db.ilike} ? ESCAPE '\\'`);
    params.push(`%${likeEscape(q.orderContains)}%`);
  }
  if (q.station !== undefined) {
    where.push('c.station IN (SELECT fingerprint FROM hub_stations WHERE fingerprint = ? OR name = ?)');
    params.push(q.station, q.station);
  }
  if (q.operator !== undefined) {
    where.push('c.operator = ?');
    params.push(q.operator);
  }
  if (q.mode !== undefined) {
    where.push('c.mode = ?');
    params.push(q.mode);
  }
  if (q.from !== undefined) {
    where.push('c.started_at >= ?');
    params.push(q.from);
  }
  if (q.to !== undefined) {
    where.push('c.started_at < ?');
    params.push(q.to);
  }
  if (q.before) {
    where.push('(c.started_at < ? OR (c.started_at = ? AND c.id < ?))');
    params.push(q.before.startedAt, q.before.startedAt, q.before.rowId);
  }
}

const FORGET_EVERY_MS = 60_000;

export class SqlHubIndex implements HubIndex {
  readonly kind: 'sqlite' | 'postgres';
  protected readonly db: SqlDialect;
  /** The `forgetBefore` of the last purge of old request signatures (rememberRequest). */
  private forgotBefore = -Infinity;
  constructor(db: SqlDialect) {
    this.db = db;
    this.kind = db.kind;
  }

  /** The same connection for the console's tables (electron/hub/auth, electron/hub/console). */
  sqlDialect(): SqlDialect {
    return this.db;
  }

  async upsertStation(s: HubStation): Promise<HubStation> {
    await this.db.run(
      `INSERT INTO hub_stations (fingerprint, name, public_key_pem, enrolled_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name`,
      [s.fingerprint, s.name, s.publicKeyPem, s.enrolledAt],
    );
    return (await this.getStation(s.fingerprint))!;
  }

  async getStation(fingerprintOrName: string): Promise<HubStation | null> {
    const rows = await this.db.all(`SELECT * FROM hub_stations WHERE fingerprint = ? OR name = ? ORDER BY (fingerprint = ?) DESC, enrolled_at LIMIT 1`, [
      fingerprintOrName,
      fingerprintOrName,
      fingerprintOrName,
    ]);
    return rows[0] ? toStation(rows[0]) : null;
  }

  async listStations(): Promise<HubStation[]> {
    return (await this.db.all('SELECT * FROM hub_stations ORDER BY name, fingerprint', [])).map(toStation);
  }

  async addClip(c: HubClip): Promise<InsertOutcome> {
    const changed = await this.db.run(
      `INSERT INTO hub_clips (station, clip_id, order_code, mode, operator, started_at, ended_at, duration_ms, size_bytes,
         sha256, status, stop_reason, note, published_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (station, clip_id) DO NOTHING`,
      [
        c.station,
        c.clipId,
        c.order,
        c.mode,
        c.operator,
        c.startedAt,
        c.endedAt,
        c.durationMs,
        c.sizeBytes,
        c.sha256,
        c.status,
        c.stopReason,
        c.note,
        c.publishedAt,
      ],
    );
    if (changed === 1) return 'inserted';
    const held = await this.getClip(c.station, c.clipId);
    if (held && held.sha256 === c.sha256) return 'duplicate';
    throw new IndexConflictError(`clip ${c.clipId} of station ${c.station} is held with SHA-256 ${held?.sha256 ?? '?'}; refused a different one (${c.sha256})`);
  }

  async getClip(station: string, clipId: string): Promise<HubClip | null> {
    const rows = await this.db.all(
      `SELECT ${CLIP_COLUMNS} FROM hub_clips c JOIN hub_stations s ON s.fingerprint = c.station WHERE c.station = ? AND c.clip_id = ?`,
      [station, clipId],
    );
    return rows[0] ? toClip(rows[0]) : null;
  }

  async clipsBySha256(sha256: string): Promise<HubClip[]> {
    return (
      await this.db.all(`SELECT ${CLIP_COLUMNS} FROM hub_clips c JOIN hub_stations s ON s.fingerprint = c.station WHERE c.sha256 = ? ORDER BY c.id`, [sha256])
    ).map(toClip);
  }

  async findClips(q: ClipQuery): Promise<HubClip[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    clipQueryTerms(this.db, q, where, params);
    const limit = Math.max(1, Math.min(1000, Math.floor(q.limit ?? 100)));
    const sql = `SELECT ${CLIP_COLUMNS} FROM hub_clips c JOIN hub_stations s ON s.fingerprint = c.station
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.started_at DESC, c.id DESC LIMIT ${limit}`;
    return (await this.db.all(sql, params)).map(toClip);
  }

  async addChainEntry(e: HubChainEntry): Promise<InsertOutcome> {
    const changed = await this.db.run(
      `INSERT INTO hub_chain (station, seq, prev, hash, signature, kind, at, clip_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (station, seq) DO NOTHING`,
      [e.station, e.seq, e.prev, e.hash, e.signature, e.kind, e.at, e.clipId, e.body],
    );
    if (changed === 1) return 'inserted';
    const rows = await this.db.all('SELECT hash FROM hub_chain WHERE station = ? AND seq = ?', [e.station, e.seq]);
    if (rows[0] && String(rows[0].hash) === e.hash) return 'duplicate';
    throw new IndexConflictError(
      `entry ${e.seq} of station ${e.station} is held with hash ${rows[0] ? String(rows[0].hash) : '?'}; refused a different one (${e.hash})`,
    );
  }

  async chainHead(station: string): Promise<{ seq: number; hash: string } | null> {
    const rows = await this.db.all('SELECT seq, hash FROM hub_chain WHERE station = ? ORDER BY seq DESC LIMIT 1', [station]);
    return rows[0] ? { seq: num(rows[0].seq), hash: String(rows[0].hash) } : null;
  }

  async listChain(station: string, opts: { fromSeq?: number; limit?: number } = {}): Promise<HubChainEntry[]> {
    const limit = Math.max(1, Math.min(10_000, Math.floor(opts.limit ?? 1000)));
    return (await this.db.all(`SELECT * FROM hub_chain WHERE station = ? AND seq >= ? ORDER BY seq LIMIT ${limit}`, [station, opts.fromSeq ?? 1])).map(toEntry);
  }

  async findChainGaps(station: string): Promise<Omit<HubChainHole, 'reason' | 'detectedAt'>[]> {
    // Each held entry with its predecessor among the held ones: a jump of more than 1 is a hole.
    const rows = await this.db.all(
      `SELECT seq, at, prev_seq, prev_at FROM (
         SELECT seq, at, LAG(seq) OVER (ORDER BY seq) AS prev_seq, LAG(at) OVER (ORDER BY seq) AS prev_at
         FROM hub_chain WHERE station = ?) t
       WHERE (prev_seq IS NULL AND seq > 1) OR seq - prev_seq > 1 ORDER BY seq`,
      [station],
    );
    return rows.map((r) => ({
      station,
      fromSeq: r.prev_seq === null || r.prev_seq === undefined ? 1 : num(r.prev_seq) + 1,
      toSeq: num(r.seq) - 1,
      fromTime: numOrNull(r.prev_at),
      toTime: num(r.at),
    }));
  }

  async findLostClips(station?: string): Promise<HubLostClip[]> {
    // A sealed clip (its `clip` entry is held) that the station deleted or discarded (that entry is
    // held too) and the hub never indexed: it will never arrive.
    const rows = await this.db.all(
      `SELECT d.station, d.seq, d.at, d.kind, d.clip_id, d.body, c.seq AS clip_seq, c.at AS clip_at, c.body AS clip_body
       FROM hub_chain d JOIN hub_chain c ON c.station = d.station AND c.clip_id = d.clip_id AND c.kind = 'clip'
       WHERE d.kind IN ('deleted', 'discarded') ${station === undefined ? '' : 'AND d.station = ?'}
         AND NOT EXISTS (SELECT 1 FROM hub_clips h WHERE h.station = d.station AND h.clip_id = d.clip_id)
       ORDER BY d.station, d.seq`,
      station === undefined ? [] : [station],
    );
    const parse = (b: unknown): Record<string, unknown> => {
      try {
        const v = JSON.parse(String(b)) as unknown;
        return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
      } catch {
        return {};
      }
    };
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
    const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    return rows.map((r) => {
      const sealed = parse(r.clip_body);
      const gone = parse(r.body);
      const orders = Array.isArray(sealed.orders) ? sealed.orders : [];
      return {
        station: String(r.station),
        clipId: String(r.clip_id),
        order: str(orders[0]),
        sha256: str(sealed.sha256),
        startedAt: n(sealed.startedAt),
        endedAt: n(sealed.endedAt),
        sealedSeq: num(r.clip_seq),
        sealedAt: num(r.clip_at),
        kind: String(r.kind) === 'discarded' ? 'discarded' : 'deleted',
        goneSeq: num(r.seq),
        goneAt: num(r.at),
        who: str(gone.who),
        why: str(gone.why),
      };
    });
  }

  async addHole(h: HubChainHole): Promise<InsertOutcome> {
    const changed = await this.db.run(
      `INSERT INTO hub_holes (station, from_seq, to_seq, from_time, to_time, reason, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (station, from_seq, to_seq) DO NOTHING`,
      [h.station, h.fromSeq, h.toSeq, h.fromTime, h.toTime, h.reason, h.detectedAt],
    );
    return changed === 1 ? 'inserted' : 'duplicate';
  }

  async listHoles(station?: string): Promise<HubChainHole[]> {
    const rows =
      station === undefined
        ? await this.db.all('SELECT * FROM hub_holes ORDER BY station, from_seq', [])
        : await this.db.all('SELECT * FROM hub_holes WHERE station = ? ORDER BY from_seq', [station]);
    return rows.map(toHole);
  }

  async addRefusal(r: HubRefusal): Promise<number> {
    return this.db.insertReturningId('INSERT INTO hub_refused (station, clip_id, sha256, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id', [
      r.station,
      r.clipId,
      r.sha256,
      r.reason,
      r.detail,
      r.at,
    ]);
  }

  async listRefusals(opts: { station?: string; limit?: number } = {}): Promise<HubRefusal[]> {
    const limit = Math.max(1, Math.min(1000, Math.floor(opts.limit ?? 100)));
    const rows =
      opts.station === undefined
        ? await this.db.all(`SELECT * FROM hub_refused ORDER BY at DESC, id DESC LIMIT ${limit}`, [])
        : await this.db.all(`SELECT * FROM hub_refused WHERE station = ? ORDER BY at DESC, id DESC LIMIT ${limit}`, [opts.station]);
    return rows.map((r) => ({
      id: num(r.id),
      station: strOrNull(r.station),
      clipId: strOrNull(r.clip_id),
      sha256: strOrNull(r.sha256),
      reason: String(r.reason),
      detail: String(r.detail),
      at: num(r.at),
    }));
  }

  async stats(): Promise<HubIndexStats> {
    const rows = await this.db.all(
      `SELECT (SELECT COUNT(*) FROM hub_stations) AS stations, (SELECT COUNT(*) FROM hub_clips) AS clips,
         (SELECT COUNT(*) FROM hub_chain) AS chain, (SELECT COUNT(*) FROM hub_holes) AS holes,
         (SELECT COUNT(*) FROM hub_refused) AS refused`,
      [],
    );
    const r = rows[0]!;
    return { stations: num(r.stations), clips: num(r.clips), chainEntries: num(r.chain), holes: num(r.holes), refused: num(r.refused) };
  }

  async addEnrollCode(codeHash: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.db.run('INSERT INTO hub_enroll_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)', [codeHash, createdAt, expiresAt]);
  }

  async useEnrollCode(codeHash: string, now: number, usedBy: string): Promise<boolean> {
    // One UPDATE: of two hubs using the same code at once, exactly one changes the row.
    const changed = await this.db.run('UPDATE hub_enroll_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?', [
      now,
      usedBy,
      codeHash,
      now,
    ]);
    return changed === 1;
  }

  async rememberRequest(signatureHash: string, at: number, forgetBefore: number): Promise<boolean> {
    // The old signatures go at most once a minute per process, not with every request: a row kept
    // a little longer costs nothing, a DELETE per request is a round trip per request.
    if (forgetBefore >= this.forgotBefore + FORGET_EVERY_MS || forgetBefore < this.forgotBefore) {
      await this.db.run('DELETE FROM hub_seen_requests WHERE at < ?', [forgetBefore]);
      this.forgotBefore = forgetBefore;
    }
    const changed = await this.db.run('INSERT INTO hub_seen_requests (signature_hash, at) VALUES (?, ?) ON CONFLICT (signature_hash) DO NOTHING', [
      signatureHash,
      at,
    ]);
    return changed === 1;
  }

  async requestSeen(signatureHash: string): Promise<boolean> {
    return (await this.db.all('SELECT 1 AS seen FROM hub_seen_requests WHERE signature_hash = ?', [signatureHash])).length > 0;
  }

  async uploadForRequest(sha256: string, signatureHash: string): Promise<{ upload: HubUpload | null; seen: boolean }> {
    const r = (
      await this.db.all(
        `SELECT u.*, EXISTS (SELECT 1 FROM hub_seen_requests WHERE signature_hash = ?) AS seen
         FROM (SELECT 1 AS one) x LEFT JOIN hub_uploads u ON u.sha256 = ?`,
        [signatureHash, sha256],
      )
    )[0]!;
    return { upload: r.sha256 == null ? null : toUpload(r), seen: r.seen === true || Number(r.seen) === 1 };
  }

  async putUpload(u: HubUpload): Promise<void> {
    await this.db.run(
      `INSERT INTO hub_uploads (sha256, station, size, upload_id, started_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sha256) DO UPDATE SET station = excluded.station, size = excluded.size, upload_id = excluded.upload_id`,
      [u.sha256, u.station, u.size, u.uploadId, u.startedAt],
    );
  }

  async getUpload(sha256: string): Promise<HubUpload | null> {
    const r = (await this.db.all('SELECT * FROM hub_uploads WHERE sha256 = ?', [sha256]))[0];
    return r ? toUpload(r) : null;
  }

  async dropUpload(sha256: string): Promise<void> {
    await this.db.run('DELETE FROM hub_uploads WHERE sha256 = ?', [sha256]);
  }

  async listUploads(): Promise<HubUpload[]> {
    return (await this.db.all('SELECT * FROM hub_uploads ORDER BY started_at', [])).map(toUpload);
  }

  async addHold(h: HubHoldRow): Promise<void> {
    await this.db.run('INSERT INTO hub_holds (station, clip_id, sha256, held, reason, at, by_whom) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      h.station,
      h.clipId,
      h.sha256,
      this.kind === 'sqlite' ? (h.held ? 1 : 0) : h.held,
      h.reason,
      h.at,
      h.by,
    ]);
  }

  async listHolds(station: string, since: number): Promise<HubHoldRow[]> {
    return (await this.db.all('SELECT * FROM hub_holds WHERE station = ? AND at >= ? ORDER BY at, id', [station, since])).map((r) => ({
      station: String(r.station),
      clipId: String(r.clip_id),
      sha256: String(r.sha256),
      held: r.held === true || num(r.held) === 1,
      reason: strOrNull(r.reason),
      at: num(r.at),
      by: strOrNull(r.by_whom),
    }));
  }

  async chainSummary(station: string): Promise<HubChainSummary> {
    const rows = await this.db.all(
      `SELECT (SELECT COUNT(*) FROM hub_chain WHERE station = ?) AS entries,
         (SELECT MAX(seq) FROM hub_chain WHERE station = ?) AS newest_seq,
         (SELECT MAX(at) FROM hub_chain WHERE station = ?) AS newest_at,
         (SELECT MAX(seq) FROM hub_chain WHERE station = ? AND kind = 'anchor') AS anchor_seq`,
      [station, station, station, station],
    );
    const r = rows[0]!;
    const anchorSeq = numOrNull(r.anchor_seq);
    let anchorAt: number | null = null;
    if (anchorSeq !== null) {
      const a = await this.db.all('SELECT at FROM hub_chain WHERE station = ? AND seq = ?', [station, anchorSeq]);
      anchorAt = a[0] ? num(a[0].at) : null;
    }
    return { entries: num(r.entries), newestSeq: numOrNull(r.newest_seq), newestAt: numOrNull(r.newest_at), anchorSeq, anchorAt };
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

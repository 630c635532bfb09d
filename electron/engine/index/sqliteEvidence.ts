// The chain, timestamp jobs, exported files and per-clip notes on the station's embedded SQLite
// database: every SQL statement about them is here. The statements run synchronously, as
// better-sqlite3 does; the async seams of types.ts are these answered as promises (sqliteChain,
// sqliteTimestamps, sqliteNotes), so the engine reads them as it would read a server database.
// Code that works inside one SQLite transaction (a test of what the index writes with an entry)
// uses the synchronous classes directly. The station's own facts (SqliteStationMeta) stay
// synchronous (types.ts says why).
import type { Db } from '../db.ts';
import type { ChainHead, ChainIndex, ChainRow, ClipNotesIndex, ExportFileIndex, StampedBy, StationMetaIndex, TimestampIndex, TimestampRow } from './types.ts';

/** A seam's methods answered at once, as better-sqlite3 answers: what the synchronous classes implement. */
export type AtOnce<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K] };

/** The chain's statements on SQLite, synchronous; the engine reads them through `sqliteChain` (ChainIndex). */
export class SqliteChainIndex implements AtOnce<ChainIndex> {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  head(): ChainHead | undefined {
    return this.db.prepare('SELECT seq, entry_hash FROM chain ORDER BY seq DESC LIMIT 1').get() as ChainHead | undefined;
  }

  private insert(row: ChainRow): void {
    this.db
      .prepare(
        'INSERT INTO chain (seq, kind, clip_id, at, body, prev_hash, entry_hash, signature) VALUES (@seq, @kind, @clip_id, @at, @body, @prev_hash, @entry_hash, @signature)',
      )
      .run(row);
  }

  append(make: (head: ChainHead | undefined) => ChainRow): ChainRow {
    // BEGIN IMMEDIATE: a second process (the CLI while the app runs) waits for the write lock.
    return this.db
      .transaction((): ChainRow => {
        const row = make(this.head());
        this.insert(row);
        return row;
      })
      .immediate();
  }

  appendIfEmpty(make: () => ChainRow): void {
    // Checked inside the write lock: two processes opening a new station make one genesis, not two.
    this.db
      .transaction(() => {
        if (this.count() === 0) this.insert(make());
      })
      .immediate();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM chain').get() as { n: number }).n;
  }

  all(): ChainRow[] {
    return this.db.prepare('SELECT * FROM chain ORDER BY seq').all() as ChainRow[];
  }

  get(seq: number): ChainRow | undefined {
    return this.db.prepare('SELECT * FROM chain WHERE seq=?').get(seq) as ChainRow | undefined;
  }

  page(afterSeq: number, limit: number): ChainRow[] {
    return this.db.prepare('SELECT * FROM chain WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as ChainRow[];
  }

  range(from: number, to: number): ChainRow[] {
    return this.db.prepare('SELECT * FROM chain WHERE seq BETWEEN ? AND ? ORDER BY seq').all(from, to) as ChainRow[];
  }

  newestOfClip(clipId: string, kind: 'clip' | 'continuity'): ChainRow | undefined {
    return this.db.prepare(`SELECT * FROM chain WHERE clip_id=? AND kind=? ORDER BY seq DESC LIMIT 1`).get(clipId, kind) as ChainRow | undefined;
  }

  byHash(entryHash: string): ChainRow | undefined {
    return this.db.prepare('SELECT * FROM chain WHERE entry_hash=? ORDER BY seq LIMIT 1').get(entryHash) as ChainRow | undefined;
  }

  entriesOf(clipId: string): ChainRow[] {
    return this.db.prepare('SELECT * FROM chain WHERE clip_id=? ORDER BY seq').all(clipId) as ChainRow[];
  }

  clipEntriesBySha(sha: string): ChainRow[] {
    return this.db
      .prepare(`SELECT * FROM chain WHERE kind='clip' AND json_valid(body) AND json_extract(body, '$.sha256')=? ORDER BY seq`)
      .all(sha.toLowerCase()) as ChainRow[];
  }

  clipEntryByBody(body: string): ChainRow | undefined {
    return this.db.prepare(`SELECT * FROM chain WHERE kind='clip' AND body=?`).get(body) as ChainRow | undefined;
  }

  clipEntryByFile(name: string): ChainRow | undefined {
    return this.db
      .prepare(`SELECT * FROM chain WHERE kind='clip' AND json_valid(body) AND json_extract(body, '$.file')=? ORDER BY seq DESC LIMIT 1`)
      .get(name) as ChainRow | undefined;
  }

  countNonAnchorsAfter(seq: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM chain WHERE seq > ? AND kind <> 'anchor'`).get(seq) as { n: number }).n;
  }

  anchorCovering(seq: number): Pick<ChainRow, 'seq' | 'body'> | undefined {
    return this.db
      .prepare(
        `SELECT seq, body FROM chain WHERE kind='anchor' AND json_valid(body) AND json_extract(body, '$.head') >= ? ORDER BY json_extract(body, '$.head'), seq LIMIT 1`,
      )
      .get(seq) as Pick<ChainRow, 'seq' | 'body'> | undefined;
  }

  exportsBetween(afterSeq: number, upTo: number): ChainRow[] {
    return this.db.prepare(`SELECT * FROM chain WHERE kind='export' AND seq > ? AND seq <= ? ORDER BY seq`).all(afterSeq, upTo) as ChainRow[];
  }
}

/**
 * The chain seam on the embedded SQLite: each call runs its statement at once (an append inside
 * its immediate transaction, the builder included) and answers with a settled promise.
 */
class SqliteChain implements ChainIndex {
  private readonly s: SqliteChainIndex;
  constructor(db: Db) {
    this.s = new SqliteChainIndex(db);
  }
  async head(): Promise<ChainHead | undefined> {
    return this.s.head();
  }
  async append(make: (head: ChainHead | undefined) => ChainRow): Promise<ChainRow> {
    return this.s.append(make);
  }
  async appendIfEmpty(make: () => ChainRow): Promise<void> {
    this.s.appendIfEmpty(make);
  }
  async count(): Promise<number> {
    return this.s.count();
  }
  async all(): Promise<ChainRow[]> {
    return this.s.all();
  }
  async get(seq: number): Promise<ChainRow | undefined> {
    return this.s.get(seq);
  }
  async page(afterSeq: number, limit: number): Promise<ChainRow[]> {
    return this.s.page(afterSeq, limit);
  }
  async range(from: number, to: number): Promise<ChainRow[]> {
    return this.s.range(from, to);
  }
  async newestOfClip(clipId: string, kind: 'clip' | 'continuity'): Promise<ChainRow | undefined> {
    return this.s.newestOfClip(clipId, kind);
  }
  async byHash(entryHash: string): Promise<ChainRow | undefined> {
    return this.s.byHash(entryHash);
  }
  async entriesOf(clipId: string): Promise<ChainRow[]> {
    return this.s.entriesOf(clipId);
  }
  async clipEntriesBySha(sha: string): Promise<ChainRow[]> {
    return this.s.clipEntriesBySha(sha);
  }
  async clipEntryByBody(body: string): Promise<ChainRow | undefined> {
    return this.s.clipEntryByBody(body);
  }
  async clipEntryByFile(name: string): Promise<ChainRow | undefined> {
    return this.s.clipEntryByFile(name);
  }
  async countNonAnchorsAfter(seq: number): Promise<number> {
    return this.s.countNonAnchorsAfter(seq);
  }
  async anchorCovering(seq: number): Promise<Pick<ChainRow, 'seq' | 'body'> | undefined> {
    return this.s.anchorCovering(seq);
  }
  async exportsBetween(afterSeq: number, upTo: number): Promise<ChainRow[]> {
    return this.s.exportsBetween(afterSeq, upTo);
  }
}

/** The station's chain as the engine reads it (ChainIndex), on its embedded SQLite. */
export function sqliteChain(db: Db): ChainIndex {
  return new SqliteChain(db);
}

// An id made of a prefix and a number (anchor jobs: `anchor:<seq>`): the number, as SQLite reads it.
const numberAfter = (prefix: string): string => `CAST(substr(clip_id, ${prefix.length + 1}) AS INTEGER)`;
// The prefix goes into LIKE as it is: the ids the engine numbers never hold '%' or '_'.
const likePrefix = (prefix: string): string => `clip_id LIKE '${prefix.replace(/'/g, "''")}%'`;

/** The timestamp jobs' statements on SQLite, synchronous; the engine reads them through `sqliteTimestamps` (TimestampIndex). */
export class SqliteTimestampIndex implements AtOnce<TimestampIndex> {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  enqueue(clipId: string, sha256: string, dueAt: number): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO timestamps (clip_id, sha256, state, attempts, next_try_at) VALUES (?, ?, 'pending', 0, ?)`)
      .run(clipId, sha256, dueAt);
  }

  forgetPending(clipId: string): void {
    this.db.prepare(`DELETE FROM timestamps WHERE clip_id=? AND state='pending'`).run(clipId);
  }

  get(clipId: string): TimestampRow | undefined {
    return this.db.prepare('SELECT * FROM timestamps WHERE clip_id=?').get(clipId) as TimestampRow | undefined;
  }

  pendingCount(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM timestamps WHERE state='pending'`).get() as { n: number }).n;
  }

  nextDue(): number | null {
    return (this.db.prepare(`SELECT min(next_try_at) AS t FROM timestamps WHERE state='pending'`).get() as { t: number | null }).t;
  }

  due(now: number, limit: number): TimestampRow[] {
    return this.db
      .prepare(`SELECT * FROM timestamps WHERE state='pending' AND next_try_at <= ? ORDER BY next_try_at LIMIT ?`)
      .all(now, limit) as TimestampRow[];
  }

  markDone(clipId: string, by: StampedBy): void {
    this.db
      .prepare(`UPDATE timestamps SET state='done', attempts=attempts+1, last_error=NULL, tsa_url=?, tsa_name=?, tsa_time=?, response=? WHERE clip_id=?`)
      .run(by.url, by.name, by.time, by.response, clipId);
  }

  markFailed(clipId: string, error: string, nextTryAt: number): void {
    this.db.prepare(`UPDATE timestamps SET attempts=attempts+1, last_error=?, next_try_at=? WHERE clip_id=?`).run(error, nextTryAt, clipId);
  }

  postponeAll(at: number): void {
    this.db.prepare(`UPDATE timestamps SET next_try_at=max(next_try_at, ?) WHERE state='pending'`).run(at);
  }

  highestNumbered(prefix: string): number {
    return (this.db.prepare(`SELECT max(${numberAfter(prefix)}) AS s FROM timestamps WHERE ${likePrefix(prefix)}`).get() as { s: number | null }).s ?? 0;
  }

  dropPendingNumbered(prefix: string, upTo?: number): void {
    if (upTo === undefined) this.db.prepare(`DELETE FROM timestamps WHERE ${likePrefix(prefix)} AND state='pending'`).run();
    else this.db.prepare(`DELETE FROM timestamps WHERE ${likePrefix(prefix)} AND state='pending' AND ${numberAfter(prefix)} <= ?`).run(upTo);
  }

  putDone(clipId: string, sha256: string, by: StampedBy): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO timestamps (clip_id, sha256, state, attempts, next_try_at, last_error, tsa_url, tsa_name, tsa_time, response) VALUES (?, ?, 'done', 1, 0, NULL, ?, ?, ?, ?)`,
      )
      .run(clipId, sha256, by.url, by.name, by.time, by.response);
  }
}

/** The timestamp seam on the embedded SQLite: each statement runs at once, answered as a settled promise. */
class SqliteTimestamps implements TimestampIndex {
  private readonly s: SqliteTimestampIndex;
  constructor(db: Db) {
    this.s = new SqliteTimestampIndex(db);
  }
  async enqueue(clipId: string, sha256: string, dueAt: number): Promise<void> {
    this.s.enqueue(clipId, sha256, dueAt);
  }
  async forgetPending(clipId: string): Promise<void> {
    this.s.forgetPending(clipId);
  }
  async get(clipId: string): Promise<TimestampRow | undefined> {
    return this.s.get(clipId);
  }
  async pendingCount(): Promise<number> {
    return this.s.pendingCount();
  }
  async nextDue(): Promise<number | null> {
    return this.s.nextDue();
  }
  async due(now: number, limit: number): Promise<TimestampRow[]> {
    return this.s.due(now, limit);
  }
  async markDone(clipId: string, by: StampedBy): Promise<void> {
    this.s.markDone(clipId, by);
  }
  async markFailed(clipId: string, error: string, nextTryAt: number): Promise<void> {
    this.s.markFailed(clipId, error, nextTryAt);
  }
  async postponeAll(at: number): Promise<void> {
    this.s.postponeAll(at);
  }
  async highestNumbered(prefix: string): Promise<number> {
    return this.s.highestNumbered(prefix);
  }
  async dropPendingNumbered(prefix: string, upTo?: number): Promise<void> {
    this.s.dropPendingNumbered(prefix, upTo);
  }
  async putDone(clipId: string, sha256: string, by: StampedBy): Promise<void> {
    this.s.putDone(clipId, sha256, by);
  }
}

/** The station's timestamp jobs as the engine reads them (TimestampIndex), on its embedded SQLite. */
export function sqliteTimestamps(db: Db): TimestampIndex {
  return new SqliteTimestamps(db);
}

const ready = new WeakSet<Db>();

export class SqliteExportFileIndex implements ExportFileIndex {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
    // Its own tables, made at first use: an index of the chain, rebuilt from it when lost.
    if (ready.has(db)) return;
    db.exec(`
      CREATE TABLE IF NOT EXISTS export_files (sha256 TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (sha256, seq, name));
      CREATE INDEX IF NOT EXISTS export_files_name ON export_files (name, seq);
      CREATE TABLE IF NOT EXISTS export_files_upto (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL);
    `);
    ready.add(db);
  }

  async upTo(): Promise<number> {
    return (this.db.prepare('SELECT seq FROM export_files_upto WHERE one=1').get() as { seq: number } | undefined)?.seq ?? 0;
  }

  async add(files: { sha256: string; seq: number; name: string }[], upTo: number): Promise<void> {
    this.db.transaction(() => {
      const insert = this.db.prepare('INSERT OR IGNORE INTO export_files (sha256, seq, name) VALUES (?, ?, ?)');
      for (const f of files) insert.run(f.sha256, f.seq, f.name);
      this.db.prepare('INSERT INTO export_files_upto (one, seq) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET seq=excluded.seq').run(upTo);
    })();
  }

  async find(by: 'sha256' | 'name', value: string): Promise<{ seq: number; name: string }[]> {
    const column = by === 'sha256' ? 'sha256' : 'name';
    return this.db.prepare(`SELECT DISTINCT seq, name FROM export_files WHERE ${column}=? ORDER BY seq DESC LIMIT 20`).all(value) as {
      seq: number;
      name: string;
    }[];
  }
}

const INCIDENT_DAYS = 3;

/** The per-clip notes' statements on SQLite, synchronous; the engine reads them through `sqliteNotes` (ClipNotesIndex). */
export class SqliteClipNotesIndex implements AtOnce<ClipNotesIndex> {
  private readonly db: Db;
  // Their own tables, created when first written, so they stay independent of the numbered migrations.
  private labelsReady = false;
  private incidentsReady = false;

  constructor(db: Db) {
    this.db = db;
  }

  setLabels(clipId: string, body: string): void {
    if (!this.labelsReady) {
      this.db.exec('CREATE TABLE IF NOT EXISTS clip_labels (clip_id TEXT PRIMARY KEY, body TEXT NOT NULL)');
      this.labelsReady = true;
    }
    this.db.prepare('INSERT OR REPLACE INTO clip_labels (clip_id, body) VALUES (?, ?)').run(clipId, body);
  }

  labels(clipId: string): string | null {
    try {
      return (this.db.prepare('SELECT body FROM clip_labels WHERE clip_id=?').get(clipId) as { body: string } | undefined)?.body ?? null;
    } catch {
      return null; // no label was ever stored on this station: the table does not exist yet
    }
  }

  setIncidents(recordingId: string, at: number, body: string): void {
    if (!this.incidentsReady) {
      this.db.exec('CREATE TABLE IF NOT EXISTS page_incidents (recording_id TEXT PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)');
      this.db.prepare('DELETE FROM page_incidents WHERE at < ?').run(at - INCIDENT_DAYS * 86_400_000);
      this.incidentsReady = true;
    }
    this.db.prepare('INSERT OR REPLACE INTO page_incidents (recording_id, at, body) VALUES (?, ?, ?)').run(recordingId, at, body);
  }

  incidents(recordingId: string): string | null {
    try {
      return (this.db.prepare('SELECT body FROM page_incidents WHERE recording_id=?').get(recordingId) as { body: string } | undefined)?.body ?? null;
    } catch {
      return null; // no page ever reported an incident on this station: the table does not exist yet
    }
  }
}

/** The per-clip notes seam on the embedded SQLite: each statement runs at once, answered as a settled promise. */
class SqliteNotes implements ClipNotesIndex {
  private readonly s: SqliteClipNotesIndex;
  constructor(db: Db) {
    this.s = new SqliteClipNotesIndex(db);
  }
  async setLabels(clipId: string, body: string): Promise<void> {
    this.s.setLabels(clipId, body);
  }
  async labels(clipId: string): Promise<string | null> {
    return this.s.labels(clipId);
  }
  async setIncidents(recordingId: string, at: number, body: string): Promise<void> {
    this.s.setIncidents(recordingId, at, body);
  }
  async incidents(recordingId: string): Promise<string | null> {
    return this.s.incidents(recordingId);
  }
}

/** The station's per-clip notes as the engine reads them (ClipNotesIndex), on its embedded SQLite. */
export function sqliteNotes(db: Db): ClipNotesIndex {
  return new SqliteNotes(db);
}

export class SqliteStationMeta implements StationMetaIndex {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  get(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM station_meta WHERE key=?').get(key) as { value: string } | undefined)?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO station_meta (key, value) VALUES (?, ?)').run(key, value);
  }
}

// The hub link (hub_link, one row) and the hub outbox (hub_outbox) on the station's embedded SQLite
// database: every SQL statement about them is here. The outbox is filled by a trigger on the chain
// (migration 5), inside the transaction that appends a clip's sealing entry, so no code queues a
// clip by hand. The methods are async for the seam (types.ts); better-sqlite3 answers at once.
import type { Db } from '../db.ts';
import type { HubLinkIndex, HubLinkRow, OutboxIndex, OutboxRow, OutboxSummary } from './types.ts';

export class SqliteHubLink implements HubLinkIndex {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async get(): Promise<HubLinkRow | null> {
    return (this.db.prepare('SELECT * FROM hub_link WHERE id=1').get() as HubLinkRow | undefined) ?? null;
  }

  async save(l: { url: string; hubName: string; hubFingerprint: string; hubPublicKeyPem: string; enrolledAt: number }): Promise<void> {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO hub_link (id, url, hub_name, hub_fingerprint, hub_public_key_pem, enrolled_at, chain_sent, holds_since)
         VALUES (1, ?, ?, ?, ?, ?, 0, 0)`,
      )
      .run(l.url, l.hubName, l.hubFingerprint, l.hubPublicKeyPem, l.enrolledAt);
  }

  async noteSuccess(at: number): Promise<void> {
    this.db.prepare('UPDATE hub_link SET last_success_at=? WHERE id=1').run(at);
  }

  async noteError(code: string, message: string, at: number): Promise<void> {
    this.db.prepare('UPDATE hub_link SET last_error_code=?, last_error=?, last_error_at=? WHERE id=1').run(code, message.slice(0, 1000), at);
  }

  async chainSent(): Promise<number> {
    return (this.db.prepare('SELECT chain_sent FROM hub_link WHERE id=1').get() as { chain_sent: number } | undefined)?.chain_sent ?? 0;
  }

  async setChainSent(seq: number): Promise<void> {
    this.db.prepare('UPDATE hub_link SET chain_sent=? WHERE id=1').run(seq);
  }

  async holdsSince(): Promise<number | null> {
    return (this.db.prepare('SELECT holds_since FROM hub_link WHERE id=1').get() as { holds_since: number } | undefined)?.holds_since ?? null;
  }

  async setHoldsSince(at: number): Promise<void> {
    this.db.prepare('UPDATE hub_link SET holds_since=? WHERE id=1').run(at);
  }
}

export class SqliteOutbox implements OutboxIndex {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  async get(clipId: string): Promise<OutboxRow | undefined> {
    return this.db.prepare('SELECT * FROM hub_outbox WHERE clip_id=?').get(clipId) as OutboxRow | undefined;
  }

  async nextPending(skip: ReadonlySet<string>): Promise<OutboxRow | undefined> {
    // hub_outbox_state (state, chain_seq) serves this; at most |skip|+1 rows are read.
    const rows = this.db.prepare(`SELECT * FROM hub_outbox WHERE state='pending' ORDER BY chain_seq DESC LIMIT ?`).all(skip.size + 1) as OutboxRow[];
    return rows.find((r) => !skip.has(r.clip_id));
  }

  async summary(): Promise<OutboxSummary> {
    const o = this.db
      .prepare(
        `SELECT count(*) AS n, sum(o.state='refused') AS refused, min(c.started_at) AS oldest FROM hub_outbox o
         LEFT JOIN clips c ON c.id = o.clip_id WHERE o.state IN ('pending','refused')`,
      )
      .get() as { n: number; refused: number | null; oldest: number | null };
    const head = (this.db.prepare('SELECT max(seq) AS s FROM chain').get() as { s: number | null }).s ?? 0;
    return { depth: o.n, refused: o.refused ?? 0, oldestStartedAt: o.oldest, chainHead: head };
  }

  async refused(limit: number): Promise<Pick<OutboxRow, 'clip_id' | 'last_error'>[]> {
    return this.db.prepare(`SELECT clip_id, last_error FROM hub_outbox WHERE state='refused' ORDER BY chain_seq DESC LIMIT ?`).all(limit) as Pick<
      OutboxRow,
      'clip_id' | 'last_error'
    >[];
  }

  async confirm(clipId: string, receipt: string, at: number, tsrSent: boolean): Promise<void> {
    this.db
      .prepare(`UPDATE hub_outbox SET state='confirmed', receipt=?, confirmed_at=?, attempts=attempts+1, last_error=NULL, tsr_sent=? WHERE clip_id=?`)
      .run(receipt, at, tsrSent ? 1 : 0, clipId);
  }

  async noteAttempt(clipId: string, error: string): Promise<void> {
    this.db.prepare('UPDATE hub_outbox SET attempts=attempts+1, last_error=? WHERE clip_id=?').run(error, clipId);
  }

  async refuse(clipId: string, error: string): Promise<void> {
    this.db.prepare(`UPDATE hub_outbox SET state='refused', attempts=attempts+1, last_error=? WHERE clip_id=?`).run(error, clipId);
  }

  async markGone(clipId: string, error: string): Promise<void> {
    this.db.prepare(`UPDATE hub_outbox SET state='gone', last_error=? WHERE clip_id=?`).run(error, clipId);
  }

  async requeue(clipId: string, error: string): Promise<void> {
    this.db.prepare(`UPDATE hub_outbox SET state='pending', receipt=NULL, confirmed_at=NULL, last_error=? WHERE clip_id=?`).run(error, clipId);
  }

  async tokensToSend(limit: number): Promise<{ clip_id: string; sha256: string; response: Buffer }[]> {
    return this.db
      .prepare(
        `SELECT o.clip_id, o.sha256, t.response FROM hub_outbox o JOIN timestamps t ON t.clip_id = o.clip_id
         WHERE o.state='confirmed' AND o.tsr_sent=0 AND t.state='done' AND t.response IS NOT NULL LIMIT ?`,
      )
      .all(limit) as { clip_id: string; sha256: string; response: Buffer }[];
  }

  async markTokenSent(clipId: string): Promise<void> {
    this.db.prepare('UPDATE hub_outbox SET tsr_sent=1 WHERE clip_id=?').run(clipId);
  }
}

/** The hub link and the outbox on one database (the doctor's own connection, a test's). */
export function sqliteHubIndex(db: Db): { hubLink: HubLinkIndex; outbox: OutboxIndex } {
  return { hubLink: new SqliteHubLink(db), outbox: new SqliteOutbox(db) };
}

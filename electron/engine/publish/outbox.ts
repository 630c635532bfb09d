// The station's side of the hub link in its index: the enrolled hub (hub_link, one row) and the
// outbox of sealed clips (hub_outbox, filled by a trigger on the chain: migration 5). Plain reads
// and writes, so the publisher, retention's gate, the Status view and `doctor` share one truth.
import { createPublicKey } from 'node:crypto';
import type { Db } from '../db.ts';
import type { HubStatus, HubErrorCode } from '../../../shared/contract/hub.ts';
import { verifyBytes } from '../evidence/keys.ts';
import type { ReceiptLike } from './hubApi.ts';
import { receiptSigningBytes } from '../../../shared/hubWire.ts';

export interface HubLinkRow {
  url: string;
  hub_name: string;
  hub_fingerprint: string;
  hub_public_key_pem: string;
  enrolled_at: number;
  chain_sent: number;
  holds_since: number;
  last_success_at: number | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_at: number | null;
}

export interface OutboxRow {
  clip_id: string;
  sha256: string;
  chain_seq: number;
  queued_at: number;
  state: 'pending' | 'confirmed' | 'refused' | 'gone';
  attempts: number;
  last_error: string | null;
  receipt: string | null;
  confirmed_at: number | null;
  tsr_sent: number;
}

export function readLink(db: Db): HubLinkRow | null {
  return (db.prepare('SELECT * FROM hub_link WHERE id=1').get() as HubLinkRow | undefined) ?? null;
}

/** Enrolling again (a new hub, or the same one anew) starts the chain from the beginning. */
export function saveLink(db: Db, l: { url: string; hubName: string; hubFingerprint: string; hubPublicKeyPem: string; enrolledAt: number }): void {
  db.prepare(
    `INSERT OR REPLACE INTO hub_link (id, url, hub_name, hub_fingerprint, hub_public_key_pem, enrolled_at, chain_sent, holds_since)
     VALUES (1, ?, ?, ?, ?, ?, 0, 0)`,
  ).run(l.url, l.hubName, l.hubFingerprint, l.hubPublicKeyPem, l.enrolledAt);
}

export function noteSuccess(db: Db, at = Date.now()): void {
  // The last error stays: Status shows it with its time beside the last success.
  db.prepare('UPDATE hub_link SET last_success_at=? WHERE id=1').run(at);
}

export function noteError(db: Db, code: HubErrorCode, message: string, at = Date.now()): void {
  db.prepare('UPDATE hub_link SET last_error_code=?, last_error=?, last_error_at=? WHERE id=1').run(code, message.slice(0, 1000), at);
}

export function outboxRow(db: Db, clipId: string): OutboxRow | undefined {
  return db.prepare('SELECT * FROM hub_outbox WHERE clip_id=?').get(clipId) as OutboxRow | undefined;
}

/** The newest pending clip not in `skip`: a packer looks for today's parcels first. */
export function nextPending(db: Db, skip: ReadonlySet<string>): OutboxRow | undefined {
  const rows = db.prepare(`SELECT * FROM hub_outbox WHERE state='pending' ORDER BY chain_seq DESC LIMIT ?`).all(skip.size + 1) as OutboxRow[];
  return rows.find((r) => !skip.has(r.clip_id));
}

export function hubStatus(db: Db): HubStatus {
  const link = readLink(db);
  const iso = (t: number | null | undefined): string | null => (t == null ? null : new Date(t).toISOString());
  const o = db
    .prepare(
      `SELECT count(*) AS n, sum(o.state='refused') AS refused, min(c.started_at) AS oldest FROM hub_outbox o
       LEFT JOIN clips c ON c.id = o.clip_id WHERE o.state IN ('pending','refused')`,
    )
    .get() as { n: number; refused: number | null; oldest: number | null };
  const head = (db.prepare('SELECT max(seq) AS s FROM chain').get() as { s: number | null }).s ?? 0;
  return {
    enrolled: link !== null,
    url: link?.url ?? null,
    hubName: link?.hub_name ?? null,
    hubFingerprint: link?.hub_fingerprint ?? null,
    enrolledAt: iso(link?.enrolled_at),
    outboxDepth: o.n,
    oldestUnpublishedAt: iso(o.oldest),
    refused: o.refused ?? 0,
    chainBehind: Math.max(0, head - (link?.chain_sent ?? 0)),
    lastSuccessAt: iso(link?.last_success_at),
    lastError:
      link?.last_error_code && link.last_error_at != null
        ? { code: link.last_error_code as HubErrorCode, message: link.last_error ?? '', at: new Date(link.last_error_at).toISOString() }
        : null,
  };
}

/** A receipt counts only when the pinned hub key signed it over this clip's SHA-256. */
export function receiptValid(r: ReceiptLike, hubPublicKeyPem: string, sha256: string): boolean {
  if (r.sha256 !== sha256) return false;
  try {
    return verifyBytes(createPublicKey(hubPublicKeyPem), receiptSigningBytes(r), Buffer.from(r.signature, 'base64'));
  } catch {
    return false;
  }
}

const ERROR_NAMES: Record<HubErrorCode, string> = {
  unreachable: 'the hub could not be reached',
  impostor: 'IMPOSTOR: a server at the hub address could not prove it holds the pinned hub key; nothing was sent to it',
  unauthorized: 'the hub does not accept this station any more (enroll it again with a new code)',
  refused: 'the hub REFUSED a clip or chain entry (this station keeps it)',
  'bad-response': 'the hub answered something this station cannot read',
  other: 'publishing failed',
};

/** The last error while no success came after it (the hub is still away, or still an impostor). */
export function currentError(s: Pick<HubStatus, 'lastError' | 'lastSuccessAt'>): HubErrorCode | null {
  if (!s.lastError) return null;
  return s.lastSuccessAt && Date.parse(s.lastSuccessAt) > Date.parse(s.lastError.at) ? null : s.lastError.code;
}

/** The outbox line of `packwitness doctor` and the Status view's health list; null when not enrolled. */
export function hubHealthLine(db: Db, now = Date.now()): { level: 'ok' | 'warning' | 'problem'; text: string; details: string[] } | null {
  const s = hubStatus(db);
  if (!s.enrolled) return null;
  const parts = [`Hub "${s.hubName}" at ${s.url}`];
  parts.push(
    s.outboxDepth === 0
      ? 'every sealed clip is published'
      : `${s.outboxDepth} clip(s) not yet published${s.oldestUnpublishedAt ? ` (oldest recorded ${s.oldestUnpublishedAt})` : ''}`,
  );
  if (s.chainBehind > 0) parts.push(`${s.chainBehind} chain entr${s.chainBehind === 1 ? 'y' : 'ies'} not yet sent`);
  parts.push(s.lastSuccessAt ? `last success ${s.lastSuccessAt}` : 'no success yet');
  const details: string[] = [];
  if (s.lastError) {
    // "The hub is up but its clip store/index cannot be reached" says it better than "could not be reached".
    const own = s.lastError.code === 'unreachable' && s.lastError.message.startsWith('the hub is up');
    details.push(`last error ${s.lastError.at}: ${own ? s.lastError.message : `${ERROR_NAMES[s.lastError.code]} (${s.lastError.message})`}`);
  }
  const refused = db.prepare(`SELECT o.clip_id, o.last_error FROM hub_outbox o WHERE o.state='refused' ORDER BY o.chain_seq DESC LIMIT 10`).all() as {
    clip_id: string;
    last_error: string | null;
  }[];
  for (const r of refused) details.push(`refused: ${r.last_error ?? r.clip_id}`);
  void now;
  const current = currentError(s);
  const level = s.refused > 0 || current === 'impostor' || current === 'unauthorized' ? 'problem' : current ? 'warning' : 'ok';
  return { level, text: `${parts.join('; ')}.`, details };
}

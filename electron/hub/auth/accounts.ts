// Console accounts on the hub's index (tables of migration 3, both databases): users with one
// role each, sessions and login failures. Nothing here lives in the hub process, so any number of
// hub processes behind one load balancer share logins, logouts and lock-outs.
// - A session id is 32 random bytes sent once in the cookie; the index keeps only its SHA-256, so
//   a copy of the index cannot be turned into a login.
// - Lock-out: after USER_LIMIT failed logins for a name (or ADDRESS_LIMIT from one address) the
//   next attempts are refused without looking at the password, for a back-off that doubles with
//   each further failure (30 s … 1 h). Failures are forgotten after an hour without any.
import { createHash, randomBytes } from 'node:crypto';
import type { HubIndex } from '../index/types.ts';
import { SqlHubIndex, type SqlDialect } from '../index/sqlIndex.ts';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { CONSOLE_ROLES, type ConsoleRole } from '../../../shared/consoleWire.ts';

export { CONSOLE_ROLES, type ConsoleRole };

export const USER_NAME_RE = /^[A-Za-z0-9._@-]{1,64}$/;
export const SESSION_TTL_MS = 12 * 3600_000;
export const USER_LIMIT = 5;
export const ADDRESS_LIMIT = 20;
const BACKOFF_START_MS = 30_000;
const BACKOFF_MAX_MS = 3600_000;
/** Failures are forgotten after this long without any (longer than the longest back-off). */
const FORGET_AFTER_MS = BACKOFF_MAX_MS + 60_000;

export interface ConsoleUser {
  id: number;
  name: string;
  role: ConsoleRole;
  createdAt: number;
}

export class AccountError extends Error {
  readonly code: 'bad-input' | 'exists' | 'not-found';
  constructor(code: AccountError['code'], message: string) {
    super(message);
    this.name = 'AccountError';
    this.code = code;
  }
}

export type LoginResult =
  | { ok: true; user: ConsoleUser; sessionId: string; expiresAt: number }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export function dialectOf(index: HubIndex): SqlDialect {
  if (index instanceof SqlHubIndex) return index.sqlDialect();
  throw new Error('the console needs the hub index on SQLite or PostgreSQL');
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const sessionHash = (id: string): string => createHash('sha256').update(id, 'utf8').digest('hex');

function toUser(r: Record<string, unknown>): ConsoleUser {
  return { id: num(r.id), name: String(r.name), role: String(r.role) as ConsoleRole, createdAt: num(r.created_at) };
}

/** Back-off after `failures` failed attempts against a limit; 0 below the limit. */
export function backoffMs(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.min(20, failures - limit));
}

export class Accounts {
  private readonly db: SqlDialect;
  constructor(index: HubIndex) {
    this.db = dialectOf(index);
  }

  async addUser(name: string, role: string, password: string, now = Date.now()): Promise<ConsoleUser> {
    if (!USER_NAME_RE.test(name)) throw new AccountError('bad-input', `a user name is 1-64 letters, digits or . _ @ - (not ${JSON.stringify(name)})`);
    if (!(CONSOLE_ROLES as readonly string[]).includes(role))
      throw new AccountError('bad-input', `the role is one of ${CONSOLE_ROLES.join(', ')} (not ${JSON.stringify(role)})`);
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('bad-input', problem);
    const hash = await hashPassword(password);
    const changed = await this.db.run('INSERT INTO hub_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING', [
      name,
      role,
      hash,
      now,
    ]);
    if (changed !== 1) throw new AccountError('exists', `there is a user ${name} already`);
    return (await this.getUser(name))!;
  }

  async getUser(name: string): Promise<ConsoleUser | null> {
    const r = (await this.db.all('SELECT id, name, role, created_at FROM hub_users WHERE name = ?', [name]))[0];
    return r ? toUser(r) : null;
  }

  async listUsers(): Promise<ConsoleUser[]> {
    return (await this.db.all('SELECT id, name, role, created_at FROM hub_users ORDER BY name', [])).map(toUser);
  }

  /** Removes a user; their sessions end with them. */
  async removeUser(name: string): Promise<void> {
    const u = await this.getUser(name);
    if (!u) throw new AccountError('not-found', `there is no user ${name}`);
    await this.db.run('DELETE FROM hub_sessions WHERE user_id = ?', [u.id]);
    await this.db.run('DELETE FROM hub_users WHERE id = ?', [u.id]);
  }

  /** How long `subject` is locked out now (0: not locked). */
  private async lockedFor(subject: string, limit: number, now: number): Promise<number> {
    const r = (await this.db.all('SELECT failures, last_at FROM hub_login_failures WHERE subject = ?', [subject]))[0];
    if (!r) return 0;
    const until = num(r.last_at) + backoffMs(num(r.failures), limit);
    return Math.max(0, until - now);
  }

  private async countFailure(subject: string, limit: number, now: number): Promise<void> {
    // Names an attacker made up would otherwise stay as rows for ever.
    await this.db.run('DELETE FROM hub_login_failures WHERE last_at < ?', [now - FORGET_AFTER_MS]);
    // One statement, so hub processes counting at once never lose a failure.
    await this.db.run(
      `INSERT INTO hub_login_failures (subject, failures, last_at) VALUES (?, 1, ?)
       ON CONFLICT (subject) DO UPDATE SET
         failures = CASE WHEN hub_login_failures.last_at < ? THEN 1 ELSE hub_login_failures.failures + 1 END,
         last_at = excluded.last_at`,
      [subject, now, now - FORGET_AFTER_MS],
    );
  }

  /**
   * Checks a name and password. The same answer (`wrong`) for an unknown name and a wrong
   * password, and the same time spent (a dummy hash is checked for unknown names).
   */
  async login(name: string, password: string, address: string, now = Date.now()): Promise<LoginResult> {
    const userKey = `user:${name.slice(0, 64)}`;
    const addrKey = `addr:${address}`;
    const wait = Math.max(await this.lockedFor(userKey, USER_LIMIT, now), await this.lockedFor(addrKey, ADDRESS_LIMIT, now));
    if (wait > 0) return { ok: false, reason: 'locked', retryAfterMs: wait };
    const row = USER_NAME_RE.test(name)
      ? (await this.db.all('SELECT id, name, role, created_at, password_hash FROM hub_users WHERE name = ?', [name]))[0]
      : undefined;
    const good = await verifyPassword(password, row ? String(row.password_hash) : await dummyHash());
    if (!row || !good) {
      await this.countFailure(userKey, USER_LIMIT, now);
      await this.countFailure(addrKey, ADDRESS_LIMIT, now);
      return { ok: false, reason: 'wrong' };
    }
    await this.db.run('DELETE FROM hub_login_failures WHERE subject = ?', [userKey]);
    await this.db.run('DELETE FROM hub_sessions WHERE expires_at <= ?', [now]);
    const sessionId = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_TTL_MS;
    await this.db.run('INSERT INTO hub_sessions (id_hash, user_id, created_at, expires_at, address) VALUES (?, ?, ?, ?, ?)', [
      sessionHash(sessionId),
      num(row.id),
      now,
      expiresAt,
      address,
    ]);
    return { ok: true, user: toUser(row), sessionId, expiresAt };
  }

  /** The session's user, or null for an unknown, expired or logged-out session id. */
  async session(sessionId: string, now = Date.now()): Promise<ConsoleUser | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const r = (
      await this.db.all(
        `SELECT u.id, u.name, u.role, u.created_at FROM hub_sessions s JOIN hub_users u ON u.id = s.user_id
       WHERE s.id_hash = ? AND s.expires_at > ?`,
        [sessionHash(sessionId), now],
      )
    )[0];
    return r ? toUser(r) : null;
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.run('DELETE FROM hub_sessions WHERE id_hash = ?', [sessionHash(sessionId)]);
  }

  /** Ends every session of the user (on every hub process: they are rows). */
  async logoutEverywhere(userId: number, now = Date.now()): Promise<void> {
    await this.db.run('DELETE FROM hub_sessions WHERE user_id = ? OR expires_at <= ?', [userId, now]);
  }
}

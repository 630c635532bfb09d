// The console's audit log, rows of the hub index (hub_audit): who searched, played, verified,
// exported, held or released which clip, and when. Rows are only added, never changed; an admin
// lists them (newest first, paged) or takes them away as CSV.
import type { HubIndex } from '../index/types.ts';
import type { SqlDialect } from '../index/sqlIndex.ts';
import { dialectOf } from '../auth/accounts.ts';
import type { AuditEntry } from '../../../shared/consoleWire.ts';

export interface AuditInput {
  at: number;
  user: string;
  role: string | null;
  action: string;
  station?: string | null;
  clipId?: string | null;
  sha256?: string | null;
  detail?: string | null;
  address?: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export class AuditLog {
  private readonly db: SqlDialect;
  constructor(index: HubIndex) {
    this.db = dialectOf(index);
  }

  async record(e: AuditInput): Promise<void> {
    await this.db.run('INSERT INTO hub_audit (at, user_name, role, action, station, clip_id, sha256, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      e.at,
      e.user,
      e.role,
      e.action,
      e.station ?? null,
      e.clipId ?? null,
      e.sha256 ?? null,
      e.detail ?? null,
      e.address ?? null,
    ]);
  }

  /** Newest first; `before` is the id of the last row of the previous page. */
  async list(opts: { limit?: number; before?: number; user?: string; action?: string; from?: number; to?: number } = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.before !== undefined) {
      where.push('id < ?');
      params.push(opts.before);
    }
    if (opts.user !== undefined) {
      where.push('user_name = ?');
      params.push(opts.user);
    }
    if (opts.action !== undefined) {
      where.push('action = ?');
      params.push(opts.action);
    }
    if (opts.from !== undefined) {
      where.push('at >= ?');
      params.push(opts.from);
    }
    if (opts.to !== undefined) {
      where.push('at < ?');
      params.push(opts.to);
    }
    const limit = Math.max(1, Math.min(10_000, Math.floor(opts.limit ?? 100)));
    const rows = await this.db.all(`SELECT * FROM hub_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`, params);
    return rows.map((r) => ({
      id: num(r.id),
      at: num(r.at),
      user: String(r.user_name),
      role: strOrNull(r.role),
      action: String(r.action),
      station: strOrNull(r.station),
      clipId: strOrNull(r.clip_id),
      sha256: strOrNull(r.sha256),
      detail: strOrNull(r.detail),
      address: strOrNull(r.address),
    }));
  }
}

/** RFC 4180 field; a leading = + - @ is quoted away so a spreadsheet never runs it as a formula. */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditCsv(rows: AuditEntry[]): string {
  const head = ['id', 'time (UTC)', 'user', 'role', 'action', 'station', 'clip', 'sha256', 'detail', 'address'];
  const lines = [head.join(',')];
  for (const r of rows) {
    lines.push([r.id, new Date(r.at).toISOString(), r.user, r.role, r.action, r.station, r.clipId, r.sha256, r.detail, r.address].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

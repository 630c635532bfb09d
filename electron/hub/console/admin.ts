// What the console's admin pages read and change: users (with how many sessions each has open),
// one-time enrollment codes for stations (text and QR code) and the enrolled stations in figures.
// The role table (shared/consoleWire.ts) lets only admins here; every change is an audit row,
// written by the caller (http.ts).
import QRCode from 'qrcode';
import type { HubIndex } from '../index/types.ts';
import type { SqlDialect } from '../index/sqlIndex.ts';
import { dialectOf } from '../auth/accounts.ts';
import { newEnrollCode } from '../server/identity.ts';
import type { ConsoleRole, ConsoleStation, ConsoleUserRow, EnrollCodeAnswer } from '../../../shared/consoleWire.ts';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

export class ConsoleAdmin {
  private readonly db: SqlDialect;
  private readonly index: HubIndex;
  constructor(index: HubIndex) {
    this.index = index;
    this.db = dialectOf(index);
  }

  async users(now: number): Promise<ConsoleUserRow[]> {
    const rows = await this.db.all(
      `SELECT u.name, u.role, u.created_at, (SELECT COUNT(*) FROM hub_sessions s WHERE s.user_id = u.id AND s.expires_at > ?) AS sessions
       FROM hub_users u ORDER BY u.name`,
      [now],
    );
    return rows.map((r) => ({ name: String(r.name), role: String(r.role) as ConsoleRole, createdAt: num(r.created_at), sessions: num(r.sessions) }));
  }

  /** A one-time code (24 h) for `packwitness enroll`, with its QR code. */
  async enrollCode(hubFingerprint: string, now: number): Promise<EnrollCodeAnswer> {
    const { code, expiresAt } = await newEnrollCode(this.index, hubFingerprint, now);
    const qrSvg = await QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { code, expiresAt, qrSvg };
  }

  /**
   * Every enrolled station: when the hub last received a clip from it, how many clips and chain
   * entries it holds, and its newest anchor (when its chain head was last timestamped by a TSA).
   */
  async stations(): Promise<ConsoleStation[]> {
    const clips = new Map(
      (await this.db.all('SELECT station, COUNT(*) AS n, MAX(published_at) AS last FROM hub_clips GROUP BY station', [])).map((r) => [
        String(r.station),
        { n: num(r.n), last: numOrNull(r.last) },
      ]),
    );
    const out: ConsoleStation[] = [];
    for (const s of await this.index.listStations()) {
      const chain = await this.index.chainSummary(s.fingerprint);
      const c = clips.get(s.fingerprint);
      out.push({
        fingerprint: s.fingerprint,
        name: s.name,
        enrolledAt: s.enrolledAt,
        lastSeen: c?.last ?? null,
        clips: c?.n ?? 0,
        chainEntries: chain.entries,
        anchorAt: chain.anchorAt,
        anchorSeq: chain.anchorSeq,
      });
    }
    return out;
  }
}

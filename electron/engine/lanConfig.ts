// The LAN access choice, remembered in the index so `packwitness serve` reopens it at the next start.
// Kept in station_meta, not in Settings: the token is a secret that settings.get and the
// settings.changed event (sent to every open page) must not carry, and switching LAN access opens a
// socket, which a plain settings write cannot report failing (port in use).
import type { Db } from './db.ts';
import { SqliteStationMeta } from './index/sqliteEvidence.ts';

export interface LanConfig {
  enabled: boolean;
  /** null = the station's port + 1. */
  port: number | null;
  token: string | null;
}

const KEY = 'lanAccess';

export function readLanConfig(db: Db): LanConfig {
  const stored = new SqliteStationMeta(db).get(KEY);
  try {
    const v = stored !== undefined ? (JSON.parse(stored) as Partial<LanConfig>) : {};
    return {
      enabled: v.enabled === true,
      port: Number.isInteger(v.port) && v.port! > 0 && v.port! <= 65535 ? v.port! : null,
      token: typeof v.token === 'string' && v.token.length >= 16 ? v.token : null,
    };
  } catch {
    return { enabled: false, port: null, token: null }; // damaged: off, the safe side
  }
}

export function writeLanConfig(db: Db, c: LanConfig): void {
  new SqliteStationMeta(db).set(KEY, JSON.stringify(c));
}

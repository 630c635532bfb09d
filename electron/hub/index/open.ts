// Opens the hub's index from its settings: SQLite in the hub's data folder by default (the
// embedded hub), PostgreSQL for `--pg postgres://…`.
import * as path from 'node:path';
import { openPostgresHubIndex } from './postgres.ts';
import { openSqliteHubIndex } from './sqlite.ts';
import type { HubIndex } from './types.ts';

export async function openHubIndex(cfg: { dataDir: string; pg?: string | null }): Promise<HubIndex> {
  if (cfg.pg) return openPostgresHubIndex({ url: cfg.pg });
  return openSqliteHubIndex(path.join(cfg.dataDir, 'hub-index.sqlite'));
}

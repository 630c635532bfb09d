// Opens a hub's parts from its data folder and settings: key, index (SQLite or PostgreSQL) and clip
// store (folder or S3). Used by the server and by the `hub` subcommands alike.
import path from 'node:path';
import { openHubIndex } from '../index/open.ts';
import type { HubIndex } from '../index/types.ts';
import { openClipStore } from '../store/open.ts';
import type { ClipStore } from '../store/types.ts';
import { loadOrCreateHubKey, type HubKey, type HubSettings } from './identity.ts';

export interface OpenedHub {
  dataDir: string;
  settings: HubSettings;
  key: HubKey;
  index: HubIndex;
  store: ClipStore;
  close(): Promise<void>;
}

export async function openHubParts(dataDir: string, settings: HubSettings, opts: { partSize?: number } = {}): Promise<OpenedHub> {
  const key = loadOrCreateHubKey(dataDir);
  const index = await openHubIndex({ dataDir, pg: settings.pg });
  let store: ClipStore;
  try {
    store = openClipStore({
      folder: path.join(dataDir, 'clips'),
      s3: settings.s3,
      s3CredentialsFile: settings.s3CredentialsFile,
      retention: settings.retention,
      ...(opts.partSize ? { partSize: opts.partSize } : {}),
    });
  } catch (e) {
    await index.close().catch(() => {});
    throw e;
  }
  return {
    dataDir,
    settings,
    key,
    index,
    store,
    async close() {
      await Promise.allSettled([index.close(), store.close()]);
    },
  };
}

/** Where the index is, for people (no password). */
export function indexLocation(dataDir: string, settings: HubSettings): string {
  if (!settings.pg) return `SQLite ${path.join(dataDir, 'hub-index.sqlite')}`;
  try {
    const u = new URL(settings.pg);
    return `PostgreSQL ${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

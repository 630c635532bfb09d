// Opens the hub's clip store from its settings: a folder by default (the embedded hub), or
// S3-compatible storage for `--s3 http://host:port/bucket`, with credentials from the
// environment or a credentials file (never the command line).
import { loadS3Credentials } from './credentials.ts';
import { FolderClipStore } from './folder.ts';
import { S3ClipStore, parseS3Url } from './s3.ts';
import type { ClipStore } from './types.ts';

export interface ClipStoreConfig {
  /** Folder of the embedded store (used when `s3` is not set). */
  folder?: string;
  /** `http(s)://host:port/bucket`. */
  s3?: string | null;
  /** File with the S3 access key and secret; else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  s3CredentialsFile?: string | null;
  s3Region?: string;
  /** Object Lock retention (off by default). */
  retention?: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number } | null;
  partSize?: number;
  env?: NodeJS.ProcessEnv;
}

export function openClipStore(cfg: ClipStoreConfig): ClipStore {
  if (cfg.s3) {
    const { endpoint, bucket } = parseS3Url(cfg.s3);
    return new S3ClipStore({
      endpoint,
      bucket,
      credentials: loadS3Credentials({ file: cfg.s3CredentialsFile ?? null, ...(cfg.env ? { env: cfg.env } : {}) }),
      ...(cfg.s3Region ? { region: cfg.s3Region } : {}),
      ...(cfg.partSize ? { partSize: cfg.partSize } : {}),
      retention: cfg.retention ?? null,
    });
  }
  if (!cfg.folder) throw new Error('the clip store needs a folder or an S3 URL');
  return new FolderClipStore({ root: cfg.folder, ...(cfg.partSize ? { partSize: cfg.partSize } : {}) });
}

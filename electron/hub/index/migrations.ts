// Versioned plain-SQL migrations of the hub's index, one list per dialect with the same versions.
// Applied in order, each in its own transaction, recorded with a checksum in
// hub_schema_migrations; an applied migration whose text changed is refused (never edit one:
// add the next version). On PostgreSQL they run under an advisory lock (postgres.ts), so any
// number of hub processes can start at once on one database.
import { createHash } from 'node:crypto';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'stations, clips, chain, holes, refusals',
    sql: `
CREATE TABLE hub_stations (
  fingerprint TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  enrolled_at INTEGER NOT NULL
);
CREATE INDEX hub_stations_name ON hub_stations (name);
CREATE TABLE hub_clips (
  id INTEGER PRIMARY KEY,
  station TEXT NOT NULL REFERENCES hub_stations (fingerprint),
  clip_id TEXT NOT NULL,
  order_code TEXT NOT NULL,
  mode TEXT NOT NULL,
  operator TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  status TEXT NOT NULL,
  stop_reason TEXT,
  note TEXT,
  published_at INTEGER NOT NULL,
  UNIQUE (station, clip_id)
);
CREATE INDEX hub_clips_order ON hub_clips (order_code);
CREATE INDEX hub_clips_started ON hub_clips (started_at, id);
CREATE INDEX hub_clips_station ON hub_clips (station, started_at);
CREATE INDEX hub_clips_operator ON hub_clips (operator, started_at);
CREATE INDEX hub_clips_mode ON hub_clips (mode, started_at);
CREATE INDEX hub_clips_sha256 ON hub_clips (sha256);
CREATE TABLE hub_chain (
  station TEXT NOT NULL REFERENCES hub_stations (fingerprint),
  seq INTEGER NOT NULL,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL,
  signature TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  clip_id TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (station, seq)
);
CREATE TABLE hub_holes (
  station TEXT NOT NULL,
  from_seq INTEGER NOT NULL,
  to_seq INTEGER NOT NULL,
  from_time INTEGER,
  to_time INTEGER,
  reason TEXT NOT NULL,
  detected_at INTEGER NOT NULL,
  PRIMARY KEY (station, from_seq, to_seq)
);
CREATE TABLE hub_refused (
  id INTEGER PRIMARY KEY,
  station TEXT,
  clip_id TEXT,
  sha256 TEXT,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX hub_refused_at ON hub_refused (at);
`,
  },
  {
    version: 2,
    name: 'enrollment codes, seen request signatures, uploads under way, legal holds',
    sql: `
CREATE TABLE hub_enroll_codes (
  code_hash TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by TEXT
);
CREATE TABLE hub_seen_requests (
  signature_hash TEXT PRIMARY KEY,
  at INTEGER NOT NULL
);
CREATE INDEX hub_seen_requests_at ON hub_seen_requests (at);
CREATE TABLE hub_uploads (
  sha256 TEXT PRIMARY KEY,
  station TEXT NOT NULL,
  size INTEGER NOT NULL,
  upload_id TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
CREATE TABLE hub_holds (
  id INTEGER PRIMARY KEY,
  station TEXT NOT NULL,
  clip_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  held INTEGER NOT NULL,
  reason TEXT,
  at INTEGER NOT NULL,
  by_whom TEXT
);
CREATE INDEX hub_holds_station ON hub_holds (station, at);
`,
  },
  {
    version: 3,
    name: 'console users, sessions, login failures, audit log',
    sql: `
CREATE TABLE hub_users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE hub_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES hub_users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  address TEXT
);
CREATE INDEX hub_sessions_user ON hub_sessions (user_id);
CREATE TABLE hub_login_failures (
  subject TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at INTEGER NOT NULL
);
CREATE TABLE hub_audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_name TEXT NOT NULL,
  role TEXT,
  action TEXT NOT NULL,
  station TEXT,
  clip_id TEXT,
  sha256 TEXT,
  detail TEXT,
  address TEXT
);
CREATE INDEX hub_audit_at ON hub_audit (at, id);
CREATE INDEX hub_audit_clip ON hub_audit (station, clip_id);
`,
  },
  {
    version: 4,
    name: 'partial-code search by trigrams; chain entries by clip and kind',
    sql: `
CREATE VIRTUAL TABLE hub_clips_code_fts USING fts5(order_code, content='hub_clips', content_rowid='id', tokenize='trigram');
INSERT INTO hub_clips_code_fts (hub_clips_code_fts) VALUES ('rebuild');
CREATE TRIGGER hub_clips_code_fts_ai AFTER INSERT ON hub_clips BEGIN
  INSERT INTO hub_clips_code_fts (rowid, order_code) VALUES (new.id, new.order_code);
END;
CREATE TRIGGER hub_clips_code_fts_ad AFTER DELETE ON hub_clips BEGIN
  INSERT INTO hub_clips_code_fts (hub_clips_code_fts, rowid, order_code) VALUES ('delete', old.id, old.order_code);
END;
CREATE TRIGGER hub_clips_code_fts_au AFTER UPDATE OF order_code ON hub_clips BEGIN
  INSERT INTO hub_clips_code_fts (hub_clips_code_fts, rowid, order_code) VALUES ('delete', old.id, old.order_code);
  INSERT INTO hub_clips_code_fts (rowid, order_code) VALUES (new.id, new.order_code);
END;
CREATE INDEX hub_chain_clip ON hub_chain (station, clip_id);
CREATE INDEX hub_chain_kind ON hub_chain (kind, station);
`,
  },
  {
    version: 5,
    name: 'console: thumbnails made',
    sql: `
CREATE TABLE hub_thumbs (
  sha256 TEXT PRIMARY KEY,
  made_at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  detail TEXT
);
`,
  },
  {
    version: 6,
    name: 'console: export jobs',
    sql: `
CREATE TABLE hub_export_jobs (
  id TEXT PRIMARY KEY,
  station TEXT NOT NULL,
  clip_id TEXT NOT NULL,
  order_code TEXT NOT NULL,
  preset TEXT NOT NULL,
  form TEXT,
  custom TEXT,
  user_name TEXT NOT NULL,
  state TEXT NOT NULL,
  progress REAL NOT NULL,
  stage TEXT,
  error TEXT,
  zip_name TEXT,
  zip_bytes INTEGER,
  zip_sha256 TEXT,
  runner TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX hub_export_jobs_runner ON hub_export_jobs (runner, state);
CREATE INDEX hub_export_jobs_finished ON hub_export_jobs (finished_at);
`,
  },
  {
    version: 7,
    name: 'console: thumbnails retried with back-off; holds by clip',
    sql: `
ALTER TABLE hub_thumbs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE hub_thumbs ADD COLUMN retry_at INTEGER;
UPDATE hub_thumbs SET retry_at = made_at WHERE ok = 0;
CREATE INDEX hub_thumbs_retry ON hub_thumbs (retry_at) WHERE retry_at IS NOT NULL;
CREATE INDEX hub_holds_clip ON hub_holds (station, clip_id, at, id);
`,
  },
];

export const postgresMigrations: Migration[] = [
  {
    version: 1,
    name: 'stations, clips, chain, holes, refusals',
    sql: `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE hub_stations (
  fingerprint text PRIMARY KEY,
  name text NOT NULL,
  public_key_pem text NOT NULL,
  enrolled_at bigint NOT NULL
);
CREATE INDEX hub_stations_name ON hub_stations (name);
CREATE TABLE hub_clips (
  id bigserial PRIMARY KEY,
  station text NOT NULL REFERENCES hub_stations (fingerprint),
  clip_id text NOT NULL,
  order_code text NOT NULL,
  mode text NOT NULL,
  operator text,
  started_at bigint NOT NULL,
  ended_at bigint NOT NULL,
  duration_ms bigint NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  status text NOT NULL,
  stop_reason text,
  note text,
  published_at bigint NOT NULL,
  UNIQUE (station, clip_id)
);
CREATE INDEX hub_clips_order ON hub_clips (order_code);
-- Partial codes (ILIKE '%…%') use trigrams; without this a search reads every row.
CREATE INDEX hub_clips_order_trgm ON hub_clips USING gin (order_code gin_trgm_ops);
CREATE INDEX hub_clips_started ON hub_clips (started_at, id);
CREATE INDEX hub_clips_station ON hub_clips (station, started_at);
CREATE INDEX hub_clips_operator ON hub_clips (operator, started_at);
CREATE INDEX hub_clips_mode ON hub_clips (mode, started_at);
CREATE INDEX hub_clips_sha256 ON hub_clips (sha256);
CREATE TABLE hub_chain (
  station text NOT NULL REFERENCES hub_stations (fingerprint),
  seq bigint NOT NULL,
  prev text NOT NULL,
  hash text NOT NULL,
  signature text NOT NULL,
  kind text NOT NULL,
  at bigint NOT NULL,
  clip_id text,
  body text NOT NULL,
  PRIMARY KEY (station, seq)
);
CREATE TABLE hub_holes (
  station text NOT NULL,
  from_seq bigint NOT NULL,
  to_seq bigint NOT NULL,
  from_time bigint,
  to_time bigint,
  reason text NOT NULL,
  detected_at bigint NOT NULL,
  PRIMARY KEY (station, from_seq, to_seq)
);
CREATE TABLE hub_refused (
  id bigserial PRIMARY KEY,
  station text,
  clip_id text,
  sha256 text,
  reason text NOT NULL,
  detail text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX hub_refused_at ON hub_refused (at);
`,
  },
  {
    version: 2,
    name: 'enrollment codes, seen request signatures, uploads under way, legal holds',
    sql: `
CREATE TABLE hub_enroll_codes (
  code_hash text PRIMARY KEY,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint,
  used_by text
);
CREATE TABLE hub_seen_requests (
  signature_hash text PRIMARY KEY,
  at bigint NOT NULL
);
CREATE INDEX hub_seen_requests_at ON hub_seen_requests (at);
CREATE TABLE hub_uploads (
  sha256 text PRIMARY KEY,
  station text NOT NULL,
  size bigint NOT NULL,
  upload_id text NOT NULL,
  started_at bigint NOT NULL
);
CREATE TABLE hub_holds (
  id bigserial PRIMARY KEY,
  station text NOT NULL,
  clip_id text NOT NULL,
  sha256 text NOT NULL,
  held boolean NOT NULL,
  reason text,
  at bigint NOT NULL,
  by_whom text
);
CREATE INDEX hub_holds_station ON hub_holds (station, at);
`,
  },
  {
    version: 3,
    name: 'console users, sessions, login failures, audit log',
    sql: `
CREATE TABLE hub_users (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  role text NOT NULL,
  password_hash text NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE hub_sessions (
  id_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES hub_users (id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  address text
);
CREATE INDEX hub_sessions_user ON hub_sessions (user_id);
CREATE TABLE hub_login_failures (
  subject text PRIMARY KEY,
  failures bigint NOT NULL,
  last_at bigint NOT NULL
);
CREATE TABLE hub_audit (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  user_name text NOT NULL,
  role text,
  action text NOT NULL,
  station text,
  clip_id text,
  sha256 text,
  detail text,
  address text
);
CREATE INDEX hub_audit_at ON hub_audit (at, id);
CREATE INDEX hub_audit_clip ON hub_audit (station, clip_id);
`,
  },
  {
    version: 4,
    name: 'chain entries by clip and kind',
    sql: `
CREATE INDEX hub_chain_clip ON hub_chain (station, clip_id);
CREATE INDEX hub_chain_kind ON hub_chain (kind, station);
`,
  },
  {
    version: 5,
    name: 'console: thumbnails made',
    sql: `
CREATE TABLE hub_thumbs (
  sha256 text PRIMARY KEY,
  made_at bigint NOT NULL,
  ok boolean NOT NULL,
  detail text
);
`,
  },
  {
    version: 6,
    name: 'console: export jobs',
    sql: `
CREATE TABLE hub_export_jobs (
  id text PRIMARY KEY,
  station text NOT NULL,
  clip_id text NOT NULL,
  order_code text NOT NULL,
  preset text NOT NULL,
  form text,
  custom text,
  user_name text NOT NULL,
  state text NOT NULL,
  progress double precision NOT NULL,
  stage text,
  error text,
  zip_name text,
  zip_bytes bigint,
  zip_sha256 text,
  runner text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint
);
CREATE INDEX hub_export_jobs_runner ON hub_export_jobs (runner, state);
CREATE INDEX hub_export_jobs_finished ON hub_export_jobs (finished_at);
`,
  },
  {
    version: 7,
    name: 'console: thumbnails retried with back-off; holds by clip',
    sql: `
ALTER TABLE hub_thumbs ADD COLUMN attempts integer NOT NULL DEFAULT 1;
ALTER TABLE hub_thumbs ADD COLUMN retry_at bigint;
UPDATE hub_thumbs SET retry_at = made_at WHERE ok = false;
CREATE INDEX hub_thumbs_retry ON hub_thumbs (retry_at) WHERE retry_at IS NOT NULL;
CREATE INDEX hub_holds_clip ON hub_holds (station, clip_id, at, id);
`,
  },
];

export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.sql, 'utf8').digest('hex');
}

export const MIGRATIONS_TABLE = 'hub_schema_migrations';

// Versioned schema changes, applied in order, each in its own transaction. Never edit a shipped
// migration: stations in the field already ran it. Add a new one instead.
export interface Migration {
  version: number;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE clips (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        order_code TEXT NOT NULL,
        station TEXT NOT NULL,
        operator TEXT,
        mode TEXT NOT NULL DEFAULT 'shipping',
        started_at INTEGER NOT NULL,      -- epoch ms (wall clock at start)
        ended_at INTEGER,                 -- epoch ms
        duration_ms INTEGER,              -- from the finished file
        mono_ms INTEGER,                  -- start to stop on the monotonic clock
        size_bytes INTEGER,
        file TEXT,                        -- relative to the clips folder
        sha256 TEXT,
        status TEXT NOT NULL,             -- recording | ok | recovered | interrupted | failed | discarded
        stop_reason TEXT,
        note TEXT,
        mime_type TEXT NOT NULL,
        partial_file TEXT,                -- relative to the clips folder while recording
        thumb_file TEXT
      );
      CREATE INDEX clips_order ON clips(order_code);
      CREATE INDEX clips_started ON clips(started_at);
      CREATE INDEX clips_status ON clips(status);
      -- Trigram index so that any 3+ character fragment of a tracking number is an index lookup,
      -- not a scan of every row.
      CREATE VIRTUAL TABLE clips_code_fts USING fts5(order_code, content='clips', content_rowid='rowid', tokenize='trigram');
      CREATE TRIGGER clips_ai AFTER INSERT ON clips BEGIN
        INSERT INTO clips_code_fts(rowid, order_code) VALUES (new.rowid, new.order_code);
      END;
      CREATE TRIGGER clips_ad AFTER DELETE ON clips BEGIN
        INSERT INTO clips_code_fts(clips_code_fts, rowid, order_code) VALUES ('delete', old.rowid, old.order_code);
      END;
      CREATE TRIGGER clips_au AFTER UPDATE OF order_code ON clips BEGIN
        INSERT INTO clips_code_fts(clips_code_fts, rowid, order_code) VALUES ('delete', old.rowid, old.order_code);
        INSERT INTO clips_code_fts(rowid, order_code) VALUES (new.rowid, new.order_code);
      END;
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
];

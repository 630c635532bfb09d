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
  {
    // Survive the warehouse: legal hold, the deletion and hold audit trail, station facts.
    version: 2,
    sql: `
      ALTER TABLE clips ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE clips ADD COLUMN hold_reason TEXT;
      -- One row per clip file removed, by retention or a person: kept forever, it is the answer to
      -- "where did the clip of order X go?".
      CREATE TABLE deletions (
        id INTEGER PRIMARY KEY,
        clip_id TEXT NOT NULL,
        order_code TEXT NOT NULL,
        file TEXT,
        sha256 TEXT,
        size_bytes INTEGER,
        started_at INTEGER,
        deleted_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        who TEXT NOT NULL
      );
      CREATE INDEX deletions_clip ON deletions(clip_id);
      CREATE TABLE holds (
        id INTEGER PRIMARY KEY,
        clip_id TEXT NOT NULL,
        hold INTEGER NOT NULL,
        reason TEXT NOT NULL,
        who TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      -- Small facts about this station's set-up (e.g. which clips folder it initialised).
      CREATE TABLE station_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    // Evidence: the station's append-only, signed hash chain, and RFC 3161 timestamps.
    version: 3,
    sql: `
      CREATE TABLE chain (
        seq INTEGER PRIMARY KEY,          -- 1, 2, 3, … without holes
        kind TEXT NOT NULL,               -- genesis | clip | discarded | deleted | legal-hold | export
        clip_id TEXT,
        at INTEGER NOT NULL,              -- epoch ms
        body TEXT NOT NULL,               -- canonical JSON (holds seq, prev, kind, at, key, payload): what is hashed and signed
        prev_hash TEXT NOT NULL,          -- entry_hash of seq-1 (64 zeros for the first)
        entry_hash TEXT NOT NULL,         -- SHA-256 of body
        signature TEXT NOT NULL           -- base64 Ed25519 over body
      );
      CREATE INDEX chain_clip ON chain(clip_id);
      CREATE TABLE timestamps (
        clip_id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        state TEXT NOT NULL,              -- pending | done
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER NOT NULL,
        last_error TEXT,
        tsa_url TEXT,
        tsa_name TEXT,
        tsa_time INTEGER,                 -- the TSA's genTime, epoch ms
        response BLOB                     -- TimeStampResp DER, also written as X.tsr
      );
    `,
  },
  {
    // Carriers added since the first release are switched on for stations that saved their own list
    // (a saved list names every carrier that existed then; a new one is not a choice they made).
    version: 4,
    // The ids are written out: a shipped migration never changes when later carriers are added.
    sql: ['spx', 'amazon', 'lazada', 'ninjavan', 'flash', 'kerry', 'best', 'cainiao', 'auspost', 'royalmail', 'usps', 'canadapost', 'indiapost', 'jtsea']
      .map(
        (id) =>
          `UPDATE settings SET value = json_insert(value, '$[#]', '${id}') WHERE key = 'carrierPatterns' ` +
          `AND NOT EXISTS (SELECT 1 FROM json_each(settings.value) WHERE json_each.value = '${id}');`,
      )
      .join('\n'),
  },
  {
    // Publishing to the warehouse hub (issue 16): the hub this station is enrolled with and the
    // outbox of sealed clips. A trigger on the chain writes the outbox row inside the very
    // transaction that appends the clip's sealing entry, so no sealed clip can miss the outbox.
    // Every other chain entry needs no row: the chain itself is published above the hub's head.
    version: 5,
    sql: `
      CREATE TABLE hub_link (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        url TEXT NOT NULL,
        hub_name TEXT NOT NULL,
        hub_fingerprint TEXT NOT NULL,    -- pinned: SHA-256 of the hub's public key DER
        hub_public_key_pem TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        chain_sent INTEGER NOT NULL DEFAULT 0,   -- every chain entry up to this seq was answered by the hub
        holds_since INTEGER NOT NULL DEFAULT 0,  -- hub holds up to this time are applied
        last_success_at INTEGER,
        last_error_code TEXT,
        last_error TEXT,
        last_error_at INTEGER
      );
      CREATE TABLE hub_outbox (
        clip_id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        chain_seq INTEGER NOT NULL,       -- the clip's sealing entry
        queued_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending', -- pending | confirmed | refused | gone
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        receipt TEXT,                     -- the hub's signed receipt (JSON) once confirmed
        confirmed_at INTEGER,
        tsr_sent INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX hub_outbox_state ON hub_outbox(state, chain_seq);
      CREATE TRIGGER chain_hub_outbox AFTER INSERT ON chain
      WHEN new.kind = 'clip' AND new.clip_id IS NOT NULL AND json_valid(new.body) AND json_extract(new.body, '$.sha256') IS NOT NULL
      BEGIN
        INSERT INTO hub_outbox (clip_id, sha256, chain_seq, queued_at) VALUES (new.clip_id, json_extract(new.body, '$.sha256'), new.seq, new.at)
        ON CONFLICT(clip_id) DO UPDATE SET sha256 = excluded.sha256, chain_seq = excluded.chain_seq, state = 'pending', receipt = NULL, confirmed_at = NULL, tsr_sent = 0;
      END;
      -- Clips sealed before this version wait in the outbox too: enrolling later publishes them.
      INSERT OR IGNORE INTO hub_outbox (clip_id, sha256, chain_seq, queued_at)
        SELECT clip_id, json_extract(body, '$.sha256'), seq, at FROM chain
        WHERE kind = 'clip' AND clip_id IS NOT NULL AND json_valid(body) AND json_extract(body, '$.sha256') IS NOT NULL
        ORDER BY seq DESC;
    `,
  },
  {
    // Engine-made notes and deletion reasons as message codes (shared/messages.ts), a JSON list of
    // {code, params}, so the UI words them in its language. The English columns stay as they are:
    // the CLI, the manifest and the chain read them. Rows written before have no codes and show
    // their English.
    version: 6,
    sql: `
      ALTER TABLE clips ADD COLUMN note_words TEXT;
      ALTER TABLE deletions ADD COLUMN reason_words TEXT;
    `,
  },
];

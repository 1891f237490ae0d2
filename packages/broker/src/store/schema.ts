/**
 * The SQLite schema of the embedded store (DESIGN §3). One database file in WAL mode holds the
 * session registry, labels, accounts and the audit log. `user_version` tracks migrations.
 */
export const APPLICATION_ID = 0x6d716473; // "mqds": lets start-up tell our file from a foreign one
export const SCHEMA_VERSION = 1;

export const schemaV1 = `
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  grp TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  UNIQUE (grp, name)
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  client_name TEXT NOT NULL UNIQUE,
  session_type TEXT NOT NULL CHECK (session_type IN ('mqtt', 'mqApi')),
  session_status TEXT NOT NULL DEFAULT 'normal',
  -- connected | disconnected | connectedTemporarily | unknown (MQ API session never used)
  connection_status TEXT NOT NULL,
  session_health TEXT NOT NULL DEFAULT 'offline',
  unhealthy_reason TEXT,
  temporary INTEGER NOT NULL DEFAULT 0,
  username TEXT,
  ip_address TEXT,
  -- ip_address as a key that sorts in address order (store/ip-sort.ts)
  ip_sort TEXT,
  port INTEGER,
  mqtt_protocol TEXT,
  keep_alive INTEGER NOT NULL DEFAULT 0,
  session_expiry INTEGER NOT NULL DEFAULT 4294967296,
  created_at INTEGER NOT NULL,
  connected_at INTEGER,
  disconnected_at INTEGER,
  last_activity_at INTEGER,
  failed_at INTEGER,
  failed_reason TEXT,
  min_send REAL NOT NULL DEFAULT 0,
  max_send REAL NOT NULL DEFAULT 0,
  max_backlog REAL NOT NULL DEFAULT 0,
  min_subs REAL NOT NULL DEFAULT 0,
  max_subs REAL NOT NULL DEFAULT 0,
  label_id INTEGER REFERENCES labels (id) ON DELETE SET NULL,
  total_published INTEGER NOT NULL DEFAULT 0,
  total_received INTEGER NOT NULL DEFAULT 0,
  sub_count INTEGER NOT NULL DEFAULT 0,
  creator_token TEXT,
  settings TEXT NOT NULL DEFAULT '{}',
  overrides TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_connected_at ON sessions (connected_at);
CREATE INDEX sessions_disconnected_at ON sessions (disconnected_at);
CREATE INDEX sessions_ip ON sessions (ip_address);
CREATE INDEX sessions_ip_sort ON sessions (ip_sort);
CREATE INDEX sessions_status ON sessions (session_status);
CREATE INDEX sessions_connection ON sessions (connection_status);
CREATE INDEX sessions_health ON sessions (session_health);
CREATE INDEX sessions_label ON sessions (label_id) WHERE label_id IS NOT NULL;
CREATE INDEX sessions_creator ON sessions (creator_token) WHERE creator_token IS NOT NULL;

CREATE TABLE subscriptions (
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  topic_filter TEXT NOT NULL,
  qos INTEGER NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (session_id, topic_filter)
) WITHOUT ROWID;

CREATE TABLE published_topics (
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  topic TEXT NOT NULL,
  PRIMARY KEY (session_id, topic)
) WITHOUT ROWID;

CREATE TABLE accounts (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  error_code INTEGER NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_target ON audit_log (target, ts);
CREATE INDEX audit_ts ON audit_log (ts);
`;

/**
 * Added after v1 while no database has been released: idempotent (`IF NOT EXISTS`) and run at
 * every open, so databases created before them get them too.
 * - `api_keys`: keys of the EMQX-compatible API (DESIGN §4); secrets as scrypt hashes only.
 * - Indexes for `GET /api/v5/clients` (store/emqx-query.ts): its pages run in creation order over
 *   the visible MQTT sessions (a partial index, which also serves its count and created_at
 *   bounds), and its username filter.
 * - `mqtt_users`: the accounts MQTT clients authenticate with (issue 6); passwords as scrypt
 *   hashes only. Not MQTT protocol state, despite the prefix it shares with the persistence's tables.
 * - `sessions_mq_api`: the MQ API sessions, which the message queues load at start (issue 14: not a
 *   scan of every session's subscriptions at 100,000 stored sessions).
 * - `broker_settings`: settings an administrator changed at run time (JSON values by name), e.g.
 *   `allowAnonymous`; a stored value wins over the environment's default.
 */
export const schemaExtensions = `
CREATE TABLE IF NOT EXISTS api_keys (
  name TEXT PRIMARY KEY,
  api_key TEXT NOT NULL UNIQUE,
  secret_hash TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL DEFAULT 'dashboard' CHECK (source IN ('dashboard', 'bootstrapFile')),
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_emqx_created ON sessions (created_at)
  WHERE session_type = 'mqtt' AND session_status <> 'hidden';
CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username) WHERE username IS NOT NULL;
CREATE INDEX IF NOT EXISTS sessions_mq_api ON sessions (id) WHERE session_type = 'mqApi';
CREATE TABLE IF NOT EXISTS mqtt_users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  description TEXT NOT NULL DEFAULT '',
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS broker_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
);
`;

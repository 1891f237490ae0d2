/**
 * Tables of MQ API messaging, in the same database file as the registry (DESIGN §3). Created with
 * IF NOT EXISTS when the broker opens the database, so a database of an earlier mqdash gains them
 * without a schema-version step. Rows go with their session (ON DELETE CASCADE).
 *
 * - `mq_api_queue`: messages matched by an MQ API session's subscriptions, not yet fetched with
 *   getMessagesFromMqApiSession. `seq` orders one session's messages.
 * - `topic_history_topics` / `topic_history`: the newest messages of each topic for
 *   getMessagesFromMqTopic, within the retention limits. `position` counts a topic's messages.
 *   One `topic_history` row is one write batch of a topic (the messages of one write-behind
 *   period, consecutive positions first_position..last_position) packed by topic-history-chunk.ts,
 *   so a busy topic costs one row per second, not one per message. The topic row keeps the
 *   counters, so start-up does not have to scan the history.
 */
export const messagingSchema = `
CREATE TABLE IF NOT EXISTS mq_api_queue (
  session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  expires_at INTEGER,
  qos INTEGER NOT NULL,
  retain INTEGER NOT NULL,
  topic TEXT NOT NULL,
  publisher TEXT,
  props TEXT,
  payload BLOB NOT NULL,
  PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS topic_history_topics (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL UNIQUE,
  last_position INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS topic_history (
  topic_id INTEGER NOT NULL REFERENCES topic_history_topics (id) ON DELETE CASCADE,
  first_position INTEGER NOT NULL,
  last_position INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  bytes INTEGER NOT NULL, -- payload bytes of the messages in data
  data BLOB NOT NULL,
  PRIMARY KEY (topic_id, first_position)
) WITHOUT ROWID;
`;

import type { Migration } from './index.ts';

/** Newest events kept per client name; an older one is removed as a new one is written. */
export const SESSION_EVENTS_KEPT = 200;

/**
 * `session_events` (issue 13, the session timeline): each session's connects, disconnects (with
 * reason), refused connects and health turns, bounded to SESSION_EVENTS_KEPT per client name and
 * removed with the session. `details` is JSON (ipaddress, mqttProtocol, reason, sessionHealth).
 */
export const sessionEvents: Migration = {
  name: '2026-12-03-session-events',
  up: (db) => db.exec(`
    CREATE TABLE session_events (
      id INTEGER PRIMARY KEY,
      client_name TEXT NOT NULL,
      ts INTEGER NOT NULL,
      type TEXT NOT NULL,
      details TEXT NOT NULL
    );
    CREATE INDEX session_events_client ON session_events (client_name, id);
  `),
};

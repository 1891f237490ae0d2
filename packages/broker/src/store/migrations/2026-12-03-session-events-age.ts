import type { Migration } from './index.ts';

/** An index on `session_events.ts`, so the retention policy finds events past `sessionEventsMaxAgeDays` without a scan. */
export const sessionEventsAge: Migration = {
  name: '2026-12-03-session-events-age',
  up: (db) => db.exec('CREATE INDEX session_events_ts ON session_events (ts)'),
};

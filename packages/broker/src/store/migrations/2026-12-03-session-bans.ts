import type { Migration } from './index.ts';

/**
 * Issue 12: a session's Ban is the ban list's `clientName` entry (one mechanism, checked at
 * CONNECT). Sessions banned before this get their entry, reason "session banned"
 * (ban-list SESSION_BAN_REASON), no expiry.
 */
export const sessionBans: Migration = {
  name: '2026-12-03-session-bans',
  up(db) {
    db.prepare(`INSERT OR IGNORE INTO bans (ban_type, value, reason, created_by, created_at, expires_at)
      SELECT 'clientName', client_name, 'session banned', NULL, ?, NULL FROM sessions WHERE session_status = 'banned'`).run(Date.now());
  },
};

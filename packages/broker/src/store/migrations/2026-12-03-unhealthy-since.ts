import type { Migration } from './index.ts';

/**
 * `sessions.unhealthy_since` (issue 13 "Health in words"): epoch ms when the session turned
 * unhealthy, written with the turn (registry.evaluate) and cleared when it turns back, so
 * "unhealthy since" is the same in every list and detail, and for another process on the file.
 */
export const unhealthySince: Migration = {
  name: '2026-12-03-unhealthy-since',
  up: (db) => db.exec('ALTER TABLE sessions ADD COLUMN unhealthy_since INTEGER'),
};

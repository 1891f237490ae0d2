import type { Migration } from './index.ts';

/**
 * `readiness_probe`: where `GET /readyz` proves the database takes a write (health/readiness.ts).
 * It stays empty: each probe inserts and deletes one row in the same transaction.
 */
export const readinessProbe: Migration = {
  name: '2026-12-02-readiness-probe',
  up: (db) => db.exec('CREATE TABLE readiness_probe (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)'),
};

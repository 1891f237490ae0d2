import type { Migration } from './index.ts';

/**
 * FairCom's label properties (issue 9): `value` (any JSON, as text; NULL when none was given),
 * `enum` (a smallint), `sequence` (a number that orders labels), `deprecated`, and when the label
 * was last altered. Indexes for listLabels' name and enum filters.
 */
export const labelProperties: Migration = {
  name: '2026-12-02-label-properties',
  up(db) {
    db.exec(`
      ALTER TABLE labels ADD COLUMN value TEXT;
      ALTER TABLE labels ADD COLUMN enum_value INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE labels ADD COLUMN sequence_value REAL NOT NULL DEFAULT 0;
      ALTER TABLE labels ADD COLUMN deprecated INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE labels ADD COLUMN updated_at INTEGER;
      CREATE INDEX labels_name ON labels (name);
      CREATE INDEX labels_enum ON labels (enum_value);
    `);
  },
};

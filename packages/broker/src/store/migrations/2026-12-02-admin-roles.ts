import type { Migration } from './index.ts';

/**
 * Issue 12: administrator accounts and API keys carry a role (viewer, operator, administrator).
 * Every account and key that exists when this runs becomes an administrator, as all of them were
 * all-powerful before; `created_by` and `description` describe accounts made in the dashboard.
 */
export const adminRoles: Migration = {
  name: '2026-12-02-admin-roles',
  up(db) {
    const role = "role TEXT NOT NULL DEFAULT 'administrator' CHECK (role IN ('viewer', 'operator', 'administrator'))";
    db.exec(`
      ALTER TABLE accounts ADD COLUMN ${role};
      ALTER TABLE accounts ADD COLUMN description TEXT NOT NULL DEFAULT '';
      ALTER TABLE accounts ADD COLUMN created_by TEXT;
      ALTER TABLE api_keys ADD COLUMN ${role};
    `);
  },
};

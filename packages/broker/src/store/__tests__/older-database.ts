import Database from 'better-sqlite3';
import { APPLICATION_ID, SCHEMA_VERSION, schemaV1 } from '../schema.ts';

/** An mqdash database as the first release wrote it (schema v1, no migrations), open for the test to fill and close. */
export function olderDatabase(file: string): Database.Database {
  const old = new Database(file);
  old.exec(schemaV1);
  old.pragma(`application_id = ${APPLICATION_ID}`);
  old.pragma(`user_version = ${SCHEMA_VERSION}`);
  return old;
}

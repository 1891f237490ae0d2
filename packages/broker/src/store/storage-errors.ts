/**
 * SQLite failures that come from the storage rather than from a bug: a full disk, a read-only file
 * or folder, an I/O error, a damaged file. Each gets a sentence an operator understands; the
 * change that hit it was rolled back by SQLite, so nothing half-written is left behind.
 */
const byCode: Array<[prefix: string, problem: string]> = [
  ['SQLITE_FULL', 'the disk holding the database is full (or the database reached its size limit)'],
  ['SQLITE_READONLY', 'the database is read-only for this process'],
  ['SQLITE_CANTOPEN', 'the database file cannot be opened (check the data folder and its permissions)'],
  ['SQLITE_IOERR', 'the database could not be written: the disk reported an I/O error (is it full, or read-only?)'],
  ['SQLITE_CORRUPT', 'the database file is damaged (restore a backup)'],
  ['SQLITE_NOTADB', 'the database file is not an SQLite database (it is damaged or another kind of file)'],
];

/** The operator's sentence for a storage failure, or undefined for any other error. */
export function storageProblem(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return byCode.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`))?.[1];
}

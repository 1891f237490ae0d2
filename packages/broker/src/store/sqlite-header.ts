import fs from 'node:fs';

/** Whether a file starts with SQLite's header (read before SQLite is let near a file of unknown kind). */
export function hasSqliteHeader(file: string): boolean {
  const header = Buffer.alloc(16);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 16, 0);
  } finally {
    fs.closeSync(fd);
  }
  return header.toString('latin1') === 'SQLite format 3\0';
}

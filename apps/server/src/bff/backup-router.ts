import fs from 'node:fs';
import express from 'express';
import { backupFileNameSchema, type CreateBackupResult } from '@mqdash/contracts';
import { act, sessionOf, type BffDeps } from './context.ts';
import { HttpError } from './errors.ts';

/** A backup made for a download that never came is removed after this long. */
const UNCLAIMED_MS = 10 * 60_000;

/**
 * `/bff/backups`, Settings → Backup: `POST` runs createBackup (audited) and answers its result;
 * `GET /:fileName` then streams that file (with its length, so the page can show progress) and
 * removes it once sent. Only the dashboard login that made a backup can fetch it, once; a backup
 * made through `POST /api` stays in DATA_DIR/backups for the operator.
 */
export function backupRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  /** fileName → the BFF login that made it, and the timer that removes it unclaimed. */
  const pending = new Map<string, { sessionId: string; timer: NodeJS.Timeout }>();
  const forget = (fileName: string) => {
    const p = pending.get(fileName);
    if (p) clearTimeout(p.timer);
    pending.delete(fileName);
    deps.broker.core.backups.remove(fileName);
  };

  router.post('/', async (req, res) => {
    const result = await act<CreateBackupResult>(deps, req, 'createBackup', {});
    const timer = setTimeout(() => forget(result.fileName), UNCLAIMED_MS);
    timer.unref();
    pending.set(result.fileName, { sessionId: sessionOf(req).id, timer });
    res.status(201).json(result);
  });

  router.get('/:fileName', (req, res) => {
    const fileName = String(req.params.fileName);
    const p = pending.get(fileName);
    const file = backupFileNameSchema.safeParse(fileName).success && p?.sessionId === sessionOf(req).id ? deps.broker.core.backups.file(fileName) : null;
    if (!file) throw new HttpError(404, 'BACKUP_NOT_FOUND', 'no backup of that name is waiting for this sign-in; create a new one');
    const size = fs.statSync(file).size;
    // `end` tells the stream where the file stops, so it ends right after the last chunk instead
    // of after one more (empty) read, and `end()` follows the last byte at once.
    const stream = fs.createReadStream(file, { start: 0, end: Math.max(0, size - 1) });
    res.set({
      'Content-Type': 'application/vnd.sqlite3',
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${fileName}"`,
    });
    // Sent in full, the download is the backup and the copy on the server goes; cut off, it stays
    // until the unclaimed timer, and a new download needs a new backup. Judged at 'close', not
    // 'finish': a client that has every byte may close the connection before `end()` has run, and
    // 'finish' then never comes. Every byte read and none left in the response's buffer is sent.
    let read = 0;
    stream.on('data', (chunk) => (read += chunk.length));
    res.once('close', () => {
      if (res.writableEnded || (read === size && res.writableLength === 0)) forget(fileName);
    });
    stream.once('error', (err) => res.destroy(err));
    stream.pipe(res);
  });

  return router;
}

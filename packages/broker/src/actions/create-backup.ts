import { createBackupParams, type CreateBackupResult } from '@mqdash/contracts';
import { administratorOnly } from './admin-guard.ts';
import { defineAction } from './types.ts';

/**
 * createBackup (mqdash extension, issue 14): a consistent copy of the database, taken while the
 * broker runs, in DATA_DIR/backups. Administrators only; audited.
 */
export const createBackup = defineAction({
  name: 'createBackup',
  params: createBackupParams,
  audit: () => 'backup',
  async run(_p, ctx): Promise<CreateBackupResult> {
    administratorOnly(ctx, 'A backup');
    const b = await ctx.core.backups.create();
    ctx.core.log.info({ fileName: b.fileName, bytes: b.bytes, pages: b.pages, ms: Math.round(b.durationMs) }, 'backup written');
    return {
      fileName: b.fileName, bytes: b.bytes, pages: b.pages,
      durationMilliseconds: Math.round(b.durationMs), createdDateTime: new Date(b.createdAt).toISOString(),
    };
  },
});

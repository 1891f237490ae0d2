import { z } from 'zod';
import { utf8String } from '../common.ts';

/** mqdash extension: the logged-in account changes its password; all its authTokens are revoked. */
export const changePasswordParams = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12, 'must be at least 12 characters').max(1024),
});

/** mqdash extension: recent audit-log entries, newest first, optionally for one target. */
export const listAuditLogParams = z.object({
  target: utf8String(0, 65550).optional(),
  maxRecords: z.int().min(1).max(1000).default(100),
});

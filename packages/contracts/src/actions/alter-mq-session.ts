import { z } from 'zod';
import { clientNameSchema, labelSchema } from '../common.ts';
import { checkCleanVsTemporary, sessionSettingsShape } from '../session-settings.ts';
import type { SessionDetail } from '../session.ts';

/**
 * Seed 002, a patch: only the given properties change (DESIGN §3).
 * `label: null` removes the session's label (mqdash extension).
 */
export const alterMqSessionParams = z
  .object({
    ...sessionSettingsShape,
    clientName: clientNameSchema,
    label: labelSchema.nullable().optional(),
  })
  .superRefine(checkCleanVsTemporary);

export const alterMqSessionKeepsNull = ['label'] as const;
export type AlterMqSessionParams = z.infer<typeof alterMqSessionParams>;
export type AlterMqSessionResult = SessionDetail;

import { z } from 'zod';
import { clientNameSchema, labelSchema, mqttProtocols } from '../common.ts';
import { checkCleanVsTemporary, sessionSettingsShape } from '../session-settings.ts';
import type { SessionDetail } from '../session.ts';

/** Seed 003. An empty clientName gets a unique generated name (DESIGN §3). */
export const createMqApiSessionParams = z
  .object({
    ...sessionSettingsShape,
    clientName: clientNameSchema.default(''),
    mqttProtocol: z.enum(mqttProtocols).default('5.0'),
    label: labelSchema.optional(),
  })
  .superRefine(checkCleanVsTemporary);

export type CreateMqApiSessionParams = z.infer<typeof createMqApiSessionParams>;
export type CreateMqApiSessionResult = SessionDetail & { sessionPresent: boolean };

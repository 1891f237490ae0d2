import { z } from 'zod';
import { clientNameSchema } from '../common.ts';

/**
 * FairCom's deleteMqSession (DESIGN §3): false, null or omitted marks the session inactive and
 * disconnects a connected MQTT client; true disconnects it and removes everything.
 */
export const deleteMqSessionParams = z.object({
  clientName: clientNameSchema,
  permanentlyDeleteSession: z.boolean().default(false),
});
export type DeleteMqSessionParams = z.infer<typeof deleteMqSessionParams>;
export interface DeleteMqSessionResult {
  clientName: string;
  deleted: boolean;
  sessionStatus?: string;
  /** Whether a connected MQTT client was disconnected. */
  disconnected: boolean;
}

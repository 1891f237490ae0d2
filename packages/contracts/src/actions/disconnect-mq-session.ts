import { z } from 'zod';
import { clientNameSchema } from '../common.ts';

/** mqdash extension (DESIGN §4): ends the connection with MQTT 5 reason 0x98, keeps the session. */
export const disconnectMqSessionParams = z.object({
  clientName: clientNameSchema,
});
export type DisconnectMqSessionParams = z.infer<typeof disconnectMqSessionParams>;
export interface DisconnectMqSessionResult {
  clientName: string;
  wasConnected: boolean;
}

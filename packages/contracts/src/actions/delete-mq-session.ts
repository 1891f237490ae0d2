import { z } from 'zod';
import { clientNameSchema } from '../common.ts';

/** DESIGN §3: false (default) marks the session inactive; true disconnects and removes everything. */
export const deleteMqSessionParams = z.object({
  clientName: clientNameSchema,
  permanentlyDeleteSession: z.boolean().default(false),
});
export type DeleteMqSessionParams = z.infer<typeof deleteMqSessionParams>;
export interface DeleteMqSessionResult {
  clientName: string;
  deleted: boolean;
  sessionStatus?: string;
}

import { z } from 'zod';
import { responseOptionsSchema } from './common.ts';
import type { ErrorCodeValue } from './errors.ts';

/** FairCom's JSON action envelope (DESIGN §4). `params` is validated per action. */
export const requestEnvelopeSchema = z.object({
  api: z.string().max(64).optional(),
  action: z.string().min(1).max(128),
  params: z.record(z.string(), z.unknown()).nullish(),
  authToken: z.string().max(1024).optional(),
  requestId: z.union([z.string().max(1024), z.number()]).optional(),
  apiVersion: z.string().max(32).optional(),
  debug: z.enum(['none', 'max']).optional(),
  responseOptions: responseOptionsSchema.optional(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

export interface ResponseEnvelope<R = unknown> {
  result?: R;
  errorCode: ErrorCodeValue;
  errorMessage: string;
  errorData?: { property?: string; value?: unknown; [k: string]: unknown };
  requestId?: string | number;
  authToken?: string;
  debugInfo?: { warnings?: string[]; request?: unknown; elapsedMilliseconds?: number; [k: string]: unknown };
}

import { z } from 'zod';
import { clientNameSchema } from '../common.ts';
import type { SessionDetail } from '../session.ts';

/** Seed 001. */
export const describeMqSessionsParams = z.object({
  clientNames: z.array(clientNameSchema).max(10000).default([]),
  includeSubscribedTopics: z.boolean().default(true),
  includePublishedTopics: z.boolean().default(true),
  includeStats: z.boolean().default(true),
});

export type DescribeMqSessionsParams = z.infer<typeof describeMqSessionsParams>;
export interface DescribeMqSessionsResult {
  data: SessionDetail[];
}

import { z } from 'zod';
import { clientNameSchema } from '../common.ts';
import { topicFilterSchema } from '../topics.ts';

/**
 * subscribeToMq (seed 003 names it; DESIGN §4): adds and removes a session's subscriptions
 * through `subscriptionActions`, for MQTT sessions (live connection and stored session) and MQ
 * API sessions alike. MQTT 5 subscription options: noLocal, retainAsPublished, retainHandling.
 */
export const subscriptionActionSchema = z.object({
  action: z.enum(['subscribe', 'unsubscribe']).default('subscribe'),
  topicFilter: topicFilterSchema,
  qos: z.int().min(0).max(2).default(2),
  noLocal: z.boolean().default(false),
  retainAsPublished: z.boolean().default(false),
  retainHandling: z.int().min(0).max(2).default(0),
});

export const subscribeToMqParams = z.object({
  clientName: clientNameSchema,
  subscriptionActions: z.array(subscriptionActionSchema).min(1).max(1000),
});
export type SubscribeToMqParams = z.infer<typeof subscribeToMqParams>;

export interface SubscribeToMqResult {
  clientName: string;
  results: Array<{ action: 'subscribe' | 'unsubscribe'; topicFilter: string; qos?: number; succeeded: boolean; reason?: string }>;
  subscribedTopics: Array<{ topicFilter: string; qos: number }>;
}

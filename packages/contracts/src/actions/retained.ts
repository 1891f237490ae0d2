import { z } from 'zod';
import { exclusive } from '../common.ts';
import { topicFilterSchema, topicNameSchema } from '../topics.ts';
import { payloadFormatSchema, type PayloadFormat } from './messages.ts';

/**
 * Retained messages (mqdash extension, issue 14): listRetainedMessages, describeRetainedMessages
 * and deleteRetainedMessages, in FairCom's style (params / result.data, skipRecords/maxRecords
 * paging with totalCount as listMqSessions has).
 */

/** Most retained messages one list or describe returns. */
export const MAX_RETAINED_PER_PAGE = 10_000;

export const listRetainedMessagesParams = z.object({
  /** MQTT topic filter (`+`, `#`); default `#`: every topic but `$…` ones [MQTT-4.7.2-1]. */
  topicFilter: topicFilterSchema.default('#'),
  skipRecords: z.int().min(0).max(4294967295).default(0),
  maxRecords: z.int().min(1).max(MAX_RETAINED_PER_PAGE).default(100),
});
export type ListRetainedMessagesParams = z.infer<typeof listRetainedMessagesParams>;

/** One retained message in a list: everything but the payload. */
export interface RetainedMessageSummary {
  topic: string;
  qos: number;
  /** Payload bytes. */
  payloadSize: number;
  /** When the broker stored it (ISO 8601, UTC). */
  storedDateTime: string;
  /** When it expires (MQTT 5 Message Expiry Interval); absent: never. */
  expiryDateTime?: string;
  /** The MQTT client that published it, when the broker saw it (absent for older rows and API publishes). */
  publisherClientName?: string;
  publisherUsername?: string;
  contentType?: string;
}

export interface ListRetainedMessagesResult {
  data: RetainedMessageSummary[];
  /** Every retained message the filter matches. */
  totalCount: number;
}

export const describeRetainedMessagesParams = z.object({
  /** Exact topic names (no wildcards). */
  topics: z.array(topicNameSchema).min(1).max(MAX_RETAINED_PER_PAGE),
  /** How payloads are written (default `utf8`; a payload that is not text comes back as base64 and says so). */
  binaryFormat: payloadFormatSchema.default('utf8'),
});
export type DescribeRetainedMessagesParams = z.infer<typeof describeRetainedMessagesParams>;

export interface RetainedMessageDetail extends RetainedMessageSummary {
  payload: unknown;
  binaryFormat: PayloadFormat;
  /** Seconds left before it expires. */
  expirySeconds?: number;
  /** MQTT 5 properties, present when the message has them. */
  messageExpiryInterval?: number;
  correlationData?: string;
  correlationDataBinaryFormat?: 'base64';
  responseTopic?: string;
  userProperties?: Array<{ key: string; value: string }>;
  payloadFormatIndicator?: 'none' | 'utf8';
}

export interface DescribeRetainedMessagesResult {
  /** The topics that hold a retained message, in the order asked. */
  data: RetainedMessageDetail[];
  /** The topics asked for that hold none. */
  notFoundTopics: string[];
}

export const deleteRetainedMessagesParams = z.object({
  /** One exact topic. */
  topic: topicNameSchema.optional(),
  /** Every retained message this MQTT topic filter matches. */
  topicFilter: topicFilterSchema.optional(),
  /** true: count what would be deleted, delete nothing. */
  dryRun: z.boolean().default(false),
}).superRefine((v, ctx) => {
  exclusive(ctx, v, 'topic', 'topicFilter');
  if (v.topic === undefined && v.topicFilter === undefined)
    ctx.addIssue({ code: 'custom', path: ['topicFilter'], params: { errorCode: 'missingProperty' }, message: 'give "topic" (one topic) or "topicFilter" (e.g. "sensors/#")' });
});
export type DeleteRetainedMessagesParams = z.infer<typeof deleteRetainedMessagesParams>;

export interface DeleteRetainedMessagesResult {
  /** Retained messages the topic or filter matched. */
  matchedCount: number;
  /** Retained messages deleted (0 with dryRun). */
  deletedCount: number;
  dryRun: boolean;
}

/** `GET /bff/retained` query: the list's params from the URL. */
export const retainedListQuery = z.object({
  topicFilter: topicFilterSchema.default('#'),
  page: z.coerce.number().int().min(1).max(100_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});
export type RetainedListQuery = z.infer<typeof retainedListQuery>;

/** `GET /bff/retained/message?topic=`: one retained message (payload in base64; the screen shows it as text, JSON or hex). */
export const retainedMessageQuery = z.object({ topic: topicNameSchema });

/** `POST /bff/retained/delete` body: one topic or a filter, optionally counted only (dryRun). */
export const retainedDeleteBody = deleteRetainedMessagesParams;

/** `GET /bff/retained`: one page of the list. */
export interface RetainedListPage extends ListRetainedMessagesResult {
  page: number;
  pageSize: number;
}

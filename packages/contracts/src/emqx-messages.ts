import { z } from 'zod';
import { maxChars } from './common.ts';
import { EMQX_MAX_LIMIT } from './emqx.ts';

/**
 * EMQX 5's message publishing (`POST /api/v5/publish`, `/publish/bulk`) and subscription list
 * (`GET /api/v5/subscriptions`) in their documented shapes (docs/emqx-api.md).
 */

/** EMQX 5's `message_properties` of a published message (MQTT 5 PUBLISH properties). */
export const emqxMessageProperties = z.object({
  payload_format_indicator: z.int().min(0).max(1).optional(),
  message_expiry_interval: z.int().min(0).max(4294967295).optional(),
  response_topic: maxChars(65535).optional(),
  correlation_data: maxChars(65535).optional(),
  user_properties: z.record(maxChars(65535), maxChars(65535)).optional(),
  content_type: maxChars(65535).optional(),
});

/**
 * One message of `POST /publish` (and an item of `/publish/bulk`). The topic is checked by the
 * route, so a bad one answers EMQX's `{reason_code: 144, message: "topic_name_invalid"}`.
 */
export const emqxPublishBody = z.object({
  topic: maxChars(65535),
  payload: z.string(),
  payload_encoding: z.enum(['plain', 'base64']).default('plain'),
  qos: z.int().min(0).max(2).default(0),
  retain: z.boolean().default(false),
  /** Deprecated in EMQX 5.0.14 and ignored there; accepted and ignored here too. */
  clientid: maxChars(65535).optional(),
  properties: emqxMessageProperties.optional(),
});
export type EmqxPublishBody = z.infer<typeof emqxPublishBody>;
export const emqxPublishBulkBody = z.array(emqxPublishBody).min(1).max(1000);

/** A published message (`200`) or why it was not delivered (`202` no subscriber, `400`, `503`). */
export type EmqxPublishResult = { id: string } | { reason_code: number; message: string };

const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

/**
 * `GET /api/v5/subscriptions`: EMQX 5's filters, every given one must match. `share` and
 * `_match_topic` (EMQX Cloud's spellings) are aliases of `share_group` and `match_topic`.
 */
export const emqxSubscriptionsQuery = z.object({
  _page: queryInt(1, 100_000_000).optional().default(1),
  _limit: queryInt(1, EMQX_MAX_LIMIT).optional().default(100),
  node: maxChars(1024).optional(),
  clientid: maxChars(65550).optional(),
  qos: queryInt(0, 2).optional(),
  /** The subscription's topic filter, exactly (a shared one's own filter). */
  topic: maxChars(65535).optional(),
  /** Subscriptions whose filter falls under this filter. */
  match_topic: maxChars(65535).optional(),
  _match_topic: maxChars(65535).optional(),
  share_group: maxChars(65535).optional(),
  share: maxChars(65535).optional(),
  /** EMQX 5.5+: durable sessions; mqdash has none, so "true" matches nothing. */
  durable: z.enum(['true', 'false']).optional(),
});
export type EmqxSubscriptionsQuery = z.infer<typeof emqxSubscriptionsQuery>;

/** One subscription as `GET /subscriptions` lists it. */
export interface EmqxSubscriptionItem {
  topic: string;
  qos: number;
  node: string;
  clientid: string;
  nl: number;
  rap: number;
  rh: number;
}

export interface EmqxSubscriptionsPage {
  meta: { page: number; limit: number; count: number; hasnext: boolean };
  data: EmqxSubscriptionItem[];
}

import { z } from 'zod';
import { maxChars } from './common.ts';
import { EMQX_MAX_LIMIT } from './emqx.ts';

/**
 * EMQX 5's retainer API (`/api/v5/mqtt/retainer/…`) and routing table (`GET /api/v5/topics`) in
 * their documented shapes (docs/emqx-api.md): `page`/`limit` paging (the `_page`/`_limit` of
 * `GET /clients` are accepted too), `meta {page, limit, count, hasnext}`, payloads in base64.
 */

const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

const paging = {
  page: queryInt(1, 100_000_000).optional(),
  limit: queryInt(1, EMQX_MAX_LIMIT).optional(),
  _page: queryInt(1, 100_000_000).optional(),
  _limit: queryInt(1, EMQX_MAX_LIMIT).optional(),
};

/** `page` (default 1) and `limit` (default 100) from either spelling. */
export const emqxPaging = (q: { page?: number; limit?: number; _page?: number; _limit?: number }) =>
  ({ page: q.page ?? q._page ?? 1, limit: q.limit ?? q._limit ?? 100 });

/** `GET /mqtt/retainer/messages`: `topic`, a topic filter, narrows the list (EMQX 5.1+). */
export const emqxRetainerQuery = z.object({ ...paging, topic: maxChars(65535).optional() });

/** `GET /topics`: `topic` is one route exactly; `node` another node's name matches nothing. */
export const emqxTopicsQuery = z.object({ ...paging, topic: maxChars(65535).optional(), node: maxChars(1024).optional() });

export interface EmqxPageMeta { page: number; limit: number; count: number; hasnext: boolean }

/** A retained message as EMQX lists it (`message_summary`); `GET /message/{topic}` adds `payload`. */
export interface EmqxRetainedSummary {
  msgid: string;
  topic: string;
  qos: number;
  publish_at: string;
  /** null when the broker did not see the publisher (published through an API, or stored before mqdash kept it). */
  from_clientid: string | null;
  from_username: string | null;
}
export interface EmqxRetainedMessage extends EmqxRetainedSummary {
  /** base64 */
  payload: string;
}
export interface EmqxRetainedPage { data: EmqxRetainedSummary[]; meta: EmqxPageMeta }
export interface EmqxTopicsPage { data: Array<{ topic: string; node: string }>; meta: EmqxPageMeta }

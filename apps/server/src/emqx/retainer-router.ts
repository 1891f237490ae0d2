import { createHash } from 'node:crypto';
import express, { type Request } from 'express';
import type { Broker } from '@mqdash/broker';
import {
  emqxPaging, emqxRetainerQuery, type DeleteRetainedMessagesResult, type DescribeRetainedMessagesResult, type EmqxRetainedMessage,
  type EmqxRetainedPage, type EmqxRetainedSummary, type ListRetainedMessagesResult, type RetainedMessageSummary,
} from '@mqdash/contracts';
import { rfc3339 } from './client-format.ts';
import { act } from './act.ts';
import { EmqxHttpError, parseWith } from './errors.ts';

/** EMQX's answer for a topic without a retained message. */
const notFound = () => new EmqxHttpError(404, 'NOT_FOUND', "Viewed message doesn't exist");

/** EMQX's msgid is a 128-bit id in hex; mqdash derives a stable one from the topic and when it was stored. */
const msgid = (m: RetainedMessageSummary) => createHash('sha256').update(`${m.topic}\u0000${m.storedDateTime}`).digest('hex').slice(0, 32);

const summary = (m: RetainedMessageSummary): EmqxRetainedSummary => ({
  msgid: msgid(m), topic: m.topic, qos: m.qos, publish_at: rfc3339(Date.parse(m.storedDateTime)),
  from_clientid: m.publisherClientName ?? null, from_username: m.publisherUsername ?? null,
});

/** `{topic}` of `/message/{topic}`: URL-encoded (`a%2Fb`), or its levels written as path segments (`a/b`). */
const topicOf = (req: Request): string => {
  const t = (req.params as { topic: string | string[] }).topic;
  return Array.isArray(t) ? t.join('/') : t;
};

/**
 * `/api/v5/mqtt/retainer` (EMQX 5): `GET /messages` (paged, `topic` filter), `DELETE /messages`
 * (every retained message `#` matches: the broker's own `$…` topics stay), `GET` and `DELETE
 * /message/{topic}`. Each runs the retained JSON actions as the API key, so roles and the audit
 * log apply as everywhere.
 */
export function retainerRouter(broker: Broker): express.Router {
  const router = express.Router();

  router.get('/messages', async (req, res) => {
    const q = parseWith(emqxRetainerQuery, req.query, 'query');
    const { page, limit } = emqxPaging(q);
    const offset = (page - 1) * limit;
    const r = await act<ListRetainedMessagesResult>(broker, req, res, 'listRetainedMessages', {
      topicFilter: q.topic ?? '#', skipRecords: offset, maxRecords: limit,
    });
    const body: EmqxRetainedPage = {
      data: r.data.map(summary),
      meta: { page, limit, count: r.totalCount, hasnext: offset + r.data.length < r.totalCount },
    };
    res.json(body);
  });

  router.delete('/messages', async (req, res) => {
    await act<DeleteRetainedMessagesResult>(broker, req, res, 'deleteRetainedMessages', { topicFilter: '#' });
    res.status(204).end();
  });

  router.get('/message/*topic', async (req, res) => {
    const r = await act<DescribeRetainedMessagesResult>(broker, req, res, 'describeRetainedMessages', { topics: [topicOf(req)], binaryFormat: 'base64' });
    const m = r.data[0];
    if (!m) throw notFound();
    res.json({ ...summary(m), payload: m.payload as string } satisfies EmqxRetainedMessage);
  });

  router.delete('/message/*topic', async (req, res) => {
    const r = await act<DeleteRetainedMessagesResult>(broker, req, res, 'deleteRetainedMessages', { topic: topicOf(req) });
    if (r.deletedCount === 0) throw notFound();
    res.status(204).end();
  });

  return router;
}

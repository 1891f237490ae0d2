import express from 'express';
import type { Broker } from '@mqdash/broker';
import { emqxSubscriptionsQuery, type EmqxSubscriptionsPage } from '@mqdash/contracts';
import { parseWith } from './errors.ts';

/**
 * `GET /api/v5/subscriptions` (EMQX 5): the subscriptions of the EMQX clients here (visible MQTT
 * sessions, connected or not), paged like `GET /clients`, filtered by clientid, qos, topic,
 * match_topic, share_group and node (another node's name matches nothing; so does durable=true).
 */
export function subscriptionsRouter(broker: Broker, node: string): express.Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const q = parseWith(emqxSubscriptionsQuery, req.query, 'query');
    const offset = (q._page - 1) * q._limit;
    const { rows, total } = broker.emqxClients.subscriptions.list({
      clientName: q.clientid, qos: q.qos, topic: q.topic, matchTopic: q.match_topic ?? q._match_topic, shareGroup: q.share_group ?? q.share,
      matchesNothing: (q.node !== undefined && q.node !== node) || q.durable === 'true',
    }, offset, q._limit);
    const page: EmqxSubscriptionsPage = {
      meta: { page: q._page, limit: q._limit, hasnext: offset + rows.length < total, count: total },
      data: rows.map((r) => ({
        topic: r.topicFilter, qos: r.qos, node, clientid: r.clientName, nl: r.options.nl ? 1 : 0, rap: r.options.rap ? 1 : 0, rh: Number(r.options.rh ?? 0),
      })),
    };
    res.json(page);
  });
  return router;
}

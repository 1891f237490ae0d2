import express from 'express';
import type { Broker } from '@mqdash/broker';
import { emqxPaging, emqxTopicsQuery, type EmqxTopicsPage } from '@mqdash/contracts';
import { parseWith } from './errors.ts';

/**
 * `GET /api/v5/topics` (EMQX 5): the routing table, a route (a topic filter some session here
 * subscribes to) and the node it routes to, paged; `topic` is one route exactly, `node` another
 * node's name matches nothing.
 */
export function topicsRouter(broker: Broker, node: string): express.Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const q = parseWith(emqxTopicsQuery, req.query, 'query');
    const { page, limit } = emqxPaging(q);
    const offset = (page - 1) * limit;
    const { topics, total } = q.node !== undefined && q.node !== node
      ? { topics: [], total: 0 }
      : broker.emqxClients.topics.list(q.topic, offset, limit);
    const body: EmqxTopicsPage = {
      data: topics.map((topic) => ({ topic, node })),
      meta: { page, limit, count: total, hasnext: offset + topics.length < total },
    };
    res.json(body);
  });
  return router;
}

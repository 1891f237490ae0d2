import express, { type Request, type Response } from 'express';
import type { Broker } from '@mqdash/broker';
import {
  emqxClientsQuery, emqxSubscribeBody, emqxSubscribeBulkBody, emqxUnsubscribeBody, emqxUnsubscribeBulkBody,
  type EmqxClientsPage, type EmqxSubscribeBody, type EmqxSubscription, type SubscribeToMqResult,
} from '@mqdash/contracts';
import { act } from './act.ts';
import { filterOf } from './client-filter.ts';
import { toEmqxClient } from './client-format.ts';
import { EmqxHttpError, clientNotFound, parseWith } from './errors.ts';

/**
 * `/api/v5/clients` (seed 004). Reads use the store's indexed queries; every change goes through a
 * JSON action (deleteMqSession, subscribeToMq) run as the API key, so it is validated, audited,
 * and reaches both the live connection and the stored session. Bodies are validated before
 * anything changes.
 */
export function clientsRouter(broker: Broker, node: string): express.Router {
  const router = express.Router();

  /** The path's client if it is an EMQX client here (an MQTT session, not hidden), else 404. */
  const clientOf = (req: Request): string => {
    const clientid = String(req.params.clientid);
    if (!broker.emqxClients.get(clientid)) throw clientNotFound(clientid);
    return clientid;
  };

  const subscribe = async (req: Request, res: Response, clientName: string, subs: EmqxSubscribeBody[]): Promise<EmqxSubscription[]> => {
    const r = await act<SubscribeToMqResult>(broker, req, res, 'subscribeToMq', {
      clientName,
      subscriptionActions: subs.map((s) => ({
        action: 'subscribe', topicFilter: s.topic, qos: s.qos, noLocal: s.nl === 1, retainAsPublished: s.rap === 1, retainHandling: s.rh,
      })),
    });
    const refused = r.results.find((x) => !x.succeeded);
    if (refused) throw new EmqxHttpError(400, 'BAD_REQUEST', `topic ${JSON.stringify(refused.topicFilter)}: ${refused.reason ?? 'refused'}`);
    return subs.map((s) => ({ clientid: clientName, topic: s.topic, qos: s.qos, nl: s.nl, node, rap: s.rap, rh: s.rh }));
  };

  const unsubscribe = (req: Request, res: Response, clientName: string, topics: string[]) =>
    act(broker, req, res, 'subscribeToMq', { clientName, subscriptionActions: topics.map((topicFilter) => ({ action: 'unsubscribe', topicFilter })) });

  router.get('/', (req, res) => {
    const q = parseWith(emqxClientsQuery, req.query, 'query');
    const offset = (q._page - 1) * q._limit;
    const { rows, total } = broker.emqxClients.list(filterOf(q), offset, q._limit);
    const page: EmqxClientsPage = {
      meta: { page: q._page, limit: q._limit, hasnext: offset + rows.length < total, count: total },
      data: rows.map((r) => toEmqxClient(r, broker, node)),
    };
    res.json(page);
  });

  router.get('/:clientid', (req, res) => {
    const row = broker.emqxClients.get(String(req.params.clientid));
    if (!row) throw clientNotFound(String(req.params.clientid));
    res.json(toEmqxClient(row, broker, node));
  });

  // Seed 004 "Kick": ends the connection and the session (DESIGN §3: the permanent delete).
  router.delete('/:clientid', async (req, res) => {
    await act(broker, req, res, 'deleteMqSession', { clientName: clientOf(req), permanentlyDeleteSession: true });
    res.status(204).end();
  });

  router.post('/:clientid/subscribe', async (req, res) => {
    const body = parseWith(emqxSubscribeBody, req.body, 'body');
    const [sub] = await subscribe(req, res, clientOf(req), [body]);
    res.json(sub);
  });

  router.post('/:clientid/subscribe/bulk', async (req, res) => {
    const body = parseWith(emqxSubscribeBulkBody, req.body, 'body');
    // Seed 004's response table and example wrap the list: `{"data": [...]}`.
    res.json({ data: await subscribe(req, res, clientOf(req), body) });
  });

  router.post('/:clientid/unsubscribe', async (req, res) => {
    const body = parseWith(emqxUnsubscribeBody, req.body, 'body');
    await unsubscribe(req, res, clientOf(req), [body.topic]);
    res.status(204).end();
  });

  router.post('/:clientid/unsubscribe/bulk', async (req, res) => {
    const body = parseWith(emqxUnsubscribeBulkBody, req.body, 'body');
    await unsubscribe(req, res, clientOf(req), body.map((b) => b.topic));
    res.status(204).end();
  });

  return router;
}

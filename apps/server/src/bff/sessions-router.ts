import express, { type Request } from 'express';
import {
  UNDO_WINDOW_MS, bulkBody, deleteQuery, exportFormat, sessionsQuery, subscribeBody,
  type BulkAction, type BulkResult, type ListMqSessionsResult, type SessionDetail, type SessionsPage,
} from '@mqdash/contracts';
import { act, parseWith, warningHeader, type BffDeps } from './context.ts';
import { sessionsCsv } from './csv.ts';
import { HttpError } from './errors.ts';
import { listParams } from './list-params.ts';

/** Most sessions one bulk action or export may touch. */
const MAX_BULK = 10_000;
const MAX_EXPORT = 200_000;

const nameOf = (req: Request) => String(req.params.clientName);

/** `/bff/sessions`: the table, one session, edit, bulk status changes, kick, disconnect, subscribe. */
export function sessionsRouter(deps: BffDeps): express.Router {
  const router = express.Router();
  const describe = async (req: Request, clientName: string): Promise<SessionDetail> => {
    try {
      return (await act<{ data: SessionDetail[] }>(deps, req, 'describeMqSessions', { clientNames: [clientName] })).data[0]!;
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) throw new HttpError(404, 'SESSION_NOT_FOUND', `no session named ${JSON.stringify(clientName)}`);
      throw err;
    }
  };

  router.get('/', async (req, res) => {
    const q = parseWith(sessionsQuery, req.query, 'query');
    const r = await act<ListMqSessionsResult>(deps, req, 'listMqSessions', listParams(q, { skip: q.page * q.pageSize, max: q.pageSize }));
    res.json({ rows: r.data, total: r.totalCount, page: q.page, pageSize: q.pageSize } satisfies SessionsPage);
  });

  router.get('/export', async (req, res) => {
    const format = parseWith(exportFormat, req.query.format ?? 'csv', 'query');
    const q = parseWith(sessionsQuery, req.query, 'query');
    const r = await act<ListMqSessionsResult>(deps, req, 'listMqSessions', listParams(q, { skip: 0, max: MAX_EXPORT }));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.set('Content-Disposition', `attachment; filename="mqdash-sessions-${stamp}.${format}"`);
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(sessionsCsv(r.data));
    else res.type('application/json').send(JSON.stringify(r.data, null, 2));
  });

  router.post('/bulk', async (req, res) => {
    const body = parseWith(bulkBody, req.body, 'body');
    let names = body.clientNames ?? [];
    if (body.filter) {
      const q = parseWith(sessionsQuery, body.filter, 'body');
      names = (await act<ListMqSessionsResult>(deps, req, 'listMqSessions', listParams(q, { skip: 0, max: MAX_BULK + 1 }))).data.map((r) => r.clientName);
      if (names.length > MAX_BULK) throw new HttpError(400, 'BAD_REQUEST', `the filter matches more than ${MAX_BULK} sessions; narrow it`, 'filter');
    }
    const result: BulkResult = { action: body.action, succeeded: [], failed: [] };
    const auditIds: number[] = [];
    const until = new Date(Date.now() + UNDO_WINDOW_MS).toISOString();
    for (const clientName of names) {
      try {
        await bulkOne(deps, req, body.action, clientName, (id) => auditIds.push(id));
        result.succeeded.push(clientName);
      } catch (err) {
        result.failed.push({ clientName, error: err instanceof HttpError ? err.message : 'failed on the server' });
      }
    }
    if (auditIds.length) result.undo = { auditIds, until };
    res.json(result);
  });

  router.get('/:clientName', async (req, res) => {
    res.json(await describe(req, nameOf(req)));
  });

  router.get('/:clientName/events', async (req, res) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    res.json(await act(deps, req, 'listSessionEvents', { clientName: nameOf(req), maxRecords: limit }));
  });

  router.get('/:clientName/history', async (req, res) => {
    res.json(await act(deps, req, 'getSessionHistory', { clientName: nameOf(req) }));
  });

  router.patch('/:clientName', async (req, res) => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw new HttpError(400, 'BAD_REQUEST', 'the body must be a JSON object of alterMqSession properties');
    const clientName = nameOf(req);
    // Issue 13: the audit entry's id, for the dashboard's Undo (POST /bff/audit/{id}/undo).
    const altered = await act<SessionDetail>(deps, req, 'alterMqSession', { ...req.body, clientName }, (w) => res.set('X-Mqdash-Warning', warningHeader(w)),
      (id) => res.set('X-Mqdash-Audit-Id', String(id)));
    try {
      res.json(await describe(req, clientName));
    } catch (err) {
      // Unbanning a temporary session whose expiry ran out while it was banned ends it at once
      // (DESIGN §3): the change succeeded, and the session is gone.
      if (!(err instanceof HttpError && err.status === 404)) throw err;
      res.set('X-Mqdash-Warning', warningHeader(['the session has ended: it was temporary and its session expiry had run out']));
      res.json(altered);
    }
  });

  router.delete('/:clientName', async (req, res) => {
    const q = parseWith(deleteQuery, req.query, 'query');
    await act(deps, req, 'deleteMqSession', { clientName: nameOf(req), permanentlyDeleteSession: q.permanent });
    res.status(204).end();
  });

  router.post('/:clientName/disconnect', async (req, res) => {
    res.json(await act(deps, req, 'disconnectMqSession', { clientName: nameOf(req) }));
  });

  router.post('/:clientName/kick', async (req, res) => {
    await act(deps, req, 'deleteMqSession', { clientName: nameOf(req), permanentlyDeleteSession: true });
    res.status(204).end();
  });

  router.post('/:clientName/subscriptions', async (req, res) => {
    const b = parseWith(subscribeBody, req.body, 'body');
    const clientName = nameOf(req);
    const r = await act<{ results: Array<{ succeeded: boolean; reason?: string }> }>(deps, req, 'subscribeToMq', { clientName, subscriptionActions: [{ action: 'subscribe', ...b }] });
    if (!r.results[0]?.succeeded) throw new HttpError(400, 'BAD_REQUEST', r.results[0]?.reason ?? 'the subscription was refused', 'topicFilter');
    res.json(await describe(req, clientName));
  });

  router.delete('/:clientName/subscriptions', async (req, res) => {
    const topicFilter = req.query.topicFilter;
    if (typeof topicFilter !== 'string' || !topicFilter) throw new HttpError(400, 'BAD_REQUEST', 'topicFilter: is required', 'topicFilter');
    const clientName = nameOf(req);
    await act(deps, req, 'subscribeToMq', { clientName, subscriptionActions: [{ action: 'unsubscribe', topicFilter }] });
    res.json(await describe(req, clientName));
  });

  return router;
}

/**
 * One session of a bulk action; Ban also disconnects, since alterMqSession itself never does
 * (DESIGN §3). Mark inactive is a status change (alterMqSession), never a disconnect: FairCom's
 * deleteMqSession without permanentlyDeleteSession would also disconnect a connected client.
 */
async function bulkOne(deps: BffDeps, req: Request, action: BulkAction, clientName: string, onAudited: (id: number) => void): Promise<void> {
  const alter = (sessionStatus: string) => act(deps, req, 'alterMqSession', { clientName, sessionStatus }, undefined, onAudited);
  switch (action) {
    case 'hide': await alter('hidden'); break;
    case 'unhide': await alter('normal'); break;
    case 'unban': await alter('normal'); break;
    case 'ban':
      await alter('banned');
      await act(deps, req, 'disconnectMqSession', { clientName });
      break;
    case 'markInactive': await alter('inactive'); break;
    case 'kick': await act(deps, req, 'deleteMqSession', { clientName, permanentlyDeleteSession: true }); break;
  }
}

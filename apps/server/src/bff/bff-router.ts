import express from 'express';
import type { Broker } from '@mqdash/broker';
import type { SessionDetail } from '@mqdash/contracts';
import { listAuditLogParams, undoAuditBody, type UndoAuditBulkResult } from '@mqdash/contracts';
import type { Role } from '@mqdash/contracts';
import { roleGate } from '../http/role-gate.ts';
import { timeRequests, type RoutePatterns } from '../http/request-timing.ts';
import { accountsRouter } from './accounts-router.ts';
import { apiKeysRouter } from './api-keys-router.ts';
import { authRouter } from './auth-router.ts';
import { backupRouter } from './backup-router.ts';
import { act, parseWith, requireCsrf, requireLogin, type BffDeps } from './context.ts';
import { jsonBody } from '../http/json-body.ts';
import { labelsRouter } from './labels-router.ts';
import { errorHandler, HttpError } from './errors.ts';
import { messagesRouter } from './messages-router.ts';
import { mqttAuthRouter } from './mqtt-auth-router.ts';
import { mqttUsersRouter } from './mqtt-users-router.ts';
import { bansRouter, topicPermissionsRouter } from './access-router.ts';
import { alertRulesRouter } from './alerts-router.ts';
import { retainedRouter } from './retained-router.ts';
import { nodesRouter } from './nodes-router.ts';
import { retentionRouter } from './retention-router.ts';
import { bffRouteRoles } from './route-roles.ts';
import { sessionsRouter } from './sessions-router.ts';
import { BffSessions } from './sessions-store.ts';
import { viewsRouter } from './views-router.ts';

/** The routes of authRouter, open or for every signed-in account (not in the role table). */
const authRoutes: RoutePatterns = [['POST', '/login'], ['GET', '/me'], ['POST', '/logout'], ['POST', '/password']];

const forbidden = (need: Role, have: Role | undefined) =>
  new HttpError(403, 'FORBIDDEN', `your account has the ${have ?? 'no'} role; this needs ${need === 'operator' ? 'the operator or administrator' : 'the administrator'} role`);

/** `/bff/*`, the dashboard's own API (DESIGN §4): cookie login, CSRF header, JSON actions in-process. */
export function bffRouter(broker: Broker, o: { maxBodyBytes: number }): express.Router {
  const deps: BffDeps = { broker, sessions: new BffSessions() };
  const router = express.Router();
  router.use(timeRequests(broker, 'bff', [...authRoutes, ...bffRouteRoles]));
  router.use(jsonBody({ limit: o.maxBodyBytes }));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(authRouter(deps));
  router.use(requireLogin(deps), requireCsrf);
  // Issue 12: the account's role against the route's (route-roles.ts), before the route runs.
  router.use(roleGate(bffRouteRoles, (req) => req.bffRole, forbidden));
  router.use('/sessions', sessionsRouter(deps));
  router.use('/accounts', accountsRouter(deps));
  router.use('/api-keys', apiKeysRouter(deps));
  router.use('/mqtt-users', mqttUsersRouter(deps));
  router.use('/bans', bansRouter(deps));
  router.use('/topic-permissions', topicPermissionsRouter(deps));
  router.use('/alert-rules', alertRulesRouter(deps));
  router.use('/mqtt-auth', mqttAuthRouter(deps));
  router.use('/backups', backupRouter(deps));
  router.use('/retention', retentionRouter(deps));
  router.use('/retained', retainedRouter(deps));
  router.use('/nodes', nodesRouter(deps));
  router.use('/labels', labelsRouter(deps));
  router.use('/views', viewsRouter(deps));
  // `/sessions/:clientName/messages` and `/topics/messages`.
  router.use(messagesRouter(deps));

  router.post('/mq-api-sessions', async (req, res) => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw new HttpError(400, 'BAD_REQUEST', 'the body must be a JSON object of createMqApiSession properties');
    const created = await act<SessionDetail>(deps, req, 'createMqApiSession', req.body);
    const d = await act<{ data: SessionDetail[] }>(deps, req, 'describeMqSessions', { clientNames: [created.clientName] });
    res.status(201).json(d.data[0]);
  });

  router.post('/feed-token', async (req, res) => {
    res.json(await act(deps, req, 'createFeedToken', {}));
  });

  router.get('/overview', async (req, res) => {
    const minutes = req.query.minutes === undefined ? 60 : Number(req.query.minutes);
    res.json(await act(deps, req, 'getOverview', { historyMinutes: minutes }));
  });

  router.get('/audit', async (req, res) => {
    const q = parseWith(listAuditLogParams, {
      ...(typeof req.query.target === 'string' ? { target: req.query.target } : {}),
      ...(req.query.limit !== undefined ? { maxRecords: Number(req.query.limit) } : {}),
    }, 'query');
    res.json(await act(deps, req, 'listAuditLog', q));
  });

  // Issue 13: undo audited session changes (undoAuditEntry, which checks the window and that nothing changed since).
  router.post('/audit/undo', async (req, res) => {
    const body = parseWith(undoAuditBody, req.body, 'body');
    const result: UndoAuditBulkResult = { succeeded: [], failed: [] };
    for (const auditId of body.auditIds) {
      try {
        await act(deps, req, 'undoAuditEntry', { auditId });
        result.succeeded.push(auditId);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
        result.failed.push({ auditId, error: err.message });
      }
    }
    res.json(result);
  });

  router.post('/audit/:id/undo', async (req, res) => {
    const auditId = Number(req.params.id);
    if (!/^[1-9][0-9]{0,15}$/.test(String(req.params.id)) || !Number.isSafeInteger(auditId)) throw new HttpError(400, 'BAD_REQUEST', 'id: must be an audit entry id (a whole number from 1)', 'id');
    res.json(await act(deps, req, 'undoAuditEntry', { auditId }));
  });

  router.use((_req, _res, next) => next(new HttpError(404, 'NOT_FOUND', 'no such route')));
  router.use(errorHandler(broker.log));
  return router;
}

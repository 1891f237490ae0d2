import os from 'node:os';
import express from 'express';
import type { Broker } from '@mqdash/broker';
import type { Role } from '@mqdash/contracts';
import { roleGate } from '../http/role-gate.ts';
import { requireApiKey } from './api-key-auth.ts';
import { emqxRouteRoles } from './route-roles.ts';
import { jsonBody } from '../http/json-body.ts';
import { clientsRouter } from './clients-router.ts';
import { publishRouter } from './publish-router.ts';
import { retainerRouter } from './retainer-router.ts';
import { bannedRouter } from './banned-router.ts';
import { subscriptionsRouter } from './subscriptions-router.ts';
import { monitorRouter } from './monitor-router.ts';
import { timeRequests } from '../http/request-timing.ts';
import { topicsRouter } from './topics-router.ts';
import { EmqxHttpError, emqxErrorHandler } from './errors.ts';

export interface EmqxRouterOptions {
  maxBodyBytes: number;
  /** `node` in responses; EMQX's `name@host` form. */
  nodeName?: string;
}

export const defaultNodeName = () => `mqdash@${os.hostname()}`;

/**
 * `/api/v5/*`, the EMQX-compatible API (seed 004, DESIGN §4): HTTP Basic auth with an API key, then
 * one router per resource. Errors are EMQX's `{code, message}`.
 */
export function emqxRouter(broker: Broker, o: EmqxRouterOptions): express.Router {
  const node = o.nodeName ?? defaultNodeName();
  const router = express.Router();
  router.use(timeRequests(broker, 'emqx', emqxRouteRoles));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(requireApiKey(broker));
  // Issue 12: the key's role against the route's, before anything is read (route-roles.ts).
  router.use(roleGate(emqxRouteRoles, (_req, res) => res.locals.role as Role | undefined,
    (need, have) => new EmqxHttpError(403, 'FORBIDDEN', `this API key has the ${have ?? 'no'} role; this request needs ${need}`)));
  // Any content type is read as JSON: EMQX tooling does not always send one.
  router.use(jsonBody({ limit: o.maxBodyBytes, strict: false, anyContentType: true }));
  router.use('/clients', clientsRouter(broker, node));
  router.use('/publish', publishRouter(broker));
  router.use('/subscriptions', subscriptionsRouter(broker, node));
  router.use(monitorRouter(broker, node));
  router.use('/topics', topicsRouter(broker, node));
  router.use('/mqtt/retainer', retainerRouter(broker));
  router.use('/banned', bannedRouter(broker));
  router.use((req, _res, next) => next(new EmqxHttpError(404, 'NOT_FOUND', `no such route: ${req.method} /api/v5${req.path}`)));
  router.use(emqxErrorHandler(broker.log, o.maxBodyBytes));
  return router;
}

import fs from 'node:fs';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Broker } from '@mqdash/broker';
import { apiRouter } from './api/api-router.ts';
import { bffRouter } from './bff/bff-router.ts';
import { emqxRouter } from './emqx/emqx-router.ts';
import { requireAllowedHost, type HostPolicy } from './http/host-check.ts';
import { metricsRouter } from './http/metrics-router.ts';
import type { TrustProxy } from './http/web-settings.ts';

export const dashboardDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dashboard/dist');

export interface AppOptions {
  maxBodyBytes: number;
  dashboardDir?: string;
  /** `node` in EMQX API responses; default `mqdash@<hostname>`. */
  nodeName?: string;
  /** TRUST_PROXY: Express `trust proxy` (real client addresses, Secure cookies behind a TLS proxy). Default false. */
  trustProxy?: TrustProxy;
  /** ALLOWED_HOSTS: the Host names answered (hostPolicy); default: every name. */
  hosts?: HostPolicy;
  /** METRICS_ALLOW: addresses that may read `/metrics` without an API key; default none. */
  metricsAllow?: net.BlockList;
}

/** The Express app, apart from `listen` so tests drive it with supertest (STYLE #12). */
export function createApp(broker: Broker, o: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', o.trustProxy ?? false);
  if (o.hosts) app.use(requireAllowedHost(o.hosts));
  app.use((_req, res, next) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    });
    next();
  });
  // Load balancers and orchestrators (docs/operations.md): unauthenticated, and they say nothing
  // beyond the one word. Liveness: the event loop answers. Readiness: every check passes
  // (listeners open, database writable; the log names a failing check).
  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { ready } = await broker.readiness.check();
    res.status(ready ? 200 : 503).set('Cache-Control', 'no-store').json({ status: ready ? 'ready' : 'not ready' });
  });
  app.use('/metrics', metricsRouter(broker, o.metricsAllow));
  // Before `/api`, whose router takes only `POST /api` itself.
  app.use('/api/v5', emqxRouter(broker, { maxBodyBytes: o.maxBodyBytes, nodeName: o.nodeName }));
  app.use('/api', apiRouter(broker, o.maxBodyBytes));
  app.use('/bff', bffRouter(broker, { maxBodyBytes: o.maxBodyBytes }));

  const dist = o.dashboardDir ?? dashboardDist;
  if (fs.existsSync(path.join(dist, 'index.html'))) {
    app.use(express.static(dist, { index: false, maxAge: '1h' }));
    // The SPA's own routes all get index.html.
    app.get(/^\/(?!api\/|bff\/|mqtt$).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(path.join(dist, 'index.html'));
    });
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'NOT_FOUND', message: 'no such route' });
  });
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    broker.log.error({ err }, 'request failed');
    res.status(err.status && err.status < 500 ? err.status : 500).json({ error: 'INTERNAL', message: 'the server failed to answer this request' });
  });
  return app;
}

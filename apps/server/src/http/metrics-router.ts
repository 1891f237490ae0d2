import type net from 'node:net';
import express from 'express';
import type { Broker } from '@mqdash/broker';
import { roleAllows } from '@mqdash/contracts';
import { verifyApiKey } from '../emqx/api-key-auth.ts';
import { EmqxHttpError, emqxErrorHandler } from '../emqx/errors.ts';
import { addressAllowed } from './web-settings.ts';

/**
 * `GET /metrics`, the Prometheus text exposition (issue 14). Readable from an address in
 * METRICS_ALLOW, or with an API key of any role (HTTP Basic key:secret, as `/api/v5`; checked
 * through the sign-in limiter). Neither: 401 with the EMQX-style `{code, message}`. Computed per
 * scrape (the gauges read the store's indexes and in-memory counters), never cached.
 */
export function metricsRouter(broker: Broker, allow: net.BlockList | undefined): express.Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    if (!allow || !addressAllowed(allow, req.ip)) {
      const key = await verifyApiKey(broker, req, res);
      if (!roleAllows(key.role, 'viewer')) throw new EmqxHttpError(403, 'FORBIDDEN', 'this API key has no role');
    }
    const { contentType, body } = await broker.metrics.exposition();
    res.set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' }).send(body);
  });
  router.use(emqxErrorHandler(broker.log, 0));
  return router;
}

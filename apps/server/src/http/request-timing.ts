import express, { type NextFunction, type Request, type Response } from 'express';
import type { Broker } from '@mqdash/broker';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Route patterns of one API, as in its role table (`['GET', '/clients/:clientid', …]`). */
export type RoutePatterns = ReadonlyArray<readonly [method: Method, path: string, ...rest: unknown[]]>;

/**
 * Times every request of one API into `mqdash_http_request_duration_seconds` (issue 14), labelled
 * with the route pattern it matched, never its URL: the patterns come from the API's role table,
 * matched by Express as its routers match them, so the label values are that table's rows (plus
 * `unmatched`), however many client ids or names the URLs hold. Mounted first, so refusals
 * (401, 403, 429) are timed under their route too.
 */
export function timeRequests(broker: Broker, api: 'bff' | 'emqx', patterns: RoutePatterns): express.Router {
  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = (res.locals.routePattern as string | undefined) ?? 'unmatched';
      broker.metrics.observeHttp(api, req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  });
  for (const [method, path] of patterns) {
    router[method.toLowerCase() as Lowercase<Method>](path, (_req: Request, res: Response, next: NextFunction) => {
      // The first row that matches names the route (tables list `/sessions/export` before `/sessions/:clientName`).
      res.locals.routePattern ??= path;
      next();
    });
  }
  return router;
}

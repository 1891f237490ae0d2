import express, { type Request, type Response, type NextFunction } from 'express';
import { ErrorCode } from '@mqdash/contracts';
import type { Broker } from '@mqdash/broker';
import { jsonBody } from '../http/json-body.ts';

/**
 * `POST /api` — the JSON action API (DESIGN §4). HTTP 200 for every well-formed JSON action
 * response (errors are in errorCode, as FairCom does), 400 for a body that is not JSON or is nested
 * too deep, 413 for an oversized body.
 */
export function apiRouter(broker: Broker, maxBodyBytes: number): express.Router {
  const router = express.Router();
  router.post(
    '/',
    ...jsonBody({ limit: maxBodyBytes, strict: false, anyContentType: true }),
    async (req: Request, res: Response) => {
      const response = await broker.actions.run(req.body, { source: 'api', remoteAddress: req.ip });
      // Issue 12: a throttled sign-in is 429 with Retry-After, which clients and proxies understand;
      // the body is the usual envelope (errorCode tooManyAttempts).
      if (response.errorCode === ErrorCode.tooManyAttempts) {
        res.set('Retry-After', String(response.errorData?.retryAfterSeconds ?? 1));
        return res.status(429).json(response);
      }
      res.status(200).json(response);
    },
  );
  router.all('/', (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ errorCode: ErrorCode.unknownAction, errorMessage: 'the JSON action API takes POST requests' });
  });
  router.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === 'entity.too.large')
      return res.status(413).json({ errorCode: ErrorCode.requestTooLarge, errorMessage: `request body exceeds ${maxBodyBytes} bytes` });
    if (err.type === 'entity.too.deep')
      return res.status(400).json({ errorCode: ErrorCode.outOfLimits, errorMessage: err.message });
    if (err.type === 'entity.parse.failed')
      return res.status(400).json({ errorCode: ErrorCode.malformedJson, errorMessage: `request body is not valid JSON: ${err.message}` });
    // A body body-parser cannot read (an unsupported charset or Content-Encoding, an aborted
    // upload): the request's fault, answered in this API's envelope rather than as a server error.
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
      return res.status(err.status).json({ errorCode: ErrorCode.malformedJson, errorMessage: `request body could not be read: ${err.message}` });
    next(err);
  });
  return router;
}

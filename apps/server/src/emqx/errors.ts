import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import { describeZodError, type EmqxError } from '@mqdash/contracts';

/** A failure of the EMQX-compatible API with its HTTP status; one handler writes `{code, message}` (STYLE #13). */
export class EmqxHttpError extends Error {
  constructor(readonly status: number, readonly code: EmqxError['code'], message: string) {
    super(message);
  }
}

export const clientNotFound = (clientid: string) =>
  new EmqxHttpError(404, 'CLIENTID_NOT_FOUND', `Client ID not found: ${JSON.stringify(clientid)}`);

/** Validates with zod; a failure is a 400 whose message names the field (`_limit: …`, `body[1].qos: …`). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: 'query' | 'body'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const p = describeZodError(r.error, input, where === 'body' ? 'body' : '');
  throw new EmqxHttpError(400, 'BAD_REQUEST', where === 'query' ? `query parameter ${p.message}` : p.message);
}

export function emqxErrorHandler(log: { error: (o: object, m: string) => void }, maxBodyBytes: number) {
  return (err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    let e: EmqxHttpError;
    if (err instanceof EmqxHttpError) e = err;
    else if (err.type === 'entity.too.large') e = new EmqxHttpError(413, 'PAYLOAD_TOO_LARGE', `the request body exceeds ${maxBodyBytes} bytes`);
    else if (err.type === 'entity.parse.failed') e = new EmqxHttpError(400, 'BAD_REQUEST', `the request body is not valid JSON: ${err.message}`);
    // Other client errors that body-parser (an unsupported charset or Content-Encoding, an aborted
    // upload) and the router (a path id that is not valid percent-encoding) raise with their
    // status: the request's fault, so a 4xx, not a 500.
    else if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) e = new EmqxHttpError(err.status, 'BAD_REQUEST', err.message);
    else {
      log.error({ err }, 'EMQX API request failed');
      e = new EmqxHttpError(500, 'INTERNAL_ERROR', 'the server failed to answer this request');
    }
    res.status(e.status).json({ code: e.code, message: e.message } satisfies EmqxError);
  };
}

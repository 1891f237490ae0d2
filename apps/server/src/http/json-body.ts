import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { nestsDeeperThan } from '@mqdash/contracts';

/**
 * Deepest nesting a JSON request body may have (issue 12). Validation walks a body recursively, so
 * one nested 100,000 arrays deep overflowed the stack and answered 500; no request of any of the
 * three APIs comes near this (a JSON message payload inside an action gets ~60 levels).
 */
export const MAX_JSON_DEPTH = 64;

/** The error a too-deep body raises: a 400 that every router's error handler answers in its own shape. */
export const tooDeep = () =>
  Object.assign(new Error(`the request body is nested more than ${MAX_JSON_DEPTH} levels deep`), { status: 400, expose: true, type: 'entity.too.deep' });

/** Refuses a parsed body nested deeper than MAX_JSON_DEPTH, before any route or schema sees it. */
export function rejectDeepJson(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => next(nestsDeeperThan(req.body, MAX_JSON_DEPTH) ? tooDeep() : undefined);
}

/** express.json (413 past `limit`, 400 for malformed JSON) followed by the depth check. */
export function jsonBody(o: { limit: number; strict?: boolean; anyContentType?: boolean }): RequestHandler[] {
  return [
    express.json({ limit: o.limit, strict: o.strict ?? true, ...(o.anyContentType ? { type: () => true } : {}) }),
    rejectDeepJson(),
  ];
}

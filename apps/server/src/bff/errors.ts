import type { NextFunction, Request, Response } from 'express';
import type { ZodError } from 'zod';
import { ErrorCode, describeZodError, type BffError, type ResponseEnvelope } from '@mqdash/contracts';

/** A BFF failure with its HTTP status; one handler turns it into `{error, message, property?}` (STYLE #13). */
export class HttpError extends Error {
  constructor(
    readonly status: number, readonly error: string, message: string, readonly property?: string, readonly errorCode?: number,
    /** Sent as `Retry-After` (429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const statusOf: Record<number, [number, string]> = {
  [ErrorCode.invalidAuthToken]: [401, 'UNAUTHENTICATED'],
  [ErrorCode.missingProperty]: [400, 'BAD_REQUEST'],
  [ErrorCode.wrongType]: [400, 'BAD_REQUEST'],
  [ErrorCode.outOfLimits]: [400, 'BAD_REQUEST'],
  [ErrorCode.mutuallyExclusive]: [400, 'BAD_REQUEST'],
  [ErrorCode.malformedJson]: [400, 'BAD_REQUEST'],
  [ErrorCode.unknownSession]: [404, 'SESSION_NOT_FOUND'],
  [ErrorCode.unknownLabel]: [404, 'LABEL_NOT_FOUND'],
  [ErrorCode.unknownApiKey]: [404, 'API_KEY_NOT_FOUND'],
  [ErrorCode.unknownMqttUser]: [404, 'MQTT_USER_NOT_FOUND'],
  [ErrorCode.nameInUse]: [409, 'NAME_IN_USE'],
  [ErrorCode.sessionBanned]: [403, 'SESSION_BANNED'],
  [ErrorCode.notPermitted]: [403, 'FORBIDDEN'],
  [ErrorCode.loginFailed]: [401, 'LOGIN_FAILED'],
  [ErrorCode.requestTooLarge]: [413, 'TOO_LARGE'],
  [ErrorCode.tooManyAttempts]: [429, 'TOO_MANY_ATTEMPTS'],
  [ErrorCode.unknownAccount]: [404, 'ACCOUNT_NOT_FOUND'],
  [ErrorCode.lastAdministrator]: [409, 'LAST_ADMINISTRATOR'],
  [ErrorCode.unknownAuditEntry]: [404, 'AUDIT_ENTRY_NOT_FOUND'],
  [ErrorCode.undoRefused]: [409, 'UNDO_REFUSED'],
  [ErrorCode.unknownBan]: [404, 'BAN_NOT_FOUND'],
  [ErrorCode.unknownTopicPermission]: [404, 'TOPIC_PERMISSION_NOT_FOUND'],
  [ErrorCode.unknownAlertRule]: [404, 'ALERT_RULE_NOT_FOUND'],
};

/** A failed JSON action as an HTTP error; `params.` is dropped from property paths (the BFF has no envelope). */
export function fromEnvelope(r: ResponseEnvelope): HttpError {
  const [status, error] = statusOf[r.errorCode] ?? [500, 'INTERNAL'];
  const strip = (s: string) => s.replace(/^params\./, '').replace(/(^|\s)params\./g, '$1');
  const property = typeof r.errorData?.property === 'string' ? strip(r.errorData.property) : undefined;
  const retryAfter = typeof r.errorData?.retryAfterSeconds === 'number' ? r.errorData.retryAfterSeconds : undefined;
  return new HttpError(status, error, strip(r.errorMessage), property, r.errorCode, retryAfter);
}

export function fromZod(err: ZodError, input: unknown, where: 'body' | 'query'): HttpError {
  const p = describeZodError(err, input, '');
  return new HttpError(400, 'BAD_REQUEST', where === 'query' ? `query string ${p.message}` : p.message, p.property);
}

export function errorHandler(log: { error: (o: object, m: string) => void }) {
  return (err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (err.type === 'entity.too.large') e = new HttpError(413, 'TOO_LARGE', 'the request body is too large');
    else if (err.type === 'entity.parse.failed') e = new HttpError(400, 'BAD_REQUEST', 'the request body is not valid JSON');
    // Other client errors that body-parser (an unsupported charset or Content-Encoding, an aborted
    // upload) and the router (a path that is not valid percent-encoding) raise with their status:
    // the request's fault, so a 4xx, not a 500.
    else if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
      e = new HttpError(err.status, err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', err.message);
    else {
      log.error({ err }, 'bff request failed');
      e = new HttpError(500, 'INTERNAL', 'the server failed to answer this request; nothing was changed');
    }
    if (e.retryAfterSeconds !== undefined) res.set('Retry-After', String(e.retryAfterSeconds));
    const body: BffError = { error: e.error, message: e.message, ...(e.property ? { property: e.property } : {}), ...(e.errorCode ? { errorCode: e.errorCode } : {}) };
    res.status(e.status).json(body);
  };
}

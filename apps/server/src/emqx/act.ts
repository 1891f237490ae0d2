import type { Request, Response } from 'express';
import type { Broker } from '@mqdash/broker';
import { ErrorCode, type Role } from '@mqdash/contracts';
import { EmqxHttpError, clientNotFound } from './errors.ts';

const badRequest: ReadonlySet<number> = new Set([ErrorCode.missingProperty, ErrorCode.wrongType, ErrorCode.outOfLimits, ErrorCode.mutuallyExclusive, ErrorCode.notSupported]);

/**
 * Runs a JSON action in-process as the request's API key (`CallerContext.principal`, audited as
 * `apikey:<name>`); a failure becomes the EMQX error of the same meaning.
 */
export async function act<R = unknown>(
  broker: Broker, req: Request, res: Response, action: string, params: Record<string, unknown>,
  /** Route-specific meanings of action errors (errorCode → the EMQX error), tried first. */
  errors: Readonly<Partial<Record<number, (message: string) => EmqxHttpError>>> = {},
): Promise<R> {
  const r = await broker.actions.run(
    { action, params },
    { source: 'emqx', principal: res.locals.principal as string, principalRole: res.locals.role as Role | undefined, remoteAddress: req.ip },
  );
  if (r.errorCode === ErrorCode.success) return r.result as R;
  const special = errors[r.errorCode];
  if (special) throw special(r.errorMessage.replace(/(^|\s)params\./g, '$1'));
  if (r.errorCode === ErrorCode.unknownSession) throw clientNotFound(String(params.clientName));
  if (r.errorCode === ErrorCode.notPermitted) throw new EmqxHttpError(403, 'FORBIDDEN', r.errorMessage);
  if (badRequest.has(r.errorCode)) throw new EmqxHttpError(400, 'BAD_REQUEST', r.errorMessage.replace(/(^|\s)params\./g, '$1'));
  broker.log.error({ action, errorCode: r.errorCode, errorMessage: r.errorMessage }, 'EMQX API action failed');
  throw new EmqxHttpError(500, 'INTERNAL_ERROR', r.errorMessage);
}

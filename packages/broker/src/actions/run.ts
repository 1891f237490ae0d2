import { ErrorCode, describeZodError, dropNulls, nestsDeeperThan, requestEnvelopeSchema, roleAllows, unknownKeys, type ResponseEnvelope } from '@mqdash/contracts';
import { z } from 'zod';
import { storageProblem } from '../store/storage-errors.ts';
import { requiredRole } from './roles.ts';
import { ActionError, type ActionContext, type ActionDef, type BrokerCore, type CallerContext } from './types.ts';

const fail = (e: ActionError, requestId?: string | number): ResponseEnvelope => ({
  errorCode: e.errorCode as ResponseEnvelope['errorCode'],
  errorMessage: e.message,
  ...(e.errorData ? { errorData: e.errorData } : {}),
  ...(requestId !== undefined ? { requestId } : {}),
});

const keysOf = (schema: z.ZodType): string[] => {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
};

/**
 * Deepest nesting params may have. zod validates recursively and the error report stringifies the
 * value, so thousands of levels overflow the stack and would surface as an internal error (14099)
 * instead of a refusal; no legitimate params come near this.
 */
export const MAX_PARAMS_DEPTH = 100;

/** At most this many warnings, each at most WARNING_CHARS long, go into a response (issue 12). */
export const MAX_WARNINGS = 20;
export const WARNING_CHARS = 300;

/**
 * A request with 100,000 unknown keys would otherwise get 100,000 warnings back, each quoting a key
 * that may itself be 64 KiB long: the response is kept small whatever the request held.
 */
export function capWarnings(warnings: readonly string[]): string[] {
  const out = warnings.slice(0, MAX_WARNINGS).map((w) => (w.length > WARNING_CHARS ? `${w.slice(0, WARNING_CHARS)}…` : w));
  if (warnings.length > MAX_WARNINGS) out.push(`… and ${warnings.length - MAX_WARNINGS} more warnings`);
  return out;
}

/**
 * Runs one JSON action request (DESIGN §4): envelope → action → authToken → params → handler,
 * stopping at the first error. Never throws: every failure becomes a response with a non-zero
 * errorCode, and a failed action changes nothing.
 */
export async function runAction(
  actions: ReadonlyMap<string, ActionDef>, core: BrokerCore, request: unknown, caller: CallerContext,
): Promise<ResponseEnvelope> {
  const started = performance.now();
  if (request === null || typeof request !== 'object' || Array.isArray(request))
    return fail(new ActionError('malformedJson', 'the request must be a JSON object'));

  const env = requestEnvelopeSchema.safeParse(request);
  if (!env.success) {
    const p = describeZodError(env.error, request, '');
    // Echo a usable requestId even when another envelope property is wrong, so the caller can match the answer.
    const rid = (request as { requestId?: unknown }).requestId;
    return fail(new ActionError(p.code, p.message, { property: p.property, value: p.value }), typeof rid === 'string' || typeof rid === 'number' ? rid : undefined);
  }
  const { action, requestId, authToken, debug } = env.data;
  const def = actions.get(action);
  if (!def) return fail(new ActionError('unknownAction', `action: "${action}" is not an action this server offers`, { property: 'action', value: action }), requestId);

  const ctx: ActionContext = { ...caller, core, authToken, warnings: [], debugInfo: {} };
  // DESIGN §4: unknown properties are ignored with a warning, beside params too (seed 002's
  // example puts cleanSession there, where it would otherwise vanish silently).
  for (const k of unknownKeys(request as Record<string, unknown>, keysOf(requestEnvelopeSchema))) ctx.warnings.push(`${k} is not a property of the request envelope; ignored`);
  const raw = dropNulls(env.data.params ?? {}, def.keepNulls);
  let params: unknown;
  let response: ResponseEnvelope;
  try {
    if (def.requiresAuth !== false && caller.principal !== undefined && caller.source === 'emqx') {
      // A trusted in-process caller that checked its own credentials (CallerContext.principal).
      // No authToken ends for it: temporary MQ API sessions it created end at the next restart.
      // Its role comes with it (the API key's); none means nothing is allowed.
      if (caller.principalRole === undefined) throw new ActionError('notPermitted', `${action}: ${caller.principal} has no role`);
      ctx.user = { username: caller.principal, tokenHash: `principal:${caller.principal}`, role: caller.principalRole };
    } else if (def.requiresAuth !== false) {
      const info = core.auth.verify(authToken);
      // The role is read at every request, so a change applies at once; a deleted account's token is dead.
      const role = info ? core.auth.role(info.username) : undefined;
      if (!info || !role) throw new ActionError('invalidAuthToken', 'authToken: missing, unknown or expired; log in again with createSession', { property: 'authToken' });
      ctx.user = { username: info.username, tokenHash: info.hash, role };
    }
    // Issue 12: the role each action needs (actions/roles.ts), checked before anything is read.
    if (ctx.user && !roleAllows(ctx.user.role, requiredRole(action)))
      throw new ActionError('notPermitted', `${action} needs the ${requiredRole(action)} role; ${ctx.user.username} has the ${ctx.user.role} role`, { requiredRole: requiredRole(action), role: ctx.user.role });
    if (nestsDeeperThan(raw, MAX_PARAMS_DEPTH))
      throw new ActionError('outOfLimits', `params: nested more than ${MAX_PARAMS_DEPTH} levels deep`, { property: 'params' });
    const parsed = def.params.safeParse(raw);
    if (!parsed.success) {
      const p = describeZodError(parsed.error, raw);
      throw new ActionError(p.code, p.message, { property: p.property, ...(p.value !== undefined ? { value: p.value } : {}) });
    }
    params = parsed.data;
    for (const k of unknownKeys(raw, keysOf(def.params))) ctx.warnings.push(`params.${k} is not a property of ${action}; ignored`);
    const result = await def.run(params, ctx);
    response = { result, errorCode: ErrorCode.success, errorMessage: '' };
  } catch (err) {
    const problem = storageProblem(err);
    if (err instanceof ActionError) response = fail(err);
    else if (problem) {
      // A full disk, a read-only or damaged database: SQLite rolled the change back.
      core.log.error({ err: (err as Error).message, action }, `${action} could not be saved: ${problem}`);
      response = fail(new ActionError('internal', `${action} could not be saved: ${problem}; nothing was changed`));
    } else {
      core.log.error({ err, action }, 'action failed');
      response = fail(new ActionError('internal', `${action} failed on the server; nothing was changed`));
    }
  }

  if (def.audit && ctx.user) {
    try {
      core.audit.record({
        actor: ctx.user.username, action, target: def.audit(params as never, raw), errorCode: response.errorCode,
        details: {
          source: caller.source, role: ctx.user.role, ...(caller.remoteAddress ? { remoteAddress: caller.remoteAddress } : {}),
          ...(response.errorCode ? { errorMessage: response.errorMessage } : {}),
        },
      });
    } catch (err) {
      // The answer stands (the action itself committed or failed on its own); the entry is lost, and said so.
      core.log.error({ err: (err as Error).message, action }, `the audit log entry of ${action} could not be written${storageProblem(err) ? `: ${storageProblem(err)}` : ''}`);
    }
  }

  if (requestId !== undefined) response.requestId = requestId;
  const token = ctx.issuedToken ?? (response.errorCode === ErrorCode.invalidAuthToken ? undefined : authToken);
  if (token && action !== 'deleteSession') response.authToken = token;
  if (ctx.warnings.length || debug === 'max') {
    response.debugInfo = {
      ...(ctx.warnings.length ? { warnings: capWarnings(ctx.warnings) } : {}),
      ...(debug === 'max' ? { ...ctx.debugInfo, action, elapsedMilliseconds: Math.round((performance.now() - started) * 1000) / 1000 } : {}),
    };
  }
  return response;
}

import {
  ErrorCode, describeZodError, dropNulls, nestsDeeperThan, requestEnvelopeSchema, requestIdSchema, roleAllows, strayProperties,
  type ActionWarning, type DebugLevel, type ResponseEnvelope, type StrayProperty,
} from '@mqdash/contracts';
import { storageProblem } from '../store/storage-errors.ts';
import { debugInfoFor, failure, normalizeWarnings } from './response.ts';
import { requiredRole } from './roles.ts';
import { ActionError, warn, type ActionContext, type ActionDef, type BrokerCore, type CallerContext } from './types.ts';

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
export function capWarnings(warnings: readonly ActionWarning[]): ActionWarning[] {
  const out = warnings.slice(0, MAX_WARNINGS)
    .map((w) => (w.message.length > WARNING_CHARS ? { ...w, message: `${w.message.slice(0, WARNING_CHARS)}…` } : w));
  if (warnings.length > MAX_WARNINGS) out.push({ code: ErrorCode.notice, message: `… and ${warnings.length - MAX_WARNINGS} more warnings` });
  return out;
}

/**
 * Issue 9: a property the schema does not know is ignored with a warning, at any depth (array
 * items included), except one spelt like a known property but for letter case: ignoring it would
 * silently apply the default instead of what was asked (`subscriptionaction: "remove"`), so it is
 * refused.
 */
function reportStrays(strays: StrayProperty[], ctx: ActionContext, where: string): void {
  const misspelt = strays.find((s) => s.knownAs);
  if (misspelt)
    throw new ActionError('unknownProperty', `${misspelt.path} is not a property of ${where}; property names are case-sensitive: did you mean "${misspelt.knownAs}"? Ignoring it would change the request, so nothing was done`,
      { property: misspelt.path });
  for (const s of strays) warn(ctx, 'unknownProperty', `${s.path} is not a property of ${where}; ignored`);
}

/**
 * Runs one JSON action request (DESIGN §4): envelope → action → authToken → params → handler,
 * stopping at the first error. Never throws: every failure becomes a response with a non-zero
 * errorCode and `result: {}`, and a failed action changes nothing.
 */
export async function runAction(
  actions: ReadonlyMap<string, ActionDef>, core: BrokerCore, request: unknown, caller: CallerContext,
): Promise<ResponseEnvelope> {
  const started = performance.now();
  if (request === null || typeof request !== 'object' || Array.isArray(request))
    return failure(new ActionError('malformedJson', 'the request must be a JSON object'));
  const req = request as Record<string, unknown>;
  // Echo a usable requestId even when another envelope property is wrong, so the caller can match the answer.
  const requestId = 'requestId' in req && requestIdSchema.safeParse(req.requestId).success ? req.requestId : undefined;

  const ctx: ActionContext = { ...caller, core, warnings: [], debugInfo: {} };
  let debug: DebugLevel | undefined;
  let actionName = '';
  let def: ActionDef | undefined;
  let params: unknown;
  let raw: Record<string, unknown> = {};
  let response: ResponseEnvelope;
  try {
    const env = requestEnvelopeSchema.safeParse(req);
    if (!env.success) {
      const p = describeZodError(env.error, req, '');
      throw new ActionError(p.code, p.message, { property: p.property, value: p.value });
    }
    debug = env.data.debug ?? undefined;
    actionName = env.data.action;
    ctx.authToken = env.data.authToken ?? undefined;
    // DESIGN §4: unknown properties are ignored with a warning, beside params too (seed 002's
    // example puts cleanSession there, where it would otherwise vanish silently).
    reportStrays(strayProperties(requestEnvelopeSchema, req, ''), ctx, 'the request envelope');
    def = actions.get(actionName);
    if (!def) throw new ActionError('unknownAction', `action: "${actionName}" is not an action this server offers`, { property: 'action', value: actionName });

    if (def.requiresAuth !== false && caller.principal !== undefined && caller.source === 'emqx') {
      // A trusted in-process caller that checked its own credentials (CallerContext.principal).
      // No authToken ends for it: temporary MQ API sessions it created end at the next restart.
      // Its role comes with it (the API key's); none means nothing is allowed.
      if (caller.principalRole === undefined) throw new ActionError('notPermitted', `${actionName}: ${caller.principal} has no role`);
      ctx.user = { username: caller.principal, tokenHash: `principal:${caller.principal}`, role: caller.principalRole };
    } else if (def.requiresAuth !== false) {
      const info = core.auth.verify(ctx.authToken);
      // The role is read at every request, so a change applies at once; a deleted account's token is dead.
      const role = info ? core.auth.role(info.username) : undefined;
      if (!info || !role) throw new ActionError('invalidAuthToken', 'authToken: missing, unknown or expired; log in again with createSession', { property: 'authToken' });
      ctx.user = { username: info.username, tokenHash: info.hash, role };
    }
    // Before the role check, so a refusal is audited with its target.
    raw = dropNulls(env.data.params ?? {}, def.keepNulls);
    // Issue 12: the role each action needs (actions/roles.ts), checked before anything is read.
    if (ctx.user && !roleAllows(ctx.user.role, requiredRole(actionName)))
      throw new ActionError('notPermitted', `${actionName} needs the ${requiredRole(actionName)} role; ${ctx.user.username} has the ${ctx.user.role} role`, { requiredRole: requiredRole(actionName), role: ctx.user.role });
    if (nestsDeeperThan(raw, MAX_PARAMS_DEPTH))
      throw new ActionError('outOfLimits', `params: nested more than ${MAX_PARAMS_DEPTH} levels deep`, { property: 'params' });
    const strays = strayProperties(def.params, raw, 'params');
    if (strays.some((s) => s.knownAs)) reportStrays(strays, ctx, actionName);
    const parsed = def.params.safeParse(raw);
    if (!parsed.success) {
      const p = describeZodError(parsed.error, raw);
      throw new ActionError(p.code, p.message, { property: p.property, ...(p.value !== undefined ? { value: p.value } : {}) });
    }
    params = parsed.data;
    reportStrays(strays, ctx, actionName);
    const result = await def.run(params, ctx);
    response = { result: result ?? {}, errorCode: ErrorCode.success, errorMessage: '' };
  } catch (err) {
    response = failureOf(err, actionName || 'the request', core);
  }

  // An audit function answering undefined says the request changed nothing (a dry run): not recorded.
  const auditTarget = def?.audit && ctx.user ? ctx.auditTarget ?? def.audit(params as never, raw) : undefined;
  if (auditTarget !== undefined && ctx.user) {
    try {
      const id = core.audit.record({
        actor: ctx.user.username, action: actionName, target: auditTarget, errorCode: response.errorCode,
        details: {
          source: caller.source, role: ctx.user.role, ...(caller.remoteAddress ? { remoteAddress: caller.remoteAddress } : {}),
          ...(response.errorCode ? { errorMessage: response.errorMessage } : {}),
          ...(!response.errorCode && ctx.auditChanges?.length ? { changes: ctx.auditChanges } : {}),
          ...(!response.errorCode ? ctx.auditDetails : {}),
        },
      });
      caller.onAudited?.(id);
    } catch (err) {
      // The answer stands (the action itself committed or failed on its own); the entry is lost, and said so.
      core.log.error({ err: (err as Error).message, action: actionName }, `the audit log entry of ${actionName} could not be written${storageProblem(err) ? `: ${storageProblem(err)}` : ''}`);
    }
  }

  if (requestId !== undefined) response.requestId = requestId;
  // FairCom echoes the request's authToken, a bad one aside. deleteSession does not hand back the
  // token it ended (FairCom's example does; docs/faircom-api.md names the difference).
  const token = ctx.issuedToken ?? (response.errorCode === ErrorCode.invalidAuthToken ? undefined : ctx.authToken);
  if (token && actionName !== 'deleteSession') response.authToken = token;
  const debugInfo = debugInfoFor(debug, capWarnings(normalizeWarnings(ctx.warnings)), ctx.debugInfo, req, performance.now() - started);
  if (debugInfo) response.debugInfo = debugInfo;
  return response;
}

/** Any failure as the response: an ActionError as it is; a storage fault or a bug as "nothing was changed". */
function failureOf(err: unknown, action: string, core: BrokerCore): ResponseEnvelope {
  if (err instanceof ActionError) return failure(err);
  const problem = storageProblem(err);
  if (problem) {
    // A full disk, a read-only or damaged database: SQLite rolled the change back.
    core.log.error({ err: (err as Error).message, action }, `${action} could not be saved: ${problem}`);
    return failure(new ActionError('internal', `${action} could not be saved: ${problem}; nothing was changed`));
  }
  core.log.error({ err, action }, 'action failed');
  return failure(new ActionError('internal', `${action} failed on the server; nothing was changed`));
}

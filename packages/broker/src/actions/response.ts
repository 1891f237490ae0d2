import { ErrorCode, nestsDeeperThan, type ActionWarning, type DebugLevel, type ResponseEnvelope } from '@mqdash/contracts';
import type { ActionError } from './types.ts';

/** The answer to a failed request: FairCom always sends `result`, `{}` when there is none. */
export const failure = (e: ActionError): ResponseEnvelope => ({
  result: {},
  errorCode: e.errorCode as ResponseEnvelope['errorCode'],
  errorMessage: e.message,
  ...(e.errorData ? { errorData: e.errorData } : {}),
});

/** Warnings as FairCom writes them, `{code, message}`; a bare string is a notice (14017). */
export const normalizeWarnings = (list: ReadonlyArray<string | ActionWarning>): ActionWarning[] =>
  list.map((w) => (typeof w === 'string' ? { code: ErrorCode.notice, message: w } : w));

/** Largest params echoed in `debugInfo.request` (debug "max"); bigger ones are summarised. */
const MAX_ECHOED_PARAMS_BYTES = 16 * 1024;
const SECRET = /password|secret|token/i;
/** Deepest params echoed (as `redact` copies them); deeper ones are summarised, never stringified. */
const MAX_ECHOED_DEPTH = 32;

/** A copy with secret-looking values (passwords, secrets, tokens) replaced, so no answer repeats one. */
function redact(v: unknown, depth = 0): unknown {
  if (depth > 32 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = SECRET.test(k) && x !== null && x !== undefined ? '(not shown)' : redact(x, depth + 1);
  return out;
}

/**
 * FairCom's `debugInfo.request` (debug "max"): the request as the server read it, secrets not
 * shown, params summarised when large.
 */
export function echoRequest(request: Record<string, unknown>): unknown {
  const { params, ...envelope } = request;
  if (params === undefined) return redact(envelope);
  if (nestsDeeperThan(params, MAX_ECHOED_DEPTH)) return redact({ ...envelope, params: `(nested more than ${MAX_ECHOED_DEPTH} levels, not shown)` });
  const text = JSON.stringify(params) ?? '';
  return redact({ ...envelope, params: text.length > MAX_ECHOED_PARAMS_BYTES ? `(${text.length} characters, not shown)` : params });
}

/** `debugInfo` for the debug level: warnings always; "min" adds the time taken; "max" the request and the action's facts. */
export function debugInfoFor(
  level: DebugLevel | undefined, warnings: ActionWarning[], facts: Record<string, unknown>, request: Record<string, unknown>, elapsedMs: number,
): ResponseEnvelope['debugInfo'] | undefined {
  const elapsedMilliseconds = Math.round(elapsedMs * 1000) / 1000;
  if (!warnings.length && (level === undefined || level === 'none')) return undefined;
  return {
    ...(warnings.length ? { warnings } : {}),
    ...(level === 'min' ? { elapsedMilliseconds } : {}),
    ...(level === 'max' ? { request: echoRequest(request), ...facts, elapsedMilliseconds } : {}),
  };
}

import { z } from 'zod';
import { maxChars, responseOptionsSchema, utf8Bytes } from './common.ts';
import type { ErrorCodeValue } from './errors.ts';
import { nestsDeeperThan } from './validation.ts';

/**
 * FairCom's `debug`: "none", "min" or "max" in any letter case; null means omitted (FairCom's
 * pages write "max" and "none"; a program that upper-cases its enums still works).
 */
export const debugLevelSchema = z
  .string()
  .transform((s, ctx) => {
    const level = s.toLowerCase();
    if (level === 'none' || level === 'min' || level === 'max') return level;
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must be one of "none", "min", "max"' });
    return z.NEVER;
  });
export type DebugLevel = 'none' | 'min' | 'max';

/** Longest requestId (a string's characters, another value's JSON bytes): it is echoed in every answer. */
export const MAX_REQUEST_ID = 1024;

/** Deepest requestId: zod's JSON check recurses, so a deeper one is refused before it runs. */
export const MAX_REQUEST_ID_DEPTH = 32;
const jsonValue = z.json();

/** FairCom echoes any JSON value as requestId (its pages use strings and numbers). */
export const requestIdSchema = z.unknown().superRefine((v, ctx) => {
  if (nestsDeeperThan(v, MAX_REQUEST_ID_DEPTH)) {
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must not nest more than ${MAX_REQUEST_ID_DEPTH} levels` });
    return;
  }
  if (!jsonValue.safeParse(v).success) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON value' });
    return;
  }
  const n = typeof v === 'string' ? v.length : utf8Bytes(JSON.stringify(v) ?? '');
  if (n > MAX_REQUEST_ID)
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be at most ${MAX_REQUEST_ID} ${typeof v === 'string' ? 'characters' : 'bytes of JSON'}, got ${n}` });
});

/** FairCom's JSON action envelope (DESIGN §4). `params` is validated per action. */
export const requestEnvelopeSchema = z.object({
  api: maxChars(64).nullish(),
  action: maxChars(128).refine((s) => s.length > 0, { message: 'must not be empty', params: { errorCode: 'outOfLimits' } }),
  params: z.record(z.string(), z.unknown()).nullish(),
  authToken: maxChars(1024).nullish(),
  requestId: requestIdSchema.optional(),
  apiVersion: maxChars(32).nullish(),
  debug: debugLevelSchema.nullish(),
  responseOptions: responseOptionsSchema.nullish(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

/**
 * One entry of `debugInfo.warnings`, as FairCom writes them: a code from the error table and a
 * message in words. The action succeeded; the warning says what was ignored or what to know.
 */
export interface ActionWarning {
  code: number;
  message: string;
}

export interface ResponseEnvelope<R = unknown> {
  /** Always present: the action's result, or `{}` when errorCode is not 0 (FairCom's shape). */
  result?: R;
  errorCode: ErrorCodeValue;
  errorMessage: string;
  errorData?: { property?: string; value?: unknown; [k: string]: unknown };
  /** The request's requestId, any JSON value, echoed as sent. */
  requestId?: unknown;
  authToken?: string;
  debugInfo?: { warnings?: ActionWarning[]; request?: unknown; elapsedMilliseconds?: number; [k: string]: unknown };
}

import { z } from 'zod';

const encoder = new TextEncoder();
export const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** A string limited in UTF-8 bytes, as the seeds state their limits. */
export const utf8String = (min: number, max: number) =>
  z.string().superRefine((s, ctx) => {
    const n = utf8Bytes(s);
    if (n < min || n > max) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be ${min} to ${max} bytes of UTF-8, got ${n}` });
  });

/**
 * A string of at most `max` characters. Not `z.string().max()`: zod 4's length check also runs on
 * a non-string that has a `length` property and throws on one it cannot compare (an object), which
 * would turn a refusal into an internal error (found by the hostile-input property tests).
 */
export const maxChars = (max: number) =>
  z.string().superRefine((s, ctx) => {
    if (s.length > max) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be at most ${max} characters` });
  });

/** A JSON value whose serialised form is at most `max` bytes. */
export const jsonValue = (max: number) =>
  z.json().superRefine((v, ctx) => {
    const n = utf8Bytes(JSON.stringify(v) ?? '');
    if (n > max) ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must serialise to at most ${max} bytes of JSON, got ${n}` });
  });

/** Seeds: "clientName" string 0 to 65,550 bytes. */
export const clientNameSchema = utf8String(0, 65550);

/** An enum of words matched in any letter case, answered in the spelling listed. */
export const caseInsensitiveEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((s, ctx): T[number] => {
    const lower = s.toLowerCase();
    const hit = values.find((v) => v.toLowerCase() === lower);
    if (hit !== undefined) return hit;
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')} (any letter case)` });
    return z.NEVER;
  });

/** MQTT's 32-bit intervals; the seeds use 4294967296 to mean "never". */
export const NEVER_EXPIRES = 4294967296;
export const sessionExpiryIntervalSchema = z.int().min(0).max(NEVER_EXPIRES);

export const uint32 = z.int().min(0).max(4294967295);

/** Health thresholds: "any positive integer or whole number, such as 10 or 0.1"; 0 means not set. */
export const thresholdSchema = z.number().min(0).max(1e12);

export const keyValueSchema = z.object({
  key: utf8String(1, 128),
  value: z.string(),
});
export const userPropertiesSchema = z.array(keyValueSchema).max(1000);

export const labelSchema = z.object({
  group: utf8String(0, 64).default(''),
  name: utf8String(1, 64),
});
export type Label = z.infer<typeof labelSchema>;
export const labelIdSchema = z.int().min(0).max(4294967296);

export const sessionStatuses = ['normal', 'hidden', 'banned', 'inactive'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];
/** Requests accept the seed's response spellings "hide"/"ban" as aliases (DESIGN §3). */
export const sessionStatusSchema = z
  .enum(['normal', 'hidden', 'banned', 'inactive', 'hide', 'ban'])
  .transform((s): SessionStatus => (s === 'hide' ? 'hidden' : s === 'ban' ? 'banned' : s));

export const connectionStatuses = ['disconnected', 'connected', 'connectedTemporarily'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];
export const sessionTypes = ['mqtt', 'mqApi'] as const;
export type SessionType = (typeof sessionTypes)[number] | 'both';
export const sessionHealths = ['healthy', 'unhealthy', 'offline'] as const;
export type SessionHealth = (typeof sessionHealths)[number];
export const mqttProtocols = ['5.0', '3.1.1'] as const;
export type MqttProtocol = (typeof mqttProtocols)[number] | '3.1';

export const mqttPayloadTypes = ['json', 'xml', 'binary', 'jpeg', 'siemensUdt', 'utf8', 'variantObject'] as const;
export const binaryFormats = ['base64', 'hex', 'byteArray'] as const;
export const variantFormats = ['json', 'binary', 'string', 'variantObject'] as const;

export const responseOptionsSchema = z.object({
  binaryFormat: z.enum(binaryFormats).optional(),
  variantFormat: z.enum(variantFormats).optional(),
  dataFormat: z.enum(['default', 'arrays', 'objects']).optional(),
  numberFormat: z.enum(['number', 'string']).optional(),
  omit: z.array(z.string()).optional(),
});

/**
 * The seeds treat a property set to null like an omitted one ("omitting the property or setting it
 * to null matches all"); the runner drops null-valued params before validation, except those an
 * action lists as meaningful (alterMqSession's `label: null` removes the label).
 */
export function dropNulls(params: Record<string, unknown>, keep: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== null || keep.includes(k)) out[k] = v;
  return out;
}

/** Adds a mutually-exclusive issue when both properties are present. */
export function exclusive(ctx: z.RefinementCtx, value: Record<string, unknown>, a: string, b: string): void {
  if (value[a] !== undefined && value[b] !== undefined)
    ctx.addIssue({ code: 'custom', path: [b], params: { errorCode: 'mutuallyExclusive' }, message: `"${a}" and "${b}" are mutually exclusive: give only one` });
}

/**
 * ISO 8601 date or date-time in a request. Without a zone it is UTC (FairCom writes its times
 * zoneless, e.g. "2024-07-11T21:18:01.000"); a date alone is its midnight, UTC. Responses always
 * write UTC with "Z".
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
export function parseIsoTimestamp(s: string): number {
  if (!ISO_8601.test(s)) return NaN;
  const t = s.replace(' ', 'T');
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(t) || t.length === 10;
  return Date.parse(zoned ? t : `${t}Z`);
}
export const isoTimestampSchema = maxChars(64).superRefine((s, ctx) => {
  if (Number.isNaN(parseIsoTimestamp(s)))
    ctx.addIssue({ code: 'custom', params: { errorCode: 'outOfLimits' }, message: 'must be an ISO 8601 timestamp such as "2025-09-17T16:24:41Z"' });
});

import type { z } from 'zod';
import type { ErrorCodeName } from './errors.ts';

export interface ValidationProblem {
  code: ErrorCodeName;
  /** Dotted path of the offending property, e.g. `params.label.name`. */
  property: string;
  message: string;
  value?: unknown;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !(key in (cur as object))) return { present: false };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: cur };
}

const clip = (v: unknown): unknown => {
  if (typeof v === 'string' && v.length > 200) return `${v.slice(0, 200)}…`;
  if (v !== null && typeof v === 'object') {
    let s: string;
    // A value nested thousands of levels deep (or cyclic, from an in-process caller) cannot be
    // stringified; throwing here would turn a refusal into a crash of the request.
    try {
      s = JSON.stringify(v) ?? '';
    } catch {
      return '(too deeply nested to show)';
    }
    return s.length > 200 ? `${s.slice(0, 200)}…` : v;
  }
  return v;
};

/** Properties whose value is never echoed in an error (issue 6: no secret is ever returned or logged). */
const SECRET_PROPERTY = /password|secret|token/i;

/**
 * Turns the first zod issue into the API's error: which property, which error code (missing,
 * wrong type, out of limits, mutually exclusive) and a message that names both.
 */
export function describeZodError(error: z.ZodError, input: unknown, prefix = 'params'): ValidationProblem {
  const issue = error.issues[0]!;
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const property = [prefix, ...path].filter((p) => p !== '').join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  const at = valueAt(input, path);
  let code: ErrorCodeName;
  let message = issue.message;
  if (issue.code === 'invalid_type') {
    if (!at.present || at.value === undefined) {
      code = 'missingProperty';
      message = `is required (${issue.expected})`;
    } else {
      code = 'wrongType';
      message = `must be ${issue.expected === 'int' ? 'an integer' : `of type ${issue.expected}`}, got ${Array.isArray(at.value) ? 'array' : at.value === null ? 'null' : typeof at.value}`;
    }
  } else if (issue.code === 'custom') {
    code = ((issue.params as { errorCode?: ErrorCodeName } | undefined)?.errorCode) ?? 'outOfLimits';
  } else if (issue.code === 'invalid_union') {
    code = 'wrongType';
  } else if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
    // A number or boolean where a string enum is expected is the wrong JSON type (14002), not an
    // unknown value of the right type (14003).
    if (at.present && issue.values.every((v) => typeof v === 'string') && typeof at.value !== 'string') {
      code = 'wrongType';
      message = `must be a string, one of ${allowed}; got ${Array.isArray(at.value) ? 'array' : at.value === null ? 'null' : typeof at.value}`;
    } else {
      code = 'outOfLimits';
      message = `must be one of ${allowed}`;
    }
  } else if (issue.code === 'too_big' || issue.code === 'too_small') {
    code = 'outOfLimits';
    const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
    const what = issue.origin === 'array' ? 'items' : issue.origin === 'string' ? 'characters' : '';
    message = `must be ${issue.code === 'too_big' ? 'at most' : 'at least'} ${String(bound)}${what ? ` ${what}` : ''}`;
  } else {
    code = 'outOfLimits';
  }
  const secret = path.some((k) => typeof k === 'string' && SECRET_PROPERTY.test(k));
  return { code, property, message: `${property}: ${message}`, ...(at.present && !secret ? { value: clip(at.value) } : {}) };
}

/** Keys of `input` the schema does not know: ignored, with a warning (DESIGN §4). */
export function unknownKeys(input: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(input).filter((k) => !known.includes(k));
}

/**
 * Whether `value` nests deeper than `max` levels (objects and arrays); iterative, so the check itself
 * cannot overflow the stack. zod validates recursively, so a body nested thousands of levels deep
 * must be refused before it reaches a schema (issue 12: 400, never a 500).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const seen = new Set<object>();
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    if (depth >= max) return true;
    seen.add(v);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

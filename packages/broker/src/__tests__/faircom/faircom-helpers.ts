/**
 * Helpers for the FairCom example tests (issue 9): each test file sends the request examples of
 * one action's FairCom page as JSON to a real broker (real SQLite file, real MQTT listeners), with
 * the placeholders replaced by real values, and checks the answer has the documented shape.
 */
import assert from 'node:assert/strict';
import type { ResponseEnvelope } from '@mqdash/contracts';
import type { TestBroker } from '../helpers.ts';

/** FairCom's placeholder for the token from createSession. */
export const TOKEN_PLACEHOLDER = 'replaceWithAuthTokenFromCreateSession';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Res = ResponseEnvelope<any>;

/** Replaces every occurrence of `from` (a whole string value) by `to`, at any depth. */
export function replaceValue<T>(value: T, from: string, to: unknown): T {
  if (value === from) return to as T;
  if (Array.isArray(value)) return value.map((v) => replaceValue(v, from, to)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceValue(v, from, to)])) as T;
  return value;
}

/**
 * Sends a documented example: serialised to JSON and parsed back (what an HTTP client sends), the
 * token placeholder replaced by a real authToken, and `values` replacing other placeholders.
 */
export async function send(tb: TestBroker, example: object, values: Record<string, unknown> = {}): Promise<Res> {
  let request: unknown = JSON.parse(JSON.stringify(example));
  request = replaceValue(request, TOKEN_PLACEHOLDER, tb.token);
  for (const [from, to] of Object.entries(values)) request = replaceValue(request, from, to);
  return tb.broker.actions.run(request) as Promise<Res>;
}

/**
 * FairCom's envelope of a successful answer: errorCode 0, an empty errorMessage, a result object,
 * the requestId and authToken echoed when the request had them, and debugInfo when debug is "max".
 */
export function assertSucceeded(r: Res, example: Record<string, unknown>, what = ''): void {
  assert.equal(r.errorCode, 0, `${what} ${r.errorMessage} ${JSON.stringify(r.errorData ?? {})}`);
  assert.equal(r.errorMessage, '');
  assert.ok(r.result !== null && typeof r.result === 'object', `${what} result must be an object`);
  if ('requestId' in example) assert.deepEqual(r.requestId, example.requestId, 'requestId echoed');
  if (typeof example.authToken === 'string') assert.equal(typeof r.authToken, 'string', 'authToken echoed');
  if (example.debug === 'max') assert.equal(typeof r.debugInfo, 'object', 'debug "max" answers debugInfo');
}

/** FairCom's envelope of a refusal: a non-zero errorCode, a message, and `result: {}`. */
export function assertRefused(r: Res, errorCode: number, property?: string): void {
  assert.equal(r.errorCode, errorCode, JSON.stringify(r).slice(0, 500));
  assert.ok(r.errorMessage.length > 0);
  assert.deepEqual(r.result, {});
  if (property) assert.equal(r.errorData?.property, property, r.errorMessage);
}

/** The warnings' messages of an answer (`debugInfo.warnings` items are `{code, message}`). */
export function warningsOf(r: Res): Array<{ code: number; message: string }> {
  const list = r.debugInfo?.warnings ?? [];
  for (const w of list) {
    assert.equal(typeof w.code, 'number', 'a warning has a numeric code');
    assert.equal(typeof w.message, 'string', 'a warning has a message');
  }
  return list;
}

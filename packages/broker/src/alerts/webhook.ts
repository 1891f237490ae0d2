import type { Logger } from 'pino';
import type { AlertWebhookBody } from '@mqdash/contracts';

/** The header that carries a rule's webhook secret, so the receiver can tell mqdash from strangers. */
export const WEBHOOK_SECRET_HEADER = 'X-Mqdash-Webhook-Secret';

export interface WebhookOptions {
  /** Each attempt's time limit, ms. */
  timeoutMs: number;
  /** Attempts in all (the first and its retries). */
  attempts: number;
  /** Wait before the first retry, ms; doubled before each later one. */
  retryDelayMs: number;
}

export const defaultWebhookOptions: WebhookOptions = { timeoutMs: 5000, attempts: 3, retryDelayMs: 1000 };

/** A URL as it may be logged: no user info, no query (either may hold a token). */
export const loggableUrl = (s: string): string => {
  try {
    const u = new URL(s);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
};

const pause = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  if (signal.aborted) return resolve();
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

/**
 * POSTs an alert as JSON, retrying a failed attempt (network error, timeout, status other than
 * 2xx) with a doubling pause. Never throws: a webhook that cannot be reached is logged, and the
 * alert itself stands (it is in the audit log and the dashboard either way). Answers whether it
 * was delivered.
 */
export async function postWebhook(url: string, secret: string | null, body: AlertWebhookBody, o: WebhookOptions, log: Logger, stop: AbortSignal): Promise<boolean> {
  const where = loggableUrl(url);
  let lastProblem = '';
  for (let attempt = 1; attempt <= o.attempts && !stop.aborted; attempt++) {
    if (attempt > 1) await pause(o.retryDelayMs * 2 ** (attempt - 2), stop);
    if (stop.aborted) break;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'mqdash-alerts', ...(secret ? { [WEBHOOK_SECRET_HEADER]: secret } : {}) },
        body: JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.any([AbortSignal.timeout(o.timeoutMs), stop]),
      });
      await res.body?.cancel();
      if (res.ok) return true;
      lastProblem = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: Error };
      lastProblem = e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : (e.cause?.message ?? e.message);
    }
  }
  log.warn({ event: 'alert webhook failed', url: where, ruleId: body.rule.ruleId, alert: body.event, attempts: o.attempts, problem: lastProblem },
    `alert webhook ${where} failed: ${lastProblem}`);
  return false;
}

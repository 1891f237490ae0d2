import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConnectOrigin, ConnectVerdict } from '../engine/broker-engine.ts';

export interface HttpAuthHookOptions {
  /** MQTT_AUTH_HTTP_URL: where each CONNECT's credentials are POSTed. */
  url: string;
  /** MQTT_AUTH_HTTP_TIMEOUT_MS: a slower answer denies (default 5,000). */
  timeoutMs?: number;
  /** MQTT_AUTH_HTTP_CACHE_SECONDS: an allow or deny answer is reused this long for the same request (default 60; 0: no cache). */
  cacheSeconds?: number;
}

const MAX_CACHED = 10_000;
const allowAnswer = z.object({ result: z.literal('allow') }).passthrough();

interface Cached { verdict: ConnectVerdict; until: number }

/**
 * The HTTP authentication hook (issue 12), as EMQX's HTTP authenticator and mosquitto-go-auth's
 * HTTP backend: every CONNECT (but JWT ones and certificate ones) is POSTed as JSON
 * `{clientId, username, password, ip, protocolVersion}`. A 2xx answer with `{"result":"allow"}`
 * allows (the account is the user name, null without one); any other answer denies with return
 * code 4 (0x86). A timeout or a network error denies too, with return code 3 (0x88 Server
 * unavailable: the client may retry), and is logged; it is not cached. Answers are cached by a
 * SHA-256 of the whole request, so a changed password or address asks again.
 */
export class HttpAuthHook {
  private readonly cache = new Map<string, Cached>();
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  /** Requests sent to the URL (tests count cache hits with it). */
  requests = 0;

  constructor(private readonly o: HttpAuthHookOptions, private readonly log: Logger, private readonly now: () => number = Date.now) {
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.cacheMs = (o.cacheSeconds ?? 60) * 1000;
  }

  async check(username: string | undefined, password: Buffer | undefined, origin?: ConnectOrigin): Promise<ConnectVerdict> {
    const body = JSON.stringify({
      clientId: origin?.clientId ?? null,
      username: username ?? null,
      password: password ? password.toString('utf8') : null,
      ip: origin?.remoteAddress ?? null,
      protocolVersion: origin?.protocolVersion ?? null,
    });
    const key = createHash('sha256').update(body).digest('base64url');
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.verdict;
    this.cache.delete(key);
    let verdict: ConnectVerdict;
    try {
      this.requests++;
      const res = await fetch(this.o.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error',
      });
      const text = await res.text();
      let allowed = false;
      if (res.ok) {
        try {
          allowed = allowAnswer.safeParse(JSON.parse(text)).success;
        } catch { /* not JSON: a deny */ }
      }
      verdict = allowed
        ? { ok: true, account: username || null, external: true }
        : { ok: false, returnCode: 4, reason: `bad user name or password: the HTTP auth hook denied it (HTTP ${res.status})` };
    } catch (err) {
      const what = (err as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (err as Error).message;
      this.log.warn({ err, clientName: origin?.clientId, url: this.o.url }, `MQTT HTTP auth hook failed: ${what}; the CONNECT is refused`);
      return { ok: false, returnCode: 3, reason: `server unavailable: the HTTP auth hook failed (${what})` };
    }
    if (this.cacheMs > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { verdict, until: this.now() + this.cacheMs });
    }
    return verdict;
  }
}

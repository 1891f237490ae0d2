/**
 * Repeated failed logins slow down: after `freeAttempts` failures within the window from one
 * address (or for one username), each further attempt must wait, doubling up to `maxDelayMs`.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; first: number; blockedUntil: number }>();

  constructor(private readonly o = { freeAttempts: 5, windowMs: 15 * 60_000, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000 }) {}

  /** Milliseconds to wait before another attempt is allowed, 0 if allowed now. */
  retryAfter(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const k of keys) {
      const f = this.failures.get(k);
      if (!f) continue;
      if (now - f.first > this.o.windowMs) this.failures.delete(k);
      else wait = Math.max(wait, f.blockedUntil - now);
    }
    return Math.max(0, wait);
  }

  fail(keys: string[], now = Date.now()): void {
    for (const k of keys) {
      const f = this.failures.get(k) ?? { count: 0, first: now, blockedUntil: 0 };
      f.count++;
      if (f.count >= this.o.freeAttempts)
        f.blockedUntil = now + Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (f.count - this.o.freeAttempts));
      this.failures.set(k, f);
    }
    if (this.failures.size > 100_000) this.prune(now);
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.failures.delete(k);
  }

  private prune(now: number): void {
    for (const [k, f] of this.failures) if (now - f.first > this.o.windowMs) this.failures.delete(k);
  }
}

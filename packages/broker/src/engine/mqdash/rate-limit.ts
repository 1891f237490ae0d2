/**
 * A token bucket for the overload limits (CONNECTs per second engine-wide, PUBLISHes and bytes per
 * second per connection): `rate` tokens a second, a burst of one second's worth. A take is allowed
 * when the bucket holds the amount (or, for an amount above the rate, a full bucket: it then goes
 * into debt), so a single message larger than a second's byte budget still passes, and the average
 * stays at the rate.
 */
export class RateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = rate;
    this.last = now();
  }

  /** Takes `amount` tokens; false (nothing taken) when the bucket does not hold them: over the rate. */
  take(amount = 1): boolean {
    const now = this.now();
    if (now !== this.last) {
      this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
    if (this.tokens < Math.min(amount, this.rate)) return false;
    this.tokens -= amount;
    return true;
  }
}

/** A limiter for a configured rate, or undefined when the rate is 0 (no limit). */
export function rateLimitOf(rate: number): RateLimit | undefined {
  return rate > 0 ? new RateLimit(rate) : undefined;
}

/**
 * One limiter for every door that checks a secret (issue 12): administrator passwords (`/api`
 * createSession, `/bff/login`, changePassword), EMQX API key secrets and MQTT passwords.
 *
 * - **Race-free.** An attempt is reserved before its secret is verified and settled after: failed,
 *   succeeded (the reservation is released) or released untried. Reservations in flight count as
 *   failures while they last, so 100 parallel wrong passwords cannot all slip past a check that
 *   runs before the first of them is recorded (the probe's finding).
 * - **Per address, and per address + account**, each with free attempts then exponential backoff.
 *   There is deliberately no per-account limit across addresses: a correct secret from an address
 *   that has not failed is never refused because of failures elsewhere, so no attacker can lock a
 *   device fleet sharing an account out of it.
 * - **Survives a restart**: failures live in the store (SQLite; a server database for a cluster).
 *   Reservations are in-process: they last only as long as one verification.
 */
export type MaybePromise<T> = T | Promise<T>;
export const chain = <T, R>(v: MaybePromise<T>, f: (t: T) => MaybePromise<R>): MaybePromise<R> => (v instanceof Promise ? v.then(f) : f(v));

/** Whose secrets: administrator accounts, API keys, MQTT client accounts. Each has its own counts. */
export type SignInRealm = 'admin' | 'apikey' | 'mqtt';

export interface LimitPolicy {
  /** Failures allowed before each further attempt must wait. */
  freeAttempts: number;
  /** The first wait; each further failure doubles it. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures are forgotten this long after the last one (once no wait is running). */
  windowMs: number;
}

export interface SignInLimits {
  perAddressAndAccount: LimitPolicy;
  perAddress: LimitPolicy;
}

export const defaultSignInLimits: SignInLimits = {
  perAddressAndAccount: { freeAttempts: 5, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000, windowMs: 15 * 60_000 },
  perAddress: { freeAttempts: 30, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000, windowMs: 15 * 60_000 },
};

/** The stored failures of one key. Times are epoch ms. */
export interface AttemptRecord {
  failures: number;
  lastFailureAt: number;
  /** Until when the next attempt must wait (0: no wait). */
  blockedUntil: number;
}

export interface AttemptKey {
  key: string;
  realm: SignInRealm;
  address: string;
  /** null for the per-address key. */
  account: string | null;
}

/**
 * Where failures are kept. Small on purpose: SQLite implements it for one node
 * (store/sign-in-attempt-store.ts); a PostgreSQL store for a cluster implements the same five
 * operations, each atomic on its own (addFailure as one upsert), and may answer with promises.
 */
export interface SignInAttemptStore {
  read(keys: readonly string[]): MaybePromise<Array<AttemptRecord | undefined>>;
  /**
   * Adds one failure to the key (a count whose window has run out starts again at 1) and sets its
   * wait to `blockedUntil(failures)`; returns the record as stored.
   */
  addFailure(key: AttemptKey, now: number, windowMs: number, blockedUntil: (failures: number) => number): MaybePromise<AttemptRecord>;
  forget(key: string): MaybePromise<void>;
  /** Forgets an account's failures at every address, and the per-address counts of those addresses. */
  clearAccount(realm: SignInRealm, account: string): MaybePromise<number>;
  /** Forgets records whose window has run out and whose wait is over. */
  prune(now: number, windowMs: number): MaybePromise<number>;
}

/** One attempt: whose secret, through which door, from where. */
export interface SignInAttempt {
  realm: SignInRealm;
  /** `api`, `bff`, `emqx`, `mqtt`: recorded in the audit log. */
  door: string;
  /** The client's address; attempts without one (in-process callers) share `internal`. */
  address: string | undefined | null;
  account: string;
}

/** A failed sign-in as the audit log gets it. */
export interface FailedSignIn extends SignInAttempt {
  reason: string;
  /** Set when this failure starts or lengthens a wait. */
  blockedForMs?: number;
}

export type Refusal = { ok: false; retryAfterMs: number; retryAfterSeconds: number; scope: 'address' | 'account' };

/** A reserved attempt; settle it exactly once (later calls do nothing). */
export interface Reservation {
  ok: true;
  /** The secret was right: the attempt is released and the account's count at this address forgotten. */
  succeed(): void;
  /** The secret was wrong: recorded (and audited); resolves once stored. */
  fail(reason: string): MaybePromise<void>;
  /** Not decided (the check itself could not run): released without counting. */
  release(): void;
}

/** While reservations are in flight past the free attempts, others are told to retry after this. */
const IN_FLIGHT_RETRY_MS = 1_000;
/** A reservation never settled (a bug in a door) stops counting after this. */
const RESERVATION_TTL_MS = 60_000;
const SWEEP_MS = 10 * 60_000;

/** Longest account name a key holds: longer ones (an MQTT user name may be 64 KiB) share their first 256 characters, which only limits them sooner. */
const MAX_KEY_ACCOUNT = 256;

const keyOf = (kind: 'address' | 'account', a: SignInAttempt, address: string) =>
  kind === 'address' ? `${a.realm}\u0000${address}` : `${a.realm}\u0000${address}\u0000${a.account.slice(0, MAX_KEY_ACCOUNT)}`;

export interface SignInLimiterOptions {
  limits?: Partial<SignInLimits>;
  /** Records a failed sign-in (the audit log); errors are the caller's to handle. */
  onFailure?: (f: FailedSignIn) => void;
  onError?: (err: unknown, what: string) => void;
  now?: () => number;
}

export class SignInLimiter {
  readonly limits: SignInLimits;
  /** Reservations in flight by key: id → reserved at. */
  private readonly inFlight = new Map<string, Map<number, number>>();
  private nextId = 1;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly store: SignInAttemptStore, private readonly o: SignInLimiterOptions = {}) {
    this.limits = { ...defaultSignInLimits, ...o.limits };
    this.now = o.now ?? Date.now;
    this.sweeper = setInterval(() => this.prune(), SWEEP_MS);
    this.sweeper.unref();
  }

  /**
   * Reserves an attempt, or refuses it with the time to wait. Decided synchronously once the
   * stored counts are read, together with the reservations in flight, so parallel attempts see
   * each other.
   */
  reserve(a: SignInAttempt): MaybePromise<Reservation | Refusal> {
    const address = a.address || 'internal';
    const keys: Array<AttemptKey & { policy: LimitPolicy; kind: 'address' | 'account' }> = [
      { key: keyOf('account', a, address), realm: a.realm, address, account: a.account.slice(0, MAX_KEY_ACCOUNT), kind: 'account', policy: this.limits.perAddressAndAccount },
      { key: keyOf('address', a, address), realm: a.realm, address, account: null, kind: 'address', policy: this.limits.perAddress },
    ];
    return chain(this.store.read(keys.map((k) => k.key)), (records): Reservation | Refusal => {
      const now = this.now();
      let wait = 0;
      let scope: 'address' | 'account' = 'account';
      keys.forEach((k, i) => {
        const w = this.waitFor(k.key, records[i], k.policy, now);
        if (w > wait) [wait, scope] = [w, k.kind];
      });
      if (wait > 0) return { ok: false, retryAfterMs: wait, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), scope };
      const id = this.nextId++;
      for (const k of keys) this.flight(k.key).set(id, now);
      const hadAccountRecord = records[0] !== undefined;
      let settled = false;
      const release = () => {
        for (const k of keys) {
          const f = this.inFlight.get(k.key);
          f?.delete(id);
          if (f?.size === 0) this.inFlight.delete(k.key);
        }
      };
      const settle = () => {
        if (settled) return false;
        settled = true;
        return true;
      };
      return {
        ok: true,
        succeed: () => {
          if (!settle()) return;
          release();
          if (hadAccountRecord) this.guard(() => this.store.forget(keys[0]!.key), 'forget a sign-in count');
        },
        release: () => {
          if (settle()) release();
        },
        fail: (reason) => {
          if (!settle()) return;
          const at = this.now();
          let blockedForMs = 0;
          const stored = (r: AttemptRecord) => {
            blockedForMs = Math.max(blockedForMs, r.blockedUntil - at);
          };
          // Released only once stored, so no attempt slips in between.
          const done = () => {
            release();
            this.guard(() => this.o.onFailure?.({ ...a, address, reason, ...(blockedForMs > 0 ? { blockedForMs } : {}) }), 'audit a failed sign-in');
          };
          const failed = (err: unknown) => {
            release();
            this.o.onError?.(err, 'record a failed sign-in');
          };
          try {
            const writes = keys.map((k) => chain(this.store.addFailure(k, at, k.policy.windowMs, (n) => blockedUntil(k.policy, n, at)), stored));
            if (writes.some((w) => w instanceof Promise)) return Promise.all(writes).then(done, failed);
          } catch (err) {
            return failed(err);
          }
          done();
        },
      };
    });
  }

  /**
   * Forgets an account's failed sign-ins at every address, and the per-address counts of the
   * addresses it failed from, so it can sign in at once (the `reset-admin-password` command).
   */
  clearLockout(account: string, realm: SignInRealm = 'admin'): MaybePromise<number> {
    return this.store.clearAccount(realm, account);
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private waitFor(key: string, rec: AttemptRecord | undefined, policy: LimitPolicy, now: number): number {
    const inFlight = this.inFlightCount(key, now);
    const live = rec && !expired(rec, policy, now) ? rec : undefined;
    const failures = live?.failures ?? 0;
    if (failures + inFlight < policy.freeAttempts) return 0;
    const blocked = Math.max(0, (live?.blockedUntil ?? 0) - now);
    // Past the free attempts, one at a time: the next waits for the one being checked.
    return inFlight > 0 ? Math.max(blocked, IN_FLIGHT_RETRY_MS) : blocked;
  }

  private flight(key: string): Map<number, number> {
    let f = this.inFlight.get(key);
    if (!f) this.inFlight.set(key, (f = new Map()));
    return f;
  }

  private inFlightCount(key: string, now: number): number {
    const f = this.inFlight.get(key);
    if (!f) return 0;
    for (const [id, at] of f) if (now - at > RESERVATION_TTL_MS) f.delete(id);
    return f.size;
  }

  private prune(): void {
    const windowMs = Math.max(this.limits.perAddress.windowMs, this.limits.perAddressAndAccount.windowMs);
    this.guard(() => this.store.prune(this.now(), windowMs), 'prune sign-in counts');
  }

  /** Runs a store call whose failure must not fail the sign-in: reported, not thrown. */
  private guard(fn: () => unknown, what: string): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((err: unknown) => this.o.onError?.(err, what));
    } catch (err) {
      this.o.onError?.(err, what);
    }
  }
}

/** The wait after the `failures`-th failure: none within the free attempts, then doubling. */
export function blockedUntil(p: LimitPolicy, failures: number, now: number): number {
  if (failures < p.freeAttempts) return 0;
  return now + Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(30, failures - p.freeAttempts));
}

const expired = (r: AttemptRecord, p: LimitPolicy, now: number) => now - r.lastFailureAt > p.windowMs && now >= r.blockedUntil;

/** The audit target of an attempt: prefixed as the management actions' targets are. */
export const signInTarget = (realm: SignInRealm, account: string): string =>
  `${realm === 'admin' ? 'account' : realm === 'apikey' ? 'apikey' : 'mqttuser'}:${account}`;

/** The refusal as the JSON action error every door maps to its own shape (HTTP 429, MQTT server unavailable). */
export const tooManyAttemptsMessage = (r: Refusal): string =>
  `too many failed sign-ins from this address${r.scope === 'account' ? ' for this account' : ''}; try again in ${r.retryAfterSeconds} s`;

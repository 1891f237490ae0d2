/**
 * The sign-in limiter (issue 12) on a real SQLite file, with a clock the test controls: reserved
 * attempts count while in flight, free attempts then doubling waits, per address and per address +
 * account, a success releases, state survives reopening the database, clearLockout, and failures
 * are reported for the audit log.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../store/sqlite-store.ts';
import Database from 'better-sqlite3';
import { clearLockout, SqliteSignInAttemptStore } from '../../store/sign-in-attempt-store.ts';
import { SignInLimiter, type FailedSignIn, type Refusal, type Reservation, type SignInAttempt } from '../sign-in-limiter.ts';
import { tempDir } from '../../__tests__/helpers.ts';

const limits = {
  perAddressAndAccount: { freeAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000, windowMs: 60_000 },
  perAddress: { freeAttempts: 6, baseDelayMs: 1000, maxDelayMs: 8000, windowMs: 60_000 },
};

function open(file: string, clock: { now: number }, failures: FailedSignIn[] = [], o: Partial<typeof limits> = {}) {
  const store = new SqliteStore(file);
  const limiter = new SignInLimiter(new SqliteSignInAttemptStore(store.db), { limits: { ...limits, ...o }, now: () => clock.now, onFailure: (f) => failures.push(f) });
  return { store, limiter, close: () => { limiter.close(); store.close(); } };
}

const attempt = (account: string, address = '198.51.100.1'): SignInAttempt => ({ realm: 'admin', door: 'api', address, account });
const reserved = (r: Reservation | Refusal | Promise<Reservation | Refusal>): Reservation => {
  assert.ok(!(r instanceof Promise), 'SQLite answers without a promise hop');
  assert.equal(r.ok, true, `reserved, not refused: ${JSON.stringify(r)}`);
  return r as Reservation;
};
const refused = (r: Reservation | Refusal | Promise<Reservation | Refusal>): Refusal => {
  assert.ok(!(r instanceof Promise));
  assert.equal(r.ok, false, 'refused');
  return r as Refusal;
};

test('attempts in flight count: a burst is cut at the free attempts before any of them is settled', () => {
  const clock = { now: 1_000_000 };
  const l = open(path.join(tempDir(), 'mqdash.db'), clock);
  try {
    const burst = Array.from({ length: 100 }, () => l.limiter.reserve(attempt('admin')));
    assert.equal(burst.filter((r) => (r as Reservation | Refusal).ok).length, 3, 'three reserved, 97 refused, all before a single verification ended');
    const r = refused(burst[3]!);
    assert.equal(r.scope, 'account');
    assert.ok(r.retryAfterSeconds >= 1);
    // Settled as wrong: now the stored count holds them, and the wait starts.
    for (const b of burst.slice(0, 3)) (b as Reservation).fail('wrong password');
    assert.equal(refused(l.limiter.reserve(attempt('admin'))).retryAfterMs, 1000, 'third failure: 1 s');
  } finally {
    l.close();
  }
});

test('exponential backoff after the free attempts, one attempt at a time; a success releases the account count', () => {
  const clock = { now: 2_000_000 };
  // The per-address count out of the way: this test is about one account.
  const l = open(path.join(tempDir(), 'mqdash.db'), clock, [], { perAddress: { ...limits.perAddress, freeAttempts: 100 } });
  try {
    for (let i = 0; i < 3; i++) reserved(l.limiter.reserve(attempt('ops'))).fail('wrong password');
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = refused(l.limiter.reserve(attempt('ops')));
      waits.push(r.retryAfterMs);
      clock.now += r.retryAfterMs;
      const a = reserved(l.limiter.reserve(attempt('ops')));
      // While it is being checked, the next one waits for it.
      assert.equal(refused(l.limiter.reserve(attempt('ops'))).retryAfterMs, 1000);
      a.fail('wrong password');
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000], 'doubling up to the maximum');
    // The right password once the wait is over: released, and the count at this address forgotten.
    clock.now += 8000;
    reserved(l.limiter.reserve(attempt('ops'))).succeed();
    for (let i = 0; i < 2; i++) reserved(l.limiter.reserve(attempt('ops'))).fail('wrong password');
    reserved(l.limiter.reserve(attempt('ops'))).release();
  } finally {
    l.close();
  }
});

test('per address: spraying many accounts from one address stops at its limit; other addresses are untouched', () => {
  const clock = { now: 3_000_000 };
  const l = open(path.join(tempDir(), 'mqdash.db'), clock);
  try {
    for (let i = 0; i < 6; i++) reserved(l.limiter.reserve(attempt(`user-${i}`))).fail('no such account');
    const r = refused(l.limiter.reserve(attempt('admin')));
    assert.equal(r.scope, 'address');
    // A correct secret from an address that has not failed is never refused because of failures elsewhere.
    reserved(l.limiter.reserve(attempt('admin', '203.0.113.50'))).succeed();
    // Other realms keep their own counts.
    reserved(l.limiter.reserve({ ...attempt('admin'), realm: 'mqtt', door: 'mqtt' })).succeed();
  } finally {
    l.close();
  }
});

test('failures survive reopening the database; the window forgets them; clearLockout frees an account at once', () => {
  const clock = { now: 4_000_000 };
  const file = path.join(tempDir(), 'mqdash.db');
  const failures: FailedSignIn[] = [];
  let l = open(file, clock, failures);
  for (let i = 0; i < 3; i++) reserved(l.limiter.reserve(attempt('admin'))).fail('wrong password');
  for (let i = 0; i < 3; i++) reserved(l.limiter.reserve(attempt(`spray-${i}`))).fail('no such account');
  l.close();

  l = open(file, clock, failures);
  try {
    assert.equal(refused(l.limiter.reserve(attempt('admin'))).scope, 'account', 'still waiting after a restart');
    // The reset-admin-password command: the account's counts everywhere, and the per-address
    // counts of the addresses it failed from, are forgotten.
    assert.equal(l.limiter.clearLockout('admin'), 2);
    reserved(l.limiter.reserve(attempt('admin'))).succeed();
    for (let i = 0; i < 3; i++) reserved(l.limiter.reserve(attempt('ops'))).fail('wrong password');
    clock.now += 60_001 + 1000;
    reserved(l.limiter.reserve(attempt('ops'))).succeed();
  } finally {
    l.close();
  }
  assert.equal(failures.length, 9);
  assert.deepEqual(
    { ...failures[2], blockedForMs: failures[2]!.blockedForMs },
    { realm: 'admin', door: 'api', address: '198.51.100.1', account: 'admin', reason: 'wrong password', blockedForMs: 1000 },
    'the failure that starts a wait says how long',
  );
  assert.equal(failures[0]!.blockedForMs, undefined);
});

test('a reservation never settled stops counting after a minute; settling twice counts once', () => {
  const clock = { now: 5_000_000 };
  const l = open(path.join(tempDir(), 'mqdash.db'), clock);
  try {
    for (let i = 0; i < 3; i++) reserved(l.limiter.reserve(attempt('lost')));
    refused(l.limiter.reserve(attempt('lost')));
    clock.now += 60_001;
    const a = reserved(l.limiter.reserve(attempt('lost')));
    a.fail('wrong password');
    a.fail('wrong password');
    a.succeed();
    reserved(l.limiter.reserve(attempt('lost'))).fail('wrong password');
    reserved(l.limiter.reserve(attempt('lost'))).fail('wrong password');
    assert.equal(refused(l.limiter.reserve(attempt('lost'))).retryAfterMs, 1000, 'three failures recorded, not four');
  } finally {
    l.close();
  }
});

test('clearLockout from another connection to the database (the reset-admin-password command) frees a running limiter', () => {
  const clock = { now: 6_000_000 };
  const file = path.join(tempDir(), 'mqdash.db');
  const l = open(file, clock);
  const other = new Database(file);
  try {
    for (let i = 0; i < 3; i++) reserved(l.limiter.reserve(attempt('admin'))).fail('wrong password');
    refused(l.limiter.reserve(attempt('admin')));
    assert.equal(clearLockout(other, 'admin'), 2);
    reserved(l.limiter.reserve(attempt('admin'))).succeed();
  } finally {
    other.close();
    l.close();
  }
});

/**
 * Session-change load for the feed benchmark, in its own process (the bench process drives the
 * browser): signs in to the BFF like the dashboard does and sends bulk status changes over the
 * seeded fleet — every 250 ms (the feed's batch period) a slice of `changesPerSecond / 4`
 * sessions, in name order, alternately marked inactive and set back to normal on each pass over
 * the fleet. Each session changes at most once per batch, so every change is one row on the feed.
 *
 * Config as JSON in FEED_LOAD_CONFIG: {baseUrl, password, sessions, changesPerSecond}.
 * Prints one JSON line a second: {sent, succeeded, failed, inFlight, lagging}.
 */
import { regions } from './seed.ts';

interface Config {
  baseUrl: string;
  password: string;
  sessions: number;
  changesPerSecond: number;
}

const config = JSON.parse(process.env.FEED_LOAD_CONFIG ?? '{}') as Config;
const TICK_MS = 250;
/** Requests allowed in flight: a slow answer must not stop the load, a stuck server must not pile it up. */
const MAX_IN_FLIGHT = 4;

/** The names bench/seed.ts gives: dev-<region>-<n>. */
const names = Array.from({ length: config.sessions }, (_, i) => `dev-${regions[i % regions.length]}-${Math.floor(i / regions.length)}`);

async function login(): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${config.baseUrl}/bff/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: config.password }),
  });
  if (res.status !== 200) throw new Error(`BFF login answered ${res.status}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: body.csrfToken };
}

const { cookie, csrf } = await login();
const perTick = Math.max(1, Math.round((config.changesPerSecond * TICK_MS) / 1000));
let cursor = 0;
let pass = 0;
let sent = 0;
let succeeded = 0;
let failed = 0;
let inFlight = 0;
let lagging = 0;

function tick(): void {
  if (inFlight >= MAX_IN_FLIGHT) {
    lagging++;
    return;
  }
  const slice: string[] = [];
  while (slice.length < perTick) {
    slice.push(names[cursor]!);
    cursor++;
    if (cursor === names.length) {
      cursor = 0;
      pass++;
      break; // A slice never holds a session twice, nor both actions.
    }
  }
  const action = pass % 2 === 0 ? 'markInactive' : 'unban';
  inFlight++;
  sent += slice.length;
  fetch(`${config.baseUrl}/bff/sessions/bulk`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
    body: JSON.stringify({ action, clientNames: slice }),
  })
    .then(async (res) => {
      if (res.status !== 200) {
        failed += slice.length;
        await res.body?.cancel();
        return;
      }
      const r = (await res.json()) as { succeeded: string[]; failed: unknown[] };
      succeeded += r.succeeded.length;
      failed += r.failed.length;
    })
    .catch(() => {
      failed += slice.length;
    })
    .finally(() => {
      inFlight--;
    });
}

setInterval(tick, TICK_MS);
const parent = process.ppid;
setInterval(() => {
  // An orphan (the bench process died without stopping it) must not load the machine on.
  if (process.ppid !== parent) process.exit(0);
  process.stdout.write(`${JSON.stringify({ sent, succeeded, failed, inFlight, lagging })}\n`);
}, 1000);
process.stdout.on('error', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

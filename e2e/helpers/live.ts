// The live feed in e2e tests: restart the server on the same ports and data directory, check
// that a page was never reloaded, read the header's live indicator, and judge the console errors
// a deliberately stopped server provokes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { takeConsoleErrors } from './dashboard';
import { engineProblem, serverCommand, type RunningServer } from './server';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const HEALTH_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 6_000;
const OUTPUT_LIMIT = 1_000_000;

/**
 * Starts the server again on the ports and data directory of a stopped one (startServer always
 * takes new free ports). The browser keeps its origin, so the dashboard can find it again.
 */
export async function restartServer(previous: RunningServer, env: Record<string, string> = {}): Promise<RunningServer> {
  await previous.stop();
  const { httpPort, mqttPort, dataDir, adminPassword, baseUrl } = previous;
  const [command, args] = serverCommand();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ADMIN_PASSWORD: adminPassword, LOG_LEVEL: 'info', ...env, HOST: '127.0.0.1', PORT: String(httpPort), MQTT_PORT: String(mqttPort), DATA_DIR: dataDir };
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (hasExited()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (hasExited()) throw new Error(`restarted server exited (code ${child.exitCode})\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`restarted server did not answer /healthz within ${HEALTH_TIMEOUT_MS / 1000} s\n${output.slice(-4000)}`);
    }
    await sleep(100);
  }
  const wrongEngine = await engineProblem(childEnv, () => output);
  if (wrongEngine) {
    await stop();
    throw new Error(`restarted server: ${wrongEngine}\n${output.slice(-4000)}`);
  }
  return { baseUrl, httpPort, mqttPort, dataDir, adminPassword, child, output: () => output, stop };
}

/** The header's live indicator ("Live updates: live", …). */
export const liveIndicator = (page: Page): Locator => page.getByRole('status', { name: /^Live updates: / });

export async function waitForLiveState(page: Page, state: RegExp | string, timeoutMs = 20_000): Promise<void> {
  const name = typeof state === 'string' ? `Live updates: ${state}` : new RegExp(`^Live updates: (${state.source})$`);
  await page.getByRole('status', { name, exact: typeof state === 'string' }).waitFor({ timeout: timeoutMs });
}

/**
 * Sets a marker on the window (it survives client-side navigation, not a reload); `assertNotReloaded`
 * then checks it and that the page saw exactly one navigation.
 */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __liveMarker?: string }).__liveMarker = 'set-before-the-change';
  });
}

export async function assertNotReloaded(page: Page): Promise<void> {
  const { marker, navigations } = await page.evaluate(() => ({
    marker: (window as unknown as { __liveMarker?: string }).__liveMarker ?? null,
    navigations: performance.getEntriesByType('navigation').length,
  }));
  assert.equal(marker, 'set-before-the-change', 'the window marker is gone: the page was reloaded');
  assert.equal(navigations, 1, 'more than one navigation entry: the page was reloaded');
}

/**
 * What Chromium logs while the server is down or has forgotten the sign-in: refused WebSocket
 * handshakes, refused connections, and 401s of the BFF. Nothing else is allowed, and at least one
 * refused connection must have been seen (the test did stop the server).
 */
const DOWNTIME_ERRORS = [
  /^console\.error: WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/mqtt' failed: .*(ERR_CONNECTION_REFUSED|Connection closed before receiving a handshake response|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE)/,
  /^console\.error: Failed to load resource: net::ERR_CONNECTION_REFUSED/,
  /^console\.error: Failed to load resource: the server responded with a status of 401 \(Unauthorized\) \(http:\/\/127\.0\.0\.1:\d+\/bff\/(feed-token|me|sessions|overview|audit|labels|alert-rules|nodes)\b/,
];

export function assertOnlyDowntimeErrors(page: Page): string[] {
  const errors = takeConsoleErrors(page);
  const unexpected = errors.filter((e) => !DOWNTIME_ERRORS.some((p) => p.test(e)));
  assert.deepEqual(unexpected, [], `unexpected browser console errors while the server was down:\n${unexpected.join('\n')}\n(all: ${errors.join('\n')})`);
  assert.ok(errors.some((e) => /ERR_CONNECTION_REFUSED|handshake/.test(e)), `no refused connection was logged while the server was down: ${errors.join('\n')}`);
  return errors;
}

/** The cells of a table row, by column header ("Connection", "Status", "Publish/min", …). */
export async function rowCells(page: Page, row: Locator): Promise<Record<string, string>> {
  const table = page.getByRole('table', { name: 'Sessions', exact: true });
  const headers = await table.locator('thead th').allTextContents();
  const cells = await row.getByRole('cell').allTextContents();
  const out: Record<string, string> = {};
  headers.forEach((h, i) => {
    out[h.trim()] = (cells[i] ?? '').trim();
  });
  return out;
}

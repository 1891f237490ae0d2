// The end of an e2e file: every MQTT client it opened, its browser, its server and the server's data.
import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { closeAllClients } from './mqtt';
import type { RunningServer } from './server';

export async function tearDown(server: RunningServer | undefined, browser: Browser | undefined): Promise<void> {
  await closeAllClients();
  await browser?.close();
  await server?.stop();
  if (server) await rm(server.dataDir, { recursive: true, force: true });
}

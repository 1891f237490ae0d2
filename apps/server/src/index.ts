import { pino } from 'pino';
import { storageProblem } from '@mqdash/broker';
import { loadConfig } from './config.ts';
import { startServer } from './server.ts';

/** Process entry: start, stop cleanly on SIGINT/SIGTERM within 5 s (DESIGN §2), reload TLS files on SIGHUP. */
let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(`mqdash: ${(err as Error).message}`);
  process.exit(2);
}
const log = pino({ level: config.logLevel });
try {
  const server = await startServer(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    server.close().then(() => process.exit(0), (err) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // SIGHUP: the TLS certificate files again (renewed certificates), without dropping connections.
  process.on('SIGHUP', () => {
    if (!stopping) server.reloadTls();
  });
} catch (err) {
  // A storage failure past the store's own checks (a damaged page met while loading, a full disk): say which.
  const problem = storageProblem(err);
  log.fatal({ err: (err as Error).message, dataDir: config.dataDir }, `mqdash failed to start${problem ? `: ${problem}` : ''}`);
  process.exit(1);
}

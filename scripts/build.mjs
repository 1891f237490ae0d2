// `npm run build`: compiles packages/contracts, packages/broker and apps/server to JavaScript
// (tsc -b tsconfig.build.json; each workspace's dist/) and builds the dashboard (vite), then records
// the inputs it built from (build-state.mjs). `--if-stale` does nothing when the build is fresh.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildState, buildTools, cannotBuildMessage, hashInputs, repoRoot, writeBuildInfo } from './build-state.mjs';

export function build({ ifStale = false, log = console.log } = {}) {
  if (ifStale) {
    const state = buildState();
    if (state.state === 'fresh') return;
    log(`mqdash: the build is ${state.state} (${state.reason}); building.`);
  }
  const tools = buildTools();
  if (!tools) throw new Error(cannotBuildMessage(buildState()));
  // Hashed before building: a file edited while the build runs leaves the build stale, as it is.
  const hashes = hashInputs();
  const steps = [
    ['server (tsc)', [tools.tsc, '-b', 'tsconfig.build.json']],
    ['dashboard (vite)', [tools.vite, 'build', '--config', 'vite.config.ts', '--logLevel', 'warn']],
  ];
  for (const [what, args] of steps) {
    const started = Date.now();
    // The tools' own output on stderr: stdout belongs to the command that asked for the build (mqdash).
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 2, 2] });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`mqdash: building the ${what} failed (exit ${r.status ?? r.signal})`);
    log(`mqdash: built the ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  writeBuildInfo(hashes);
}

/**
 * Before running the compiled code (`npm start`, `mqdash`): builds a missing or stale build where
 * the build tools are installed; elsewhere (`npm ci --omit=dev`) stops with a message saying why.
 */
export function ensureBuild(log = console.log) {
  const state = buildState();
  if (state.state === 'fresh') return;
  if (!buildTools()) {
    console.error(cannotBuildMessage(state));
    process.exit(1);
  }
  log(`mqdash: the build is ${state.state} (${state.reason}); running npm run build first.`);
  try {
    build({ log });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build({ ifStale: process.argv.includes('--if-stale') });
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

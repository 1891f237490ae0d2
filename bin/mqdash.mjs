#!/usr/bin/env node
// The `mqdash` command (package.json `bin`; `npx mqdash --help`): backup, restore,
// reset-admin-password. Runs the compiled CLI (apps/server/src/cli/main.ts) with plain node,
// building it first where it is missing or stale and the build tools are installed.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuild } from '../scripts/build.mjs';
import { outputs, repoRoot } from '../scripts/build-state.mjs';

// Build notes go to stderr: stdout carries the command's own result (a new password).
ensureBuild((line) => console.error(line));
const { main } = await import(pathToFileURL(path.join(repoRoot, outputs.cli)).href);
process.exitCode = await main(process.argv.slice(2));

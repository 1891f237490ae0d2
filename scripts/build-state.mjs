// Whether the compiled build (`npm run build`) matches the sources, for `npm start`, the `mqdash`
// CLI and the e2e helpers. Plain JavaScript with no dependencies: it runs after
// `npm ci --omit=dev`, where neither TypeScript nor tsx is installed.
//
// A build records a SHA-256 of every input file (apps/server/dist/build-info.json). Contents, not
// mtimes: a git checkout, a copy or an archive changes mtimes without changing the build.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The compiled server entry, the dashboard's entry page and the build record. */
export const outputs = {
  server: 'apps/server/dist/index.js',
  cli: 'apps/server/dist/cli/main.js',
  packages: ['packages/contracts/dist/index.js', 'packages/broker/dist/index.js'],
  dashboard: 'apps/dashboard/dist/index.html',
  info: 'apps/server/dist/build-info.json',
};

/** Folders whose files (tests aside: they are not compiled) and single files the build reads. */
const inputDirs = ['packages/contracts/src', 'packages/broker/src', 'apps/server/src', 'apps/dashboard/src', 'apps/dashboard/public'];
// The root package.json is not one: its scripts are not built (the dependencies are in the lock).
const inputFiles = [
  'package-lock.json', 'tsconfig.base.json', 'tsconfig.build.json', 'vite.config.ts', 'apps/dashboard/index.html',
  ...['packages/contracts', 'packages/broker', 'apps/server', 'apps/dashboard']
    .flatMap((w) => [`${w}/package.json`, `${w}/tsconfig.json`, `${w}/tsconfig.build.json`]),
];

function walk(root, rel, out) {
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== '__tests__' && e.name !== 'node_modules') walk(root, child, out);
    } else if (e.isFile()) out.push(child);
  }
}

/** Every input file, relative to the root, sorted. */
export function buildInputs(root = repoRoot) {
  const files = [];
  for (const d of inputDirs) walk(root, d, files);
  for (const f of inputFiles) if (fs.existsSync(path.join(root, f))) files.push(f);
  return files.sort();
}

/** path → SHA-256 of its contents, for every input. */
export function hashInputs(root = repoRoot) {
  const hashes = {};
  for (const f of buildInputs(root)) hashes[f] = createHash('sha256').update(fs.readFileSync(path.join(root, f))).digest('hex');
  return hashes;
}

export function readBuildInfo(root = repoRoot) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, outputs.info), 'utf8'));
  } catch {
    return null;
  }
}

export function writeBuildInfo(hashes, root = repoRoot) {
  const info = { builtAt: new Date().toISOString(), node: process.version, inputs: hashes };
  fs.writeFileSync(path.join(root, outputs.info), `${JSON.stringify(info, null, 1)}\n`);
}

/**
 * `fresh`, `missing` (some output or the build record is absent) or `stale` (an input changed,
 * appeared or disappeared since the build), with the reason in words.
 */
export function buildState(root = repoRoot) {
  const required = [outputs.server, outputs.cli, ...outputs.packages, outputs.dashboard];
  const absent = required.filter((f) => !fs.existsSync(path.join(root, f)));
  const info = readBuildInfo(root);
  if (absent.length > 0 || !info?.inputs) {
    return { state: 'missing', reason: absent.length > 0 ? `${absent[0]} does not exist` : `${outputs.info} does not exist or cannot be read` };
  }
  const now = hashInputs(root);
  const changed = [];
  for (const [f, h] of Object.entries(now)) if (info.inputs[f] !== h) changed.push(info.inputs[f] ? `${f} changed` : `${f} is new`);
  for (const f of Object.keys(info.inputs)) if (!(f in now)) changed.push(`${f} was removed`);
  if (changed.length === 0) return { state: 'fresh', reason: `built ${info.builtAt}` };
  const more = changed.length > 3 ? ` and ${changed.length - 3} more` : '';
  return { state: 'stale', reason: `${changed.length} source file(s) differ from the build of ${info.builtAt}: ${changed.slice(0, 3).join(', ')}${more}` };
}

/** The build tools are development dependencies: absent after `npm ci --omit=dev`. */
export function buildTools(root = repoRoot) {
  const require = createRequire(path.join(root, 'package.json'));
  const bin = (pkg, name) => {
    const manifest = require.resolve(`${pkg}/package.json`);
    return path.join(path.dirname(manifest), JSON.parse(fs.readFileSync(manifest, 'utf8')).bin[name]);
  };
  try {
    return { tsc: bin('typescript', 'tsc'), vite: bin('vite', 'vite') };
  } catch {
    return null;
  }
}

/** What to tell an operator whose build cannot be made here. */
export function cannotBuildMessage(state) {
  return `mqdash: the compiled build is ${state.state} (${state.reason}), and it cannot be built here: `
    + 'the build tools (typescript, vite) are development dependencies, not installed (npm ci --omit=dev?).\n'
    + 'Build where they are installed (`npm ci && npm run build`) and deploy the built tree, '
    + 'or install them here (`npm ci`) and run `npm start` again, which builds first.';
}

// `npm start`: runs the compiled server with plain `node`, in this process (no TypeScript
// compiler, no tsx or esbuild process at run time; DESIGN §2). In a full checkout a missing or
// stale build is built first; after `npm ci --omit=dev`, where it cannot be, the start stops and
// says why (build.mjs ensureBuild).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuild } from './build.mjs';
import { outputs, repoRoot } from './build-state.mjs';

ensureBuild();
await import(pathToFileURL(path.join(repoRoot, outputs.server)).href);

// `npm start` builds the dashboard only when its build is missing (DESIGN §2).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const indexHtml = fileURLToPath(new URL('../apps/dashboard/dist/index.html', import.meta.url));

if (!existsSync(indexHtml)) {
  console.log('Dashboard build not found; running npm run build.');
  const result = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

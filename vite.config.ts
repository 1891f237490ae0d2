// Builds apps/dashboard; in development proxies the server's routes (DESIGN §1, §2).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const dashboardRoot = fileURLToPath(new URL('./apps/dashboard', import.meta.url));
const server = 'http://127.0.0.1:8080';

export default defineConfig({
  root: dashboardRoot,
  plugins: [react()],
  build: { outDir: join(dashboardRoot, 'dist'), emptyOutDir: true },
  server: {
    proxy: {
      '/api': server,
      '/bff': server,
      '/mqtt': { target: server, ws: true },
    },
  },
});

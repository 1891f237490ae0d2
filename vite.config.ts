// Builds apps/dashboard; in development proxies the server's routes (DESIGN §1, §2).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

const dashboardRoot = fileURLToPath(new URL('./apps/dashboard', import.meta.url));
const server = 'http://127.0.0.1:8080';

export default defineConfig({
  root: dashboardRoot,
  plugins: [react()],
  // The workspaces' sources (their `mqdash-source` export), not their compiled dist/ (the server's).
  resolve: { conditions: ['mqdash-source', ...defaultClientConditions] },
  build: {
    outDir: join(dashboardRoot, 'dist'),
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate chunks cache longer and load in parallel.
        manualChunks(id) {
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (/node_modules\/(react-aria-components|react-aria|react-stately|@react-aria|@react-stately|@react-types|@internationalized)\//.test(id)) return 'react-aria';
          if (id.includes('node_modules/zod/')) return 'zod';
          // mqtt.js is imported on sign-in (features/live); its own chunk keeps it off the login page.
          if (id.includes('node_modules/mqtt/')) return 'mqtt';
          return 'vendor';
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/bff': server,
      '/mqtt': { target: server, ws: true },
    },
  },
});

import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The web UI: source in src/web, built into dist/web, served by the FileFlow server (plugins/web-ui.ts). */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // src/web/public: copied as is (favicon).
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The server's CSP forbids inline scripts and data: scripts; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `npx vite --config src/web/vite.config.ts` with the API server on :3000.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Vite 8's own oxc transform compiles JSX (no @vitejs/plugin-react: see docs/adr/0003-admin-ui.md).
export default defineConfig({
  root,
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/admin-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Every script is a file: the gateway's Content-Security-Policy allows no inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rolldownOptions: {
      // react-router's "use client" directives mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npx vite --config apps/admin-ui/vite.config.ts` against a gateway on :3000.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/admin/queues/board': 'http://127.0.0.1:3000' },
  },
});

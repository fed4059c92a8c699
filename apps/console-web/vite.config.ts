import path from 'node:path';
import { defineConfig } from 'vite';

// No React plugin: Vite compiles TSX itself with the automatic JSX runtime (react/jsx-runtime).
// The built page has no inline script or style, so the console's Content-Security-Policy can
// forbid them.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // The typed client of the REST API, from its TypeScript source (libs/api-client).
  resolve: { alias: { '@millrace/api-client': path.resolve(import.meta.dirname, '../../libs/api-client/src/index.ts') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      // TanStack Query marks modules "use client" for server components; meaningless for a page.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    // `vite` in this folder during development: API calls go to a console started with npm start.
    proxy: { '/api': 'http://127.0.0.1:17088', '/session': 'http://127.0.0.1:17088' },
  },
});

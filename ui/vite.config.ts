// Builds the single-page app (run from the repository as `vite build ui`) into dist/ui, which
// `sluice ui` serves. One script and one stylesheet, nothing inline: the server's
// Content-Security-Policy allows only same-origin files.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    // Relative to this directory (the Vite root).
    outDir: '../dist/ui',
    emptyOutDir: true,
    assetsDir: 'assets',
    // No module-preload polyfill: it would be inline code.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  // `vite ui` during development: the API comes from a running `sluice ui`.
  server: { proxy: { '/api': 'http://127.0.0.1:8177' } },
});

/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { parseShape } from './mocks/backend/shape.ts';
import { heroBackend } from './mocks/backend/vite-plugin.ts';

// `vite` / `vite build`: the standalone app (dev shell) with the dev backend mounted in dev.
// `vite build --mode lib`: the library bundle, one ES module that registers <hero-messaging>.
// Compiled JSX imports its runtime from this wrapper of solid-js/web: its template() parses through the
// island's Trusted Types policy (see docs/guides/csp.md).
const solidRuntime = fileURLToPath(new URL('./src/ui/solid-web.ts', import.meta.url));

export default defineConfig(({ mode }) => ({
  plugins: [
    solid({ solid: { moduleName: solidRuntime } }),
    mode === 'test' || mode === 'lib'
      ? []
      : heroBackend({
          dataDir: process.env.HERO_DATA_DIR ?? '.data',
          shape: parseShape(process.env.HERO_SHAPE, 'HERO_SHAPE'),
        }),
  ],
  // The app routes on real paths (src/app): an SPA answers any of them with index.html, deep links
  // included; the dev backend's middleware comes first and keeps /hero_osis_communication/*.
  appType: 'spa',
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1' },
  build:
    mode === 'lib'
      ? {
          lib: {
            entry: 'src/hero-messaging.ts',
            formats: ['es'],
            fileName: () => 'hero-messaging.js',
          },
          outDir: 'dist',
          emptyOutDir: false,
          target: 'es2022',
          // Lib mode keeps ES output unminified for tree-shaking; this bundle is final, so minify it whole
          // and drop the /* @__PURE__ */ annotations, which only a later bundler would read.
          // Most of the island's code runs in its first second (mount, first list, first events), so the
          // first line asks Chromium to compile all of it while it streams the file, on a background
          // thread, rather than function by function on the page's main thread as each is first called
          // (V8's explicit compile hints; other engines ignore the comment). The rest (older pages, a new
          // chat) is compiled for nothing; the list benchmark measured the trade as worth it.
          rolldownOptions: {
            output: {
              minify: true,
              comments: { legal: true, annotation: false, jsdoc: false },
              postBanner: '//# allFunctionsCalledOnLoad',
            },
          },
        }
      : { outDir: 'dist/app', target: 'es2022' },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    environment: 'happy-dom',
    css: true,
    environmentOptions: { happyDOM: { settings: { fetch: { disableSameOriginPolicy: true } } } },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
}));

import { defineConfig } from 'vitest/config';

// The browser suite: Debian's Chromium driven by playwright-core against the built bundle and the dev
// backend on ephemeral loopback ports. One file at a time: they share the machine's two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});

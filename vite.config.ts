/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { heroBackend } from './mocks/backend/vite-plugin.ts';

export default defineConfig(({ mode }) => ({
  plugins: [solid(), mode === 'test' ? [] : heroBackend({ dataDir: process.env.HERO_DATA_DIR ?? '.data' })],
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1' },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { settings: { fetch: { disableSameOriginPolicy: true } } } },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
}));

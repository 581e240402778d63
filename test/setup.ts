import { afterEach, vi } from 'vitest';

// Runs before every unit test file (vite.config.ts, `test.setupFiles`). Whatever a test faked or
// spied on is put back after it, so a file says only what it needs (`useFakeClock`, `spyOnConsole`
// in test/support) and the next test starts on real timers, which the integration tests need: they
// talk real HTTP.
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

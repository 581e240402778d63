import { vi, type MockInstance } from 'vitest';

type Level = 'error' | 'warn' | 'info' | 'log';

/**
 * Silences `console[level]` for this test and returns the spy, to assert what was said. The console
 * is restored after the test (test/setup.ts).
 */
export function spyOnConsole(level: Level = 'warn'): MockInstance<(typeof console)[Level]> {
  return vi.spyOn(console, level).mockImplementation(() => {});
}

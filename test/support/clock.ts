import { vi } from 'vitest';

/**
 * Fakes every timer and `Date` for this test, starting at `at` (unix ms) when given. Real timers come
 * back after the test (test/setup.ts).
 */
export function useFakeClock(at?: number): void {
  vi.useFakeTimers();
  if (at !== undefined) vi.setSystemTime(at);
}

/**
 * Fakes only `setTimeout` and `setInterval` (and their clears): promises, `Date` and animation frames
 * keep running, so a mounted island still renders while its waits are moved by the test. Real timers
 * come back after the test (test/setup.ts).
 */
export function useFakeTimeouts(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
}

/** Runs what is due now: the timers at 0 ms and the promises they settle. */
export const settle = () => vi.advanceTimersByTimeAsync(0);

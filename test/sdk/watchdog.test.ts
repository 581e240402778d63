// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultEnvironment } from '../../src/sdk/environment.ts';
import { makeWatchdog, MAX_TIMER_MS } from '../../src/sdk/watchdog.ts';

let fired: number;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  fired = 0;
});
afterEach(() => vi.useRealTimers());

const make = () => makeWatchdog(defaultEnvironment(), () => fired++);

describe('watchdog', () => {
  it('fires once the peer was silent for the limit, giving its reason', () => {
    const dog = make();
    dog.expect(1000, 'quiet');
    vi.advanceTimersByTime(999);
    expect(dog.fired).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(dog.fired).toBe('quiet');
    expect(fired).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts from the last activity, with one timer however many bytes arrive', () => {
    const dog = make();
    dog.expect(1000, 'quiet');
    for (let i = 0; i < 9; i++) {
      vi.advanceTimersByTime(100);
      dog.activity();
    }
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });

  it('does not count a pause, and starts the silence again on resume', () => {
    const dog = make();
    dog.expect(1000, 'quiet');
    dog.pause();
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(0);
    dog.resume();
    vi.advanceTimersByTime(999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });

  it('counts nothing while idle, until the next expect', () => {
    const dog = make();
    dog.expect(1000, 'quiet');
    dog.idle();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(fired).toBe(0);
    dog.expect(500, 'slow');
    vi.advanceTimersByTime(500);
    expect(dog.fired).toBe('slow');
  });

  it('checks the clock on demand, for a timer that has not run (a sleeping device)', () => {
    const dog = make();
    dog.expect(1000, 'quiet');
    vi.setSystemTime(Date.now() + 60_000);
    dog.check();
    expect(fired).toBe(1);
  });

  it('keeps a limit beyond the platform timer range without overflowing', () => {
    const setTimeout = vi.fn((fn: () => void, ms: number) => globalThis.setTimeout(fn, ms));
    const dog = makeWatchdog(defaultEnvironment({ setTimeout }), () => fired++);
    dog.expect(1e12, 'quiet');
    expect(setTimeout).toHaveBeenLastCalledWith(expect.any(Function), MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).toBe(0);
  });

  it('leaves no timer after stop', () => {
    const dog = make();
    dog.expect(1000, 'quiet');
    dog.stop();
    expect(vi.getTimerCount()).toBe(0);
    dog.check();
    vi.advanceTimersByTime(5000);
    expect(fired).toBe(0);
  });
});

// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultEnvironment, type Environment } from '../../src/sdk/environment.ts';
import { makeLoop, type Attempt } from '../../src/sdk/loop.ts';
import { DEFAULT_STREAM_TUNING } from '../../src/sdk/tuning.ts';
import type { StreamItem } from '../../src/sdk/index.ts';
import { flush } from './harness.ts';

/** An EventTarget that counts its listeners, to prove none outlives the loop. */
class CountingTarget extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>) {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>) {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

let controller: AbortController;
let env: Environment;
let onlineEvents: CountingTarget;
let visibilityEvents: CountingTarget;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  controller = new AbortController();
  onlineEvents = new CountingTarget();
  visibilityEvents = new CountingTarget();
  env = defaultEnvironment({
    random: () => 0.5,
    isOnline: () => true,
    isVisible: () => true,
    onlineEvents,
    visibilityEvents,
  });
});
afterEach(() => {
  controller.abort();
  vi.useRealTimers();
});

const connected: StreamItem = { kind: 'status', status: { state: 'connected', heartbeatMs: 1000 } };

describe('the loop both transports run', () => {
  it('turns an attempt that throws into a retry with the reason, and goes on', async () => {
    let calls = 0;
    // eslint-disable-next-line require-yield
    const attempt: Attempt = async function* () {
      calls++;
      throw new Error('boom');
    };
    const loop = makeLoop(env, DEFAULT_STREAM_TUNING, controller.signal, attempt);
    const items: StreamItem[] = [];
    void (async () => {
      for await (const batch of loop.run()) items.push(...batch);
    })();
    await flush();
    expect(items.at(-1)).toMatchObject({
      kind: 'status',
      status: { state: 'reconnecting', reason: 'internal error (boom)' },
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(2);
  });

  it('stops for good on a refusal', async () => {
    // eslint-disable-next-line require-yield
    const attempt: Attempt = async function* () {
      return { kind: 'stop', status: { state: 'unauthorized', httpStatus: 403 } };
    };
    const items: StreamItem[] = [];
    for await (const batch of makeLoop(
      env,
      DEFAULT_STREAM_TUNING,
      controller.signal,
      attempt,
    ).run())
      items.push(...batch);
    expect(items.map((i) => (i.kind === 'status' ? i.status.state : i.event.type))).toEqual([
      'connecting',
      'unauthorized',
    ]);
    expect(onlineEvents.listeners + visibilityEvents.listeners).toBe(0);
  });

  it('runs the attempt’s cleanup and removes its listeners when the consumer stops midway', async () => {
    let cleaned = false;
    let aborted: AbortSignal | undefined;
    const attempt: Attempt = async function* ({ signal }) {
      aborted = signal;
      try {
        yield [connected];
        yield [connected];
        return { kind: 'retry', reason: 'unreachable' };
      } finally {
        cleaned = true;
      }
    };
    const items = makeLoop(env, DEFAULT_STREAM_TUNING, controller.signal, attempt).run();
    await items.next();
    await items.next();
    expect(onlineEvents.listeners + visibilityEvents.listeners).toBe(2);
    await items.return(undefined);
    expect(cleaned).toBe(true);
    expect(aborted?.aborted).toBe(true);
    expect(onlineEvents.listeners + visibilityEvents.listeners).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('wakes from the backoff wait only when the page becomes visible, not hidden', async () => {
    let visible = false;
    let calls = 0;
    // eslint-disable-next-line require-yield
    const attempt: Attempt = async function* () {
      calls++;
      return { kind: 'retry', reason: 'down' };
    };
    const loop = makeLoop(
      { ...env, isVisible: () => visible },
      DEFAULT_STREAM_TUNING,
      controller.signal,
      attempt,
    );
    void (async () => {
      for await (const _ of loop.run());
    })();
    await flush();
    expect(calls).toBe(1);
    visibilityEvents.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(calls).toBe(1);
    visible = true;
    visibilityEvents.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(calls).toBe(2);
  });
});

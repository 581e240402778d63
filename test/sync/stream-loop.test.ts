import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamItem } from '../../src/sdk/index.ts';
import { makeSubscription } from '../../src/sdk/subscription.ts';
import { runStreamLoop } from '../../src/sync/stream-loop.ts';
import { createFakeClient } from '../support/fake-client.ts';
import { testEnvironment } from '../support/session-env.ts';

afterEach(() => vi.restoreAllMocks());

const ready = { type: 'ready', data: { cursor: 'e:1', heartbeat_ms: 15_000 } } as const;

function subscribed() {
  const client = createFakeClient();
  client.subscribe({ signal: new AbortController().signal });
  return client.subscription;
}

describe('the stream loop', () => {
  it('hands on every item in order and ends when the subscription ends', async () => {
    const subscription = subscribed();
    const seen: StreamItem[] = [];
    subscription.status({ state: 'connecting', attempt: 0 });
    subscription.event(ready);
    subscription.end();
    await runStreamLoop(subscription, testEnvironment().env, (item) => seen.push(item));
    expect(seen).toEqual([
      { kind: 'status', status: { state: 'connecting', attempt: 0 } },
      { kind: 'event', event: ready },
    ]);
  });

  it('gives the page a turn when handling runs past its slice, and not before', async () => {
    let clock = 0;
    const nextTask = vi.fn(() => Promise.resolve());
    const { env } = testEnvironment({ now: () => clock, nextTask });
    const subscription = subscribed();
    for (let i = 0; i < 4; i++) subscription.event(ready);
    subscription.end();
    // Each item takes 4 ms: the slice of 10 ms is over after the third.
    await runStreamLoop(subscription, env, () => void (clock += 4), 10);
    expect(nextTask).toHaveBeenCalledTimes(1);
  });

  it('hands on a batch (a burst read in one go) item by item, giving the page its turns in the middle of it', async () => {
    let clock = 0;
    const turns: number[] = [];
    const nextTask = vi.fn(async () => void turns.push(seen.length));
    const { env } = testEnvironment({ now: () => clock, nextTask });
    const burst: StreamItem[] = Array.from({ length: 10 }, (_, i) => ({
      kind: 'event',
      event: ready,
      id: `e:${i + 1}`,
    }));
    const subscription = makeSubscription({
      name: 'subscribe',
      signal: new AbortController().signal,
      run: async function* () {
        yield [{ kind: 'status', status: { state: 'connecting', attempt: 0 } }];
        yield burst;
      },
      retryNow: () => {},
      lastEventId: () => undefined,
      stats: { badFrames: 0, ignoredFrames: 0, connections: 0 },
    });
    const seen: StreamItem[] = [];
    // Each item takes 4 ms: a turn after every third.
    await runStreamLoop(subscription, env, (item) => void (seen.push(item), (clock += 4)), 10);
    expect(seen).toEqual([
      { kind: 'status', status: { state: 'connecting', attempt: 0 } },
      ...burst,
    ]);
    expect(turns).toEqual([3, 6, 9]);
  });

  it('starts a new slice after waiting for the stream: a message and its conversation’s update, read together, are handled in one task', async () => {
    let clock = 0;
    const nextTask = vi.fn(() => Promise.resolve());
    const { env } = testEnvironment({ now: () => clock, nextTask });
    const message = { kind: 'event', event: ready, id: 'e:2' } as const;
    const update = { kind: 'event', event: ready, id: 'e:3' } as const;
    let arrive!: () => void;
    const subscription = makeSubscription({
      name: 'subscribe',
      signal: new AbortController().signal,
      run: async function* () {
        yield [{ kind: 'status', status: { state: 'connecting', attempt: 0 } }];
        // Quiet for a while (longer than a slice), then one network chunk with two events.
        await new Promise<void>((resolve) => (arrive = resolve));
        yield [message, update];
      },
      retryNow: () => {},
      lastEventId: () => undefined,
      stats: { badFrames: 0, ignoredFrames: 0, connections: 0 },
    });
    const seen: StreamItem[] = [];
    const loop = runStreamLoop(
      subscription,
      env,
      (item) => void (seen.push(item), (clock += 1)),
      10,
    );
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    clock += 500;
    arrive();
    await loop;
    expect(seen.slice(1)).toEqual([message, update]);
    expect(nextTask).not.toHaveBeenCalled();
  });

  it('logs a failure of the loop and ends instead of throwing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const subscription = subscribed();
    subscription.fail(new Error('boom'));
    await expect(
      runStreamLoop(subscription, testEnvironment().env, () => {}),
    ).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(
      '[hero-messaging] the subscription loop failed',
      expect.objectContaining({ message: 'boom' }),
    );
  });
});

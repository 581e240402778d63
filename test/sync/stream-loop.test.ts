import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamItem } from '../../src/sdk/index.ts';
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

  it('logs a failure of the loop and ends instead of throwing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const subscription = subscribed();
    subscription.fail(new Error('boom'));
    await expect(runStreamLoop(subscription, testEnvironment().env, () => {})).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith('[hero-messaging] the subscription loop failed', expect.objectContaining({ message: 'boom' }));
  });
});

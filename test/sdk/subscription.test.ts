// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { makeSubscription, type StreamBatch, type StreamItem } from '../../src/sdk/subscription.ts';

const status = (attempt: number): StreamItem => ({
  kind: 'status',
  status: { state: 'connecting', attempt },
});

/** A stream of its own over `batches`, as a transport makes one. */
function streamOfItsOwn(batches: StreamBatch[]) {
  return makeSubscription({
    name: 'subscribe',
    signal: new AbortController().signal,
    async *run() {
      yield* batches;
    },
    retryNow: () => {},
    lastEventId: () => undefined,
    stats: { badFrames: 0, ignoredFrames: 0, connections: 0 },
  });
}

describe('makeSubscription: a stream of its own leads a stream of one', () => {
  it('leads from the start and never lets go; nobody hears what it shows', async () => {
    const subscription = streamOfItsOwn([[status(0)]]);
    const changes: boolean[] = [];
    subscription.onLeadershipChange((leading) => changes.push(leading));
    subscription.show('c1');
    for await (const _ of subscription.batches());
    expect(subscription.isLeader).toBe(true);
    expect(changes).toEqual([]);
    expect(subscription.shownElsewhere('c1')).toBe(false);
  });

  it('relays each item it reads, before its consumer takes the batch, until the listener is removed', async () => {
    const subscription = streamOfItsOwn([[status(0), status(1)], [status(2)]]);
    const log: (StreamItem | number)[] = [];
    const stop = subscription.onRelay((item) => log.push(item));
    for await (const batch of subscription.batches()) {
      log.push(batch.length);
      stop();
    }
    expect(log).toEqual([status(0), status(1), 2, 1]);
  });

  it('keeps relaying when a relay listener throws, and says so once per throw', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const subscription = streamOfItsOwn([[status(0), status(1)]]);
    const heard: StreamItem[] = [];
    subscription.onRelay(() => {
      throw new Error('bug');
    });
    subscription.onRelay((item) => heard.push(item));
    for await (const _ of subscription.batches());
    expect(heard).toEqual([status(0), status(1)]);
    expect(error).toHaveBeenCalledTimes(2);
    error.mockRestore();
  });
});

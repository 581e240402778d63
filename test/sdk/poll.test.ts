// @vitest-environment node
// The polling transport runs the stream's loop: same statuses, backoff, wake-ups and
// cleanup, and no invented stream position.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RpcError,
  RpcErrorCode,
  type ChatMessage,
  type Conversation,
} from '../../src/protocol/index.ts';
import type { StreamStatus } from '../../src/sdk/index.ts';
import { createFakeServer, type FakeServer } from '../../mocks/fake-stream/index.ts';
import { collect } from '../support/collect.ts';
import { fakeClient, flush, hangingFetch, message } from './harness.ts';

let server: FakeServer;
let controller: AbortController;
let rows: Conversation[];
let messages: ChatMessage[];
let failure: RpcError | undefined;

const row = (seq: number, last = `m${seq}`): Conversation => ({
  sid: 'conv_1',
  name: '',
  participant_keys: ['alice', 'bob'],
  last_message: last,
  last_message_time: 1_700_000_000_000 + seq,
  unread_count: 1,
  created_at: 1_700_000_000,
  seq,
});

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  rows = [row(1)];
  messages = [message(1)];
  failure = undefined;
  server = createFakeServer({
    rpc(method) {
      if (failure) throw failure;
      if (method === 'conversation.list') return rows;
      if (method === 'conversation.list_messages') return messages;
      throw new RpcError('MethodNotFound', method);
    },
  });
  controller = new AbortController();
});
afterEach(() => {
  controller.abort();
  vi.useRealTimers();
});

function poll(
  overrides: Parameters<typeof fakeClient>[1] = {},
  openChat: string | undefined = 'conv_1',
) {
  const subscription = fakeClient(server, overrides).poll({
    signal: controller.signal,
    intervalMs: 1000,
    openChat: () => openChat,
  });
  return { subscription, out: collect(subscription) };
}

const waits = (statuses: StreamStatus[]) =>
  statuses.flatMap((s) => (s.state === 'reconnecting' ? [s.at] : []));

describe('poll', () => {
  it('against a server without seq, hands on each message once by sid and a row when it changes', async () => {
    const bareMessage = (n: number): ChatMessage => {
      const { seq: _seq, ...m } = message(n);
      return m;
    };
    const bareRow = (last: string): Conversation => {
      const { seq: _seq, unread_count: _unread, ...c } = row(1, last);
      return c;
    };
    rows = [bareRow('m1')];
    messages = [bareMessage(1)];
    const { out } = poll();
    await flush();
    await vi.advanceTimersByTimeAsync(1000);
    messages = [bareMessage(1), bareMessage(2)];
    rows = [bareRow('m2')];
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(out.events().filter((e) => e.type !== 'resync')).toEqual([
      { type: 'chatmessage.new', data: bareMessage(1) },
      { type: 'conversation.updated', data: bareRow('m1') },
      { type: 'chatmessage.new', data: bareMessage(2) },
      { type: 'conversation.updated', data: bareRow('m2') },
    ]);
  });

  it('says connected, then resync for a snapshot; never a ready, never a cursor', async () => {
    const { subscription, out } = poll();
    await flush();
    expect(out.statuses()).toEqual([
      { state: 'connecting', attempt: 0 },
      { state: 'connected', heartbeatMs: 1000 },
    ]);
    expect(out.events()).toEqual([
      { type: 'resync', data: { reason: 'polling keeps no stream position' } },
      { type: 'chatmessage.new', data: message(1) },
      { type: 'conversation.updated', data: row(1) },
    ]);
    expect(subscription.lastEventId).toBeUndefined();
    expect(subscription.stats.connections).toBe(1);
  });

  it('hands on only what changed since the last round', async () => {
    const { out } = poll();
    await flush();
    messages = [message(1), message(2)];
    rows = [row(2)];
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(out.types()).toEqual([
      'resync',
      'chatmessage.new',
      'conversation.updated',
      'chatmessage.new',
      'conversation.updated',
    ]);
    expect(out.events().at(-2)).toEqual({ type: 'chatmessage.new', data: message(2) });
    expect(out.states()).toEqual(['connecting', 'connected']);
  });

  it('hands on a message of the open chat that was edited or deleted since the last round', async () => {
    const { out } = poll();
    await flush();
    const edited: ChatMessage = {
      ...message(1),
      content: 'fixed',
      edited_at: 1_700_000_100,
      updated_seq: 3,
    };
    messages = [edited];
    rows = [row(3)];
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(out.types()).toEqual([
      'resync',
      'chatmessage.new',
      'conversation.updated',
      'chatmessage.updated',
      'conversation.updated',
    ]);
    expect(out.events().at(-2)).toEqual({ type: 'chatmessage.updated', data: edited });
  });

  it('backs off by the tuning it is given, and resets after a stable period', async () => {
    failure = new RpcError('InternalError', 'internal error');
    const tuning = { backoff: { baseMs: 100, factor: 2, capMs: 1000 }, stableMs: 5000 };
    const { out } = poll({ tuning, environment: { random: () => 0.999 } });
    const seenAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      await flush();
      seenAt.push(Date.now());
      const last = out.statuses().at(-1)!;
      expect(last).toMatchObject({ state: 'reconnecting', reason: '-32603 internal error' });
      await vi.advanceTimersByTimeAsync((last as { at: number }).at - Date.now());
    }
    expect(
      waits(out.statuses())
        .slice(0, 5)
        .map((at, i) => at - seenAt[i]!),
    ).toEqual([99, 199, 399, 799, 999]);

    // Connected 999 ms later and up for 5 s (rounds every second), then a round fails: the wait
    // starts from the base again.
    failure = undefined;
    await vi.advanceTimersByTimeAsync(5000);
    expect(out.states().at(-1)).toBe('connected');
    failure = new RpcError('InternalError', 'internal error');
    await vi.advanceTimersByTimeAsync(999);
    const last = out.statuses().at(-1)!;
    expect(last).toMatchObject({ state: 'reconnecting', attempt: 1 });
    expect((last as { at: number }).at - Date.now()).toBe(99);
  });

  it('skips the wait on retryNow, on the online event and when the page becomes visible; offline while the device is', async () => {
    failure = new RpcError('InternalError', 'internal error');
    let online = false;
    let visible = false;
    const onlineEvents = new EventTarget();
    const visibilityEvents = new EventTarget();
    const { subscription, out } = poll({
      environment: {
        random: () => 0.999,
        isOnline: () => online,
        onlineEvents,
        isVisible: () => visible,
        visibilityEvents,
      },
    });
    await flush();
    expect(out.states()).toEqual(['connecting', 'offline']);
    online = true;
    onlineEvents.dispatchEvent(new Event('online'));
    await flush();
    expect(out.states()).toEqual(['connecting', 'offline', 'connecting', 'reconnecting']);
    visibilityEvents.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(out.states()).toHaveLength(4);
    visible = true;
    visibilityEvents.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(out.states()).toHaveLength(6);
    failure = undefined;
    subscription.retryNow();
    await flush();
    expect(out.states().at(-1)).toBe('connected');
    // While connected, retryNow polls at once instead of waiting for the interval.
    const calls = server.rpcCalls.length;
    subscription.retryNow();
    await flush();
    expect(server.rpcCalls.length).toBe(calls + 2);
  });

  it('gives up on a round that hangs after tuning.connectTimeoutMs and tries again', async () => {
    let hang = true;
    const hanging = hangingFetch();
    const { out } = poll({
      fetch: (input, init) => (hang ? hanging(input, init) : server.fetch(input, init)),
      tuning: { connectTimeoutMs: 3000 },
    });
    await vi.advanceTimersByTimeAsync(2999);
    expect(out.states()).toEqual(['connecting']);
    hang = false;
    await vi.advanceTimersByTimeAsync(1);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no response within 3 s',
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(out.states().at(-1)).toBe('connected');
  });

  it('does not count the wait between rounds as silence', async () => {
    const { out } = poll({ tuning: { connectTimeoutMs: 500 } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(out.states()).toEqual(['connecting', 'connected']);
  });

  it('stops on -32001 with the status of the answer, and asks no more', async () => {
    failure = new RpcError('Unauthenticated', 'unauthenticated');
    const { out } = poll();
    await out.done;
    expect(out.statuses()).toEqual([
      { state: 'connecting', attempt: 0 },
      { state: 'unauthorized', httpStatus: 200, rpcCode: RpcErrorCode.Unauthenticated },
    ]);
    const calls = server.rpcCalls.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.rpcCalls.length).toBe(calls);
  });

  it('keeps polling the list when the open chat is gone', async () => {
    server.rpc = (method) => {
      if (method === 'conversation.list_messages') throw new RpcError('NotFound', 'not found');
      return rows;
    };
    const { out } = poll();
    await flush();
    expect(out.states()).toEqual(['connecting', 'connected']);
    expect(out.types()).toEqual(['resync', 'conversation.updated']);
  });

  it('ends on abort, between rounds or during the backoff wait, leaving no timer behind', async () => {
    const first = poll();
    await flush();
    expect(first.out.states().at(-1)).toBe('connected');
    controller.abort();
    await first.out.done;
    expect(vi.getTimerCount()).toBe(0);

    controller = new AbortController();
    failure = new RpcError('InternalError', 'internal error');
    const second = poll();
    await flush();
    expect(second.out.states().at(-1)).toBe('reconnecting');
    controller.abort();
    await second.out.done;
    expect(vi.getTimerCount()).toBe(0);
  });
});

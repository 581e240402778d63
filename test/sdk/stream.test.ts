// @vitest-environment node
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createCommunicationClient,
  type StreamBatch,
  type StreamStatus,
} from '../../src/sdk/index.ts';
import type { ChatMessage } from '../../src/protocol/index.ts';
import { createFakeServer, frame, type FakeServer } from '../../mocks/fake-stream/index.ts';
import { collect } from '../support/collect.ts';

let server: FakeServer;
let controller: AbortController;
let random: number;
let online: boolean;
let onlineEvents: EventTarget;

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  server = createFakeServer();
  controller = new AbortController();
  random = 0.5;
  online = true;
  onlineEvents = new EventTarget();
});
afterEach(() => {
  controller.abort();
  vi.useRealTimers();
});

function subscribe(lastEventId?: string) {
  const client = createCommunicationClient({
    baseUrl: 'http://osis.test',
    context: 'ctx',
    publicKey: 'bob',
    fetch: server.fetch,
    environment: {
      random: () => random,
      isOnline: () => online,
      onlineEvents,
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  });
  const subscription = client.subscribe({ signal: controller.signal, lastEventId });
  return { subscription, out: collect(subscription) };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

function message(seq: number, content = `m${seq}`): ChatMessage {
  return {
    sid: `msg_${seq}`,
    conversation_sid: 'conv_1',
    sender_public_key: 'alice',
    content,
    created_at: 1_700_000_000,
    seq,
  };
}

const delays = (statuses: StreamStatus[], now: number[]) =>
  statuses.flatMap((s, i) => (s.state === 'reconnecting' ? [s.at - now[i]!] : []));

describe('subscribe', () => {
  it('sends the identity headers, adopts the ready cursor and resumes from the last event id', async () => {
    const { subscription, out } = subscribe();
    const first = await server.nextConnection();
    expect(first.headers.get('x-hero-context')).toBe('ctx');
    expect(first.headers.get('x-public-key')).toBe('bob');
    expect(first.headers.get('accept')).toBe('text/event-stream');
    expect(first.lastEventId).toBeNull();
    server.seq = 10;
    first.ready(1000);
    await flush();
    expect(subscription.lastEventId).toBe('fakeepoch:10');
    first.push({ type: 'chatmessage.new', data: message(11) });
    await flush();
    expect(subscription.lastEventId).toBe('fakeepoch:11');
    first.close();
    await vi.advanceTimersByTimeAsync(1000);
    const second = await server.nextConnection();
    expect(second.lastEventId).toBe('fakeepoch:11');
    expect(out.types()).toEqual(['ready', 'chatmessage.new']);
    // Up on the answer, and up again with a position (from ready); the second connection resumes at once.
    expect(out.states()).toEqual([
      'connecting',
      'connected',
      'connected',
      'reconnecting',
      'connecting',
      'connected',
    ]);
    expect(out.statuses().filter((s) => s.state === 'connected')).toEqual([
      { state: 'connected', heartbeatMs: 15_000, resumable: false },
      { state: 'connected', heartbeatMs: 1000, resumable: true },
      { state: 'connected', heartbeatMs: 15_000, resumable: true },
    ]);
  });

  it('backs off 1, 2, 4 … 30 s with full jitter, and resets after a stable connection', async () => {
    random = 0.999;
    for (let i = 0; i < 8; i++) server.failNext(503);
    const { out } = subscribe();
    const seenAt: number[] = [];
    for (let i = 0; i < 8; i++) {
      await flush();
      seenAt.push(Date.now());
      const last = out.statuses().at(-1)!;
      expect(last.state).toBe('reconnecting');
      await vi.advanceTimersByTimeAsync((last as { at: number }).at - Date.now());
    }
    const waits = out
      .statuses()
      .flatMap((s) => (s.state === 'reconnecting' ? [s.at] : []))
      .map((at, i) => at - seenAt[i]!);
    expect(waits).toEqual([999, 1998, 3996, 7992, 15984, 29970, 29970, 29970]);

    // Now a connection that stays up 30 s: the next wait starts from 1 s again.
    const conn = await server.nextConnection();
    conn.ready(10_000);
    for (let t = 0; t < 31_000; t += 10_000) {
      await vi.advanceTimersByTimeAsync(10_000);
      conn.keepalive();
    }
    conn.close();
    await flush();
    const last = out.statuses().at(-1)!;
    expect(last).toMatchObject({ state: 'reconnecting' });
    expect((last as { at: number }).at - Date.now()).toBe(999);
  });

  it('draws each wait at random below the ceiling', async () => {
    random = 0.25;
    server.failNext(500);
    server.failNext(500);
    const { out } = subscribe();
    await flush();
    const now: number[] = [Date.now()];
    await vi.advanceTimersByTimeAsync(250);
    now.push(Date.now());
    await flush();
    expect(
      delays(
        out.statuses().filter((s) => s.state === 'reconnecting'),
        now,
      ),
    ).toEqual([250, 500]);
  });

  it('treats silence for 2.5 heartbeats as a dead connection; any byte, keepalives included, keeps it alive', async () => {
    const { out } = subscribe();
    const conn = await server.nextConnection();
    conn.ready(1000);
    await vi.advanceTimersByTimeAsync(2000);
    conn.keepalive();
    await vi.advanceTimersByTimeAsync(2499);
    expect(out.states().at(-1)).toBe('connected');
    conn.stall();
    await vi.advanceTimersByTimeAsync(2);
    expect(conn.aborted).toBe(true);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no data for 2.5 heartbeats',
    });
  });

  it('stops on 401 without trying again', async () => {
    server.failNext(401);
    const { out } = subscribe();
    await flush();
    await out.done;
    expect(out.statuses()).toEqual([
      { state: 'connecting', attempt: 0 },
      { state: 'unauthorized', httpStatus: 401 },
    ]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.connections).toHaveLength(0);
  });

  it('ends promptly on abort and leaves no timer or request behind', async () => {
    const { out } = subscribe();
    const conn = await server.nextConnection();
    conn.ready(1000);
    await flush();
    controller.abort();
    await out.done;
    expect(conn.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends on abort during the backoff wait too', async () => {
    server.failNext('network');
    const { out } = subscribe();
    await flush();
    expect(out.states().at(-1)).toBe('reconnecting');
    controller.abort();
    await out.done;
    expect(vi.getTimerCount()).toBe(0);
    expect(server.connections).toHaveLength(0);
  });

  it('retries at once on retryNow() and on the online event, and says offline while the device is', async () => {
    random = 0.999;
    server.failNext('network');
    online = false;
    const { subscription, out } = subscribe();
    await flush();
    expect(out.states().at(-1)).toBe('offline');
    online = true;
    onlineEvents.dispatchEvent(new Event('online'));
    await flush();
    expect(server.connections).toHaveLength(1);
    server.current!.close();
    await flush();
    expect(out.states().at(-1)).toBe('reconnecting');
    subscription.retryNow();
    await flush();
    expect(server.connections).toHaveLength(2);
  });

  it('passes resync on and resumes from the new position', async () => {
    const { subscription, out } = subscribe('oldepoch:5');
    const conn = await server.nextConnection();
    expect(conn.lastEventId).toBe('oldepoch:5');
    server.seq = 40;
    conn.ready(1000);
    conn.push({ type: 'resync', data: { reason: 'new epoch' } });
    await flush();
    expect(out.types()).toEqual(['ready', 'resync']);
    expect(subscription.lastEventId).toBe('fakeepoch:40');
  });

  it('parses frames split at every byte, CR/LF line ends included', async () => {
    const { out } = subscribe();
    const conn = await server.nextConnection();
    conn.ready(1000);
    const text = frame(
      { type: 'chatmessage.new', data: message(1, 'héllo 👋') },
      'fakeepoch:1',
    ).replace(/\n/g, '\r\n');
    for (const byte of new TextEncoder().encode(text)) conn.pushRaw(new Uint8Array([byte]));
    await flush();
    expect(out.events().at(-1)).toEqual({ type: 'chatmessage.new', data: message(1, 'héllo 👋') });
  });

  it('drops and counts bad frames, ignores unknown types, and keeps the stream going', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { subscription, out } = subscribe();
    const conn = await server.nextConnection();
    conn.ready(60_000);
    conn.pushRaw('data: {not json\n\n');
    conn.pushRaw(
      `data: ${JSON.stringify({ type: 'chatmessage.new', data: { ...message(2), seq: 'two' } })}\n\n`,
    );
    conn.pushRaw(`data: ${JSON.stringify({ type: 'typing.started', data: {} })}\n\n`);
    conn.pushRaw(`data: ${'x'.repeat(1_200_000)}\n\n`);
    conn.push({ type: 'chatmessage.new', data: message(3) });
    await flush();
    expect(out.events().at(-1)).toEqual({ type: 'chatmessage.new', data: message(3) });
    expect(subscription.stats).toMatchObject({ badFrames: 3, ignoredFrames: 1, connections: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });

  it('never ends the stream on arbitrary bytes (fuzzed)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }),
            fc.string({ maxLength: 300 }).map((s) => `data: ${s}\n\n`),
            fc.json().map((j) => `event: chatmessage.new\ndata: ${j}\n\n`),
            fc
              .record({
                type: fc.constantFrom('chatmessage.new', 'conversation.read', 'x'),
                data: fc.anything(),
              })
              .map((o) => `data: ${JSON.stringify(o) ?? 'null'}\n\n`),
          ),
          { maxLength: 12 },
        ),
        async (chunks) => {
          controller.abort();
          controller = new AbortController();
          server = createFakeServer();
          const { subscription, out } = subscribe();
          const conn = await server.nextConnection();
          conn.ready(60_000);
          for (const chunk of chunks) conn.pushRaw(chunk);
          conn.pushRaw('\n\n');
          conn.push({ type: 'chatmessage.new', data: message(99) });
          await flush();
          expect(out.events().at(-1)).toEqual({ type: 'chatmessage.new', data: message(99) });
          expect(subscription.stats.connections).toBe(1);
          expect(out.finished).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
    warn.mockRestore();
  });
});

describe('a consumer that pauses between items', () => {
  it('hands on what one read held as one batch, in order, and is iterated one way or the other, once', async () => {
    const client = createCommunicationClient({
      baseUrl: 'http://osis.test',
      context: 'ctx',
      publicKey: 'bob',
      fetch: server.fetch,
    });
    const subscription = client.subscribe({ signal: controller.signal });
    const batches: StreamBatch[] = [];
    void (async () => {
      for await (const batch of subscription.batches()) batches.push(batch);
    })();
    expect(() => subscription[Symbol.asyncIterator]()).toThrow(
      'a subscription can be iterated once',
    );
    const conn = await server.nextConnection();
    conn.ready(1000);
    await flush();
    const burst = Array.from({ length: 20 }, (_, i) =>
      frame({ type: 'chatmessage.new', data: message(i + 1) }, `fakeepoch:${i + 1}`),
    ).join('');
    conn.pushRaw(new TextEncoder().encode(burst));
    await flush();
    const last = batches.at(-1)!;
    expect(
      last.map(
        (item) =>
          item.kind === 'event' && item.event.type === 'chatmessage.new' && item.event.data.seq,
      ),
    ).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(last.at(-1)).toMatchObject({ id: 'fakeepoch:20' });
    expect(subscription.lastEventId).toBe('fakeepoch:20');
  });

  it('item by item, hands on nothing more of a batch once the signal aborts', async () => {
    const client = createCommunicationClient({
      baseUrl: 'http://osis.test',
      context: 'ctx',
      publicKey: 'bob',
      fetch: server.fetch,
    });
    const subscription = client.subscribe({ signal: controller.signal });
    const seen: number[] = [];
    const done = (async () => {
      for await (const item of subscription) {
        if (item.kind !== 'event' || item.event.type !== 'chatmessage.new') continue;
        seen.push(item.event.data.seq!);
        controller.abort();
      }
    })();
    const conn = await server.nextConnection();
    conn.ready(1000);
    await flush();
    conn.pushRaw(
      new TextEncoder().encode(
        [1, 2, 3]
          .map((seq) => frame({ type: 'chatmessage.new', data: message(seq) }, `fakeepoch:${seq}`))
          .join(''),
      ),
    );
    await flush();
    await done;
    expect(seen).toEqual([1]);
  });

  it('never opens a connection after the signal aborted while it paused', async () => {
    const { subscription } = (() => {
      const client = createCommunicationClient({
        baseUrl: 'http://osis.test',
        context: 'ctx',
        publicKey: 'bob',
        fetch: server.fetch,
      });
      return { subscription: client.subscribe({ signal: controller.signal }) };
    })();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ kind: 'status', status: { state: 'connecting' } });
    // The element is removed while its session waits for the next task.
    controller.abort();
    const next = await iterator.next();
    expect(next.done).toBe(true);
    expect(server.connections).toHaveLength(0);
  });
});

describe('a server that sends no ready and no ids (the production server as shipped)', () => {
  /** A frame as that server writes it: the tagged JSON on a `data:` line, nothing else. */
  const bare = (type: string, data?: unknown) =>
    `data: ${JSON.stringify(data === undefined ? { type } : { type, data })}\n\n`;
  const seqless = (n: number): ChatMessage => {
    const { seq: _seq, ...rest } = message(n);
    return rest;
  };

  it('is connected as soon as the server answers 200 text/event-stream, before any byte of the body', async () => {
    const { out } = subscribe();
    await server.nextConnection();
    await flush();
    expect(out.statuses()).toEqual([
      { state: 'connecting', attempt: 0 },
      { state: 'connected', heartbeatMs: 15_000, resumable: false },
    ]);
  });

  it('hands on bare data frames without a position, and reconnects without Last-Event-ID', async () => {
    const { subscription, out } = subscribe();
    const first = await server.nextConnection();
    first.pushRaw(bare('chatmessage.new', seqless(1)));
    await flush();
    expect(out.items.at(-1)).toEqual({
      kind: 'event',
      event: { type: 'chatmessage.new', data: seqless(1) },
    });
    expect(subscription.lastEventId).toBeUndefined();
    first.close();
    await vi.advanceTimersByTimeAsync(1000);
    const second = await server.nextConnection();
    expect(second.lastEventId).toBeNull();
    await flush();
    expect(out.statuses().at(-1)).toEqual({
      state: 'connected',
      heartbeatMs: 15_000,
      resumable: false,
    });
  });

  it('keeps a connection that only sends a bare ":" keepalive every 15 s, and drops one silent for 37.5 s', async () => {
    const { out } = subscribe();
    const conn = await server.nextConnection();
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(15_000);
      conn.pushRaw(':\n\n');
    }
    expect(conn.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(37_499);
    expect(conn.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(conn.aborted).toBe(true);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no data for 2.5 heartbeats',
    });
  });

  it.each([
    ['{"type":"resync"} alone', bare('resync')],
    ['{"type":"resync"} with a payload', bare('resync', { reason: 'lagged by 12' })],
    ['event: resync with the tagged JSON', `event: resync\n${bare('resync')}`],
    ['event: resync with data that is not JSON', 'event: resync\ndata: lagged\n\n'],
    ['event: resync with JSON of another shape', 'event: resync\ndata: {"skipped":12}\n\n'],
  ])('takes %s as a resync', async (_name, raw) => {
    const { out, subscription } = subscribe();
    const conn = await server.nextConnection();
    conn.pushRaw(raw);
    await flush();
    expect(out.types()).toEqual(['resync']);
    expect(subscription.stats.badFrames).toBe(0);
  });
});

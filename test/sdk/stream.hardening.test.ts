// @vitest-environment node
// The stream against servers that hang, mislabel, lie about their heartbeat or
// redirect, and against a consumer that pauses.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommunicationError, type StreamItem } from '../../src/sdk/index.ts';
import { createFakeServer, type FakeServer } from '../../mocks/fake-stream/index.ts';
import { collect } from '../support/collect.ts';
import { fakeClient, flush, hangingFetch, message } from './harness.ts';

let server: FakeServer;
let controller: AbortController;

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  server = createFakeServer();
  controller = new AbortController();
});
afterEach(() => {
  controller.abort();
  vi.useRealTimers();
});

function subscribe(overrides: Parameters<typeof fakeClient>[1] = {}) {
  const subscription = fakeClient(server, overrides).subscribe({ signal: controller.signal });
  return { subscription, out: collect(subscription) };
}

/** The fake server's answers, relabelled with another Content-Type (or none). */
function relabel(contentType: string | null): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await server.fetch(input, init);
    const headers = new Headers(res.headers);
    if (contentType === null) headers.delete('content-type');
    else headers.set('content-type', contentType);
    return new Response(res.body, { status: res.status, headers });
  }) as typeof fetch;
}

describe('connect timeout', () => {
  it('gives up on a server that never answers after 10 s and tries again with backoff', async () => {
    const hung: { url: string; signal: AbortSignal | undefined }[] = [];
    const hang = hangingFetch(hung);
    let calls = 0;
    const { out } = subscribe({
      fetch: (input, init) => (calls++ === 0 ? hang(input, init) : server.fetch(input, init)),
    });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(out.states()).toEqual(['connecting']);
    await vi.advanceTimersByTimeAsync(1);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no response within 10 s',
      attempt: 1,
    });
    expect(hung[0]!.signal!.aborted).toBe(true);
    // random 0.5 of a 1 s ceiling.
    await vi.advanceTimersByTimeAsync(500);
    const conn = await server.nextConnection();
    conn.ready(1000);
    await flush();
    expect(out.states()).toEqual([
      'connecting',
      'reconnecting',
      'connecting',
      'connected',
      'connected',
    ]);
  });

  it('takes its limit from tuning', async () => {
    const { out } = subscribe({ fetch: hangingFetch(), tuning: { connectTimeoutMs: 2500 } });
    await vi.advanceTimersByTimeAsync(2500);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no response within 2.5 s',
    });
  });
});

describe('content type', () => {
  it.each([
    'Text/Event-Stream; charset=utf-8',
    'text/event-stream;charset=UTF-8',
    ' TEXT/EVENT-STREAM ',
  ])('accepts %j: media types are case-insensitive and may carry parameters', async (type) => {
    const { out } = subscribe({ fetch: relabel(type) });
    const conn = await server.nextConnection();
    conn.ready(1000);
    await flush();
    expect(out.states()).toEqual(['connecting', 'connected', 'connected']);
  });

  it.each([
    [
      'text/html; charset=utf-8',
      'not an event stream: Content-Type is "text/html; charset=utf-8", expected text/event-stream',
    ],
    [
      'text/event-streamx',
      'not an event stream: Content-Type is "text/event-streamx", expected text/event-stream',
    ],
    [null, 'not an event stream: no Content-Type, expected text/event-stream'],
  ])('refuses %j with a readable reason and retries', async (type, reason) => {
    const { out } = subscribe({ fetch: relabel(type) });
    await flush();
    expect(out.statuses().at(-1)).toMatchObject({ state: 'reconnecting', reason });
    expect(server.current!.ended).toBe(true);
  });
});

describe('heartbeat_ms from ready', () => {
  it('clamps a huge heartbeat to 5 minutes instead of overflowing the watchdog', async () => {
    const { subscription, out } = subscribe();
    const conn = await server.nextConnection();
    conn.ready(1e9);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(out.statuses()).toEqual([
      { state: 'connecting', attempt: 0 },
      { state: 'connected', heartbeatMs: 15_000, resumable: false },
      { state: 'connected', heartbeatMs: 300_000, resumable: true },
    ]);
    expect(conn.aborted).toBe(false);
    // Silence is still noticed: 2.5 × 5 minutes.
    await vi.advanceTimersByTimeAsync(750_000 - 10_000 - 1);
    expect(conn.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(conn.aborted).toBe(true);
    expect(subscription.stats.connections).toBe(1);
  });

  it('raises a tiny heartbeat to 1 s, so the watchdog does not drop every connection', async () => {
    const { out } = subscribe();
    const conn = await server.nextConnection();
    conn.ready(1);
    await vi.advanceTimersByTimeAsync(2_499);
    expect(out.statuses().at(-1)).toEqual({
      state: 'connected',
      heartbeatMs: 1000,
      resumable: true,
    });
    expect(conn.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(conn.aborted).toBe(true);
  });

  it('takes its range from tuning', async () => {
    const { out } = subscribe({ tuning: { minHeartbeatMs: 5000, maxHeartbeatMs: 20_000 } });
    const conn = await server.nextConnection();
    conn.ready(60_000);
    await flush();
    expect(out.statuses().at(-1)).toEqual({
      state: 'connected',
      heartbeatMs: 20_000,
      resumable: true,
    });
  });
});

describe('redirects', () => {
  /** A fetch that redirects every request to another origin, and follows redirects unless told not to. */
  function redirectingFetch(status = 302) {
    const elsewhere: Headers[] = [];
    const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const url = new URL(String(input));
      if (url.origin === 'http://elsewhere.test') {
        elsewhere.push(new Headers(init.headers));
        return server.fetch(`http://osis.test${url.pathname}`, init);
      }
      const location = `http://elsewhere.test${url.pathname}`;
      if (init.redirect === 'manual')
        return new Response(null, { status, headers: { Location: location } });
      return fetchFn(location, init);
    };
    return { fetch: fetchFn as typeof fetch, elsewhere };
  }

  it('never follows the stream to another origin, and says why', async () => {
    const { fetch, elsewhere } = redirectingFetch();
    const { out } = subscribe({ fetch });
    await flush();
    expect(elsewhere).toEqual([]);
    expect(server.connections).toHaveLength(0);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason:
        'redirected (HTTP 302 to http://elsewhere.test/hero_osis_communication/events); redirects are not followed',
    });
  });

  it('never follows an RPC to another origin: a readable error, no headers sent there', async () => {
    const { fetch, elsewhere } = redirectingFetch(307);
    const client = fakeClient(server, { fetch });
    const error = await client.listConversations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommunicationError);
    expect(error).toMatchObject({
      kind: 'http',
      status: 307,
      retryable: false,
      message:
        'conversation.list: redirected (HTTP 307 to http://elsewhere.test/hero_osis_communication/rpc); redirects are not followed',
    });
    expect(elsewhere).toEqual([]);
    expect(server.rpcCalls).toEqual([]);
  });
});

describe('a consumer that pauses', () => {
  it('is not dropped by its own watchdog: only silence of the socket counts', async () => {
    const subscription = fakeClient(server).subscribe({ signal: controller.signal });
    const items = subscription[Symbol.asyncIterator]();
    const next = async (): Promise<StreamItem> => (await items.next()).value as StreamItem;
    expect(await next()).toMatchObject({ kind: 'status', status: { state: 'connecting' } });
    const connected = next();
    const conn = await server.nextConnection();
    conn.ready(1000);
    expect(await connected).toMatchObject({
      kind: 'status',
      status: { state: 'connected', resumable: false },
    });
    expect(await next()).toMatchObject({
      kind: 'status',
      status: { state: 'connected', resumable: true },
    });
    expect(await next()).toMatchObject({ kind: 'event', event: { type: 'ready' } });
    // The consumer pauses a minute (a hidden tab's throttled task) while the server keeps writing.
    for (let i = 0; i < 60; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      if (i === 30) conn.push({ type: 'chatmessage.new', data: message(1) });
      else conn.keepalive();
    }
    expect(conn.aborted).toBe(false);
    expect(await next()).toEqual({
      kind: 'event',
      event: { type: 'chatmessage.new', data: message(1) },
      id: 'fakeepoch:1',
    });
    expect(subscription.stats.connections).toBe(1);
    // Reading again, a socket that stays silent is still caught.
    const after = items.next();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(conn.aborted).toBe(true);
    expect(await after).toMatchObject({
      value: {
        kind: 'status',
        status: { state: 'reconnecting', reason: 'no data for 2.5 heartbeats' },
      },
    });
  });
});

describe('a throttled hidden tab (timers fire late)', () => {
  /** Timers of a hidden tab under intensive throttling: none fires sooner than a minute. */
  const throttled = {
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, Math.max(ms, 60_000)),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };

  it('keeps a healthy stream whose watchdog timer fires late', async () => {
    const { subscription, out } = subscribe({ environment: throttled });
    const conn = await server.nextConnection();
    conn.ready(1000);
    for (let i = 0; i < 180; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      conn.keepalive();
    }
    expect(conn.aborted).toBe(false);
    expect(out.states()).toEqual(['connecting', 'connected', 'connected']);
    expect(subscription.stats.connections).toBe(1);
  });

  it('catches a dead stream the first time a timer fires', async () => {
    const { out } = subscribe({ environment: throttled });
    const conn = await server.nextConnection();
    conn.ready(1000);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(conn.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(conn.aborted).toBe(true);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no data for 2.5 heartbeats',
    });
  });

  it('checks at once when the page becomes visible again', async () => {
    const visibilityEvents = new EventTarget();
    const { out } = subscribe({ environment: { ...throttled, visibilityEvents } });
    const conn = await server.nextConnection();
    conn.ready(1000);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(conn.aborted).toBe(false);
    visibilityEvents.dispatchEvent(new Event('visibilitychange'));
    await flush();
    expect(conn.aborted).toBe(true);
    expect(out.statuses().at(-1)).toMatchObject({
      state: 'reconnecting',
      reason: 'no data for 2.5 heartbeats',
    });
  });
});

// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommunicationError } from '../../src/sdk/errors.ts';
import { makeRpcCall } from '../../src/sdk/rpc.ts';

const identity = { baseUrl: 'http://127.0.0.1:1', context: 'ctx', publicKey: 'alice' };
const jsonHeaders = { 'Content-Type': 'application/json' };

/** A fetch that never answers on its own, and records the signal of each request. */
function silent() {
  const signals: AbortSignal[] = [];
  const fetchFn = ((_url: string, init: RequestInit) => {
    signals.push(init.signal!);
    return new Promise<Response>((_, reject) =>
      init.signal!.addEventListener('abort', () =>
        reject(new DOMException('aborted', 'AbortError')),
      ),
    );
  }) as typeof fetch;
  return { fetchFn, signals };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as CommunicationError,
  );

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('an RPC with no answer', () => {
  it('fails after 30 s as a retryable network error that names the wait, and abandons the request', async () => {
    const { fetchFn, signals } = silent();
    const call = makeRpcCall(identity, fetchFn);
    const failed = failure(call('conversation.list', {}));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(signals[0]!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await failed;
    expect(error).toBeInstanceOf(CommunicationError);
    expect(error!.kind).toBe('network');
    expect(error!.retryable).toBe(true);
    expect(error!.message).toBe(
      'conversation.list: no answer from http://127.0.0.1:1/hero_osis_communication/rpc within 30 s',
    );
    expect(signals[0]!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up on a fetch that ignores its signal too', async () => {
    const call = makeRpcCall(identity, (() => new Promise<Response>(() => {})) as typeof fetch, {
      timeoutMs: 5_000,
    });
    const failed = failure(call('contact.list', {}));
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await failed)?.message).toBe(
      'contact.list: no answer from http://127.0.0.1:1/hero_osis_communication/rpc within 5 s',
    );
  });

  it('fails when the headers came but the body stalls', async () => {
    const stalled = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"result":[')),
    });
    const call = makeRpcCall(
      identity,
      (async () => new Response(stalled, { headers: jsonHeaders })) as typeof fetch,
      { timeoutMs: 5_000 },
    );
    const failed = failure(call('conversation.list', {}));
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await failed;
    expect(error?.kind).toBe('network');
    expect(error?.message).toContain('within 5 s');
  });

  it('says aborted when the caller aborts, and leaves no timer', async () => {
    const { fetchFn } = silent();
    const controller = new AbortController();
    const failed = failure(
      makeRpcCall(identity, fetchFn)('conversation.list', {}, controller.signal),
    );
    controller.abort();
    expect((await failed)?.kind).toBe('aborted');
    expect(vi.getTimerCount()).toBe(0);
    expect(
      (await failure(makeRpcCall(identity, fetchFn)('conversation.list', {}, controller.signal)))
        ?.kind,
    ).toBe('aborted');
  });

  it.each([0, Infinity, Number.NaN, 2 ** 40])(
    'waits as long as it takes with a deadline of %s (a timer cannot wait for it)',
    async (timeoutMs) => {
      const { fetchFn, signals } = silent();
      const failed = failure(makeRpcCall(identity, fetchFn, { timeoutMs })('contact.list', {}));
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(signals[0]!.aborted).toBe(false);
      void failed;
    },
  );

  it('leaves no timer behind when the answer comes in time', async () => {
    const answer = (async () =>
      new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result: [] }), {
        headers: jsonHeaders,
      })) as typeof fetch;
    await expect(makeRpcCall(identity, answer)('contact.list', {})).resolves.toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

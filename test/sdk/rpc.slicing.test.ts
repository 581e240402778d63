// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { makeRpcCall } from '../../src/sdk/rpc.ts';
import { CommunicationError } from '../../src/sdk/errors.ts';

const identity = { baseUrl: 'http://127.0.0.1:1', context: 'ctx', publicKey: 'alice' };
const row = (i: number): Conversation => ({
  sid: `c${i}`,
  name: `Room ${i}`,
  participant_keys: ['alice', 'bob'],
  last_message: 'hi',
  last_message_time: 1_700_000_000_000 + i,
  unread_count: 0,
  created_at: 1_700_000_000,
  seq: i + 1,
});
const answering =
  (result: unknown): typeof fetch =>
  async () =>
    new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result }), {
      headers: { 'Content-Type': 'application/json' },
    });

/** A clock that moves 1 ms each time it is read, and a pause that counts. */
function slicing() {
  let t = 0;
  const seen = { pauses: 0 };
  return { seen, options: { now: () => t++, pause: async () => void seen.pauses++, budgetMs: 8 } };
}

describe('a long list result', () => {
  it('is checked in slices with pauses between them, and arrives whole and in order', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const { seen, options } = slicing();
    const call = makeRpcCall(identity, answering(rows), options);
    const list = await call('conversation.list', {});
    expect(list).toEqual(rows);
    expect(seen.pauses).toBeGreaterThan(0);
  });

  it('is handed back after a pause of its own, so that what the caller does with it is not added to the last slice', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const log: string[] = [];
    let t = 0;
    const call = makeRpcCall(identity, answering(rows), {
      now: () => (log.push('clock'), t++),
      pause: async () => void log.push('pause'),
      budgetMs: 8,
    });
    const list = await call('conversation.list', {});
    expect(list).toHaveLength(2000);
    expect(log.at(-1)).toBe('pause');
  });

  it('rejects as aborted when its signal aborts while the list is being checked', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const controller = new AbortController();
    let t = 0;
    let pauses = 0;
    const call = makeRpcCall(identity, answering(rows), {
      now: () => t++,
      // The page goes on between slices: the island is removed meanwhile.
      pause: async () => (pauses++, controller.abort()),
      budgetMs: 8,
    });
    const failure = await call('conversation.list', {}, controller.signal).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CommunicationError);
    expect((failure as CommunicationError).kind).toBe('aborted');
    // Nothing more of the list is checked for no one: no further slice, no further pause.
    expect(pauses).toBe(1);
  });

  it('stops right after its first part when its signal aborts there', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const controller = new AbortController();
    const log: string[] = [];
    let t = 0;
    const call = makeRpcCall(identity, answering(rows), {
      now: () => t++,
      pause: async () => void log.push('pause'),
      budgetMs: 1000,
    });
    const failure = await call(
      'conversation.list',
      {},
      controller.signal,
      () => (log.push('first'), controller.abort()),
    ).catch((error: unknown) => error);
    expect((failure as CommunicationError).kind).toBe('aborted');
    expect(log).toEqual(['first', 'pause']);
  });

  it('names the bad item by its index in the whole list', async () => {
    const rows: unknown[] = Array.from({ length: 1000 }, (_, i) => row(i));
    rows[750] = { ...row(750), name: 7 };
    const call = makeRpcCall(identity, answering(rows), slicing().options);
    const failure = await call('conversation.list', {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommunicationError);
    expect((failure as Error).message).toMatch(
      /^conversation\.list: unexpected result: 750\.name: /,
    );
  });

  it('hands its first part over as soon as that part is checked, then pauses so that it can paint', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const log: string[] = [];
    let t = 0;
    const call = makeRpcCall(identity, answering(rows), {
      now: () => t++,
      pause: async () => void log.push('pause'),
      budgetMs: 8,
    });
    const list = await call('conversation.list', {}, undefined, (first) =>
      log.push(`first ${first.length}: ${first[0]!.sid}…${first.at(-1)!.sid}`),
    );
    expect(list).toEqual(rows);
    expect(log.slice(0, 2)).toEqual(['first 100: c0…c99', 'pause']);
    expect(log.filter((l) => l.startsWith('first'))).toHaveLength(1);
  });

  it('hands nothing over when the first part is not valid, nor when the list is short', async () => {
    const rows: unknown[] = Array.from({ length: 1000 }, (_, i) => row(i));
    rows[3] = { ...row(3), seq: 'x' };
    const first: unknown[] = [];
    const bad = makeRpcCall(identity, answering(rows), slicing().options);
    await expect(bad('conversation.list', {}, undefined, (f) => first.push(f))).rejects.toThrow(
      /3\.seq/,
    );
    const short = makeRpcCall(identity, answering([row(1), row(2)]), slicing().options);
    expect(await short('conversation.list', {}, undefined, (f) => first.push(f))).toHaveLength(2);
    expect(first).toEqual([]);
  });

  it('is answered whole when what it hands over first throws', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const call = makeRpcCall(identity, answering(rows), slicing().options);
    const list = await call('conversation.list', {}, undefined, () => {
      throw new Error('the caller broke');
    });
    expect(list).toEqual(rows);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('the caller broke'));
    warn.mockRestore();
  });

  it('is checked at once when it is short', async () => {
    const { seen, options } = slicing();
    const call = makeRpcCall(identity, answering([row(1), row(2)]), options);
    expect(await call('conversation.list', {})).toHaveLength(2);
    expect(seen.pauses).toBe(0);
  });
});

// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { CommunicationError, createCommunicationClient } from '../../src/sdk/index.ts';
import { startBackendServer, type BackendShape } from '../../mocks/backend/index.ts';
import { call } from '../support/backend.ts';

// The conversation list in pages, over HTTP on loopback.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A backend where alice is in `count` conversations, each with one message a second apart. */
async function backendWith(count: number, shape: BackendShape = 'full') {
  let clock = Date.UTC(2030, 0, 1);
  const running = await startBackendServer({ seed: false, shape, now: () => clock });
  cleanups.push(() => running.close());
  const context = 'paged';
  for (let i = 0; i < count; i++) {
    const other = ['bob', 'carol', 'dave'][i % 3]!;
    const conv = running.backend.service.call(context, 'alice', 'conversation.set', {
      name: `Room ${i}`,
      participant_keys: ['alice', other],
    }) as Conversation;
    // Two a second: some rows share a time.
    if (i % 2 === 0) clock += 1000;
    running.backend.service.call(context, other, 'conversation.send_message', {
      sid: conv.sid,
      content: `hello ${i}`,
      nonce: `n${i}`,
    });
  }
  return { running, context };
}

/** A client of alice's that records each conversation.list it asks and how many rows each answer held. */
function recordingClient(url: string, context: string) {
  const asked: { params: unknown; rows: number }[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const request = JSON.parse(String(init?.body)) as { method: string; params: unknown };
    if (request.method !== 'conversation.list') return res;
    const text = await res.text();
    asked.push({
      params: request.params,
      rows: (JSON.parse(text) as { result: unknown[] }).result.length,
    });
    return new Response(text, { status: res.status, headers: res.headers });
  };
  return {
    client: createCommunicationClient({
      baseUrl: url,
      context,
      publicKey: 'alice',
      fetch: fetchFn,
    }),
    asked,
  };
}

describe('listConversations', () => {
  it('fetches a long list in pages, 100 then 1,000 at a time, hands on the first page early, and answers the whole list', async () => {
    const { running, context } = await backendWith(2345);
    const whole = await call<Conversation[]>(
      running.url,
      { context, key: 'alice' },
      'conversation.list',
      {},
    );
    const { client, asked } = recordingClient(running.url, context);
    const firsts: Conversation[][] = [];
    const list = await client.listConversations(undefined, (first) => firsts.push(first));
    expect(list).toEqual(whole);
    expect(firsts).toEqual([whole.slice(0, 100)]);
    const at = (i: number) => ({
      last_message_time: whole[i]!.last_message_time,
      sid: whole[i]!.sid,
    });
    expect(asked).toEqual([
      { params: { limit: 100 }, rows: 100 },
      { params: { limit: 1000, before: at(99) }, rows: 1000 },
      { params: { limit: 1000, before: at(1099) }, rows: 1000 },
      { params: { limit: 1000, before: at(2099) }, rows: 245 },
    ]);
  });

  it('answers a short list from one request, without handing on a first part', async () => {
    const { running, context } = await backendWith(40);
    const { client, asked } = recordingClient(running.url, context);
    const firsts: Conversation[][] = [];
    expect(await client.listConversations(undefined, (first) => firsts.push(first))).toHaveLength(
      40,
    );
    expect(asked).toEqual([{ params: { limit: 100 }, rows: 40 }]);
    expect(firsts).toEqual([]);
  });

  it('takes the whole list from the first answer of a server that does not page (the seed shape)', async () => {
    const { running, context } = await backendWith(1234, 'seed');
    const whole = await call<Conversation[]>(
      running.url,
      { context, key: 'alice' },
      'conversation.list',
      {},
    );
    const { client, asked } = recordingClient(running.url, context);
    const firsts: Conversation[][] = [];
    expect(await client.listConversations(undefined, (first) => firsts.push(first))).toEqual(whole);
    expect(asked).toEqual([{ params: { limit: 100 }, rows: 1234 }]);
    // Its newest rows, as soon as they are checked.
    expect(firsts).toEqual([whole.slice(0, 100)]);
  });

  it('tells a server that does not page by its second answer when the first was exactly a page, and lists each row once', async () => {
    const { running, context } = await backendWith(100, 'seed');
    const whole = await call<Conversation[]>(
      running.url,
      { context, key: 'alice' },
      'conversation.list',
      {},
    );
    const { client, asked } = recordingClient(running.url, context);
    expect(await client.listConversations()).toEqual(whole);
    expect(asked.map((a) => a.rows)).toEqual([100, 100]);
  });

  it('stops between pages when aborted, asking nothing more', async () => {
    const { running, context } = await backendWith(1500);
    const { client, asked } = recordingClient(running.url, context);
    const controller = new AbortController();
    const listing = client.listConversations(controller.signal, () => controller.abort());
    await expect(listing).rejects.toSatisfy(
      (error: unknown) => error instanceof CommunicationError && error.kind === 'aborted',
    );
    expect(asked).toHaveLength(1);
  });
});

// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RpcErrorCode,
  type FullConversation as Conversation,
} from '../../../src/protocol/index.ts';
import type { RunningBackend } from '../../../mocks/backend/index.ts';
import { call, freshContext, rpc, withBackend } from '../../support/backend.ts';

// Paging of conversation.list: `limit` and `before`, a row's position.

let server: RunningBackend;
let clock = Date.UTC(2030, 0, 1);
beforeAll(async () => {
  // A clock that stands still unless moved: many conversations share a time, so ties are ordered by sid.
  server = await withBackend({ now: () => clock });
});
afterAll(() => server.close());

const position = (row: Conversation) => ({
  last_message_time: row.last_message_time,
  sid: row.sid,
});

/** `n` conversations of alice, with messages at a few different times: rows of one time in a run. */
async function conversations(n: number) {
  const context = freshContext('paging');
  const alice = { context, key: 'alice' };
  for (let i = 0; i < n; i++) {
    const other = ['bob', 'carol', 'dave'][i % 3]!;
    const conv = await call<Conversation>(server.url, alice, 'conversation.set', {
      name: `Room ${i}`,
      participant_keys: ['alice', other],
    });
    if (i % 4 !== 0) {
      clock += (i % 3) * 1000;
      await call(server.url, { context, key: other }, 'conversation.send_message', {
        sid: conv.sid,
        content: `hi ${i}`,
        nonce: `n${i}`,
      });
    }
  }
  // One conversation alice is not in: never listed for her, in no page.
  await call(server.url, { context, key: 'bob' }, 'conversation.set', {
    name: 'Not hers',
    participant_keys: ['bob', 'carol'],
  });
  return { context, alice };
}

/** Every page of `limit`, each asked after the last row of the one before. */
async function allPages(who: { context: string; key: string }, limit: number) {
  const pages: Conversation[][] = [];
  let before: ReturnType<typeof position> | undefined;
  // Bounded: a server that ignored the paging would answer full pages for ever.
  while (pages.length < 100) {
    const page = await call<Conversation[]>(
      server.url,
      who,
      'conversation.list',
      before ? { limit, before } : { limit },
    );
    pages.push(page);
    if (page.length < limit) break;
    before = position(page.at(-1)!);
  }
  return pages;
}

describe('conversation.list in pages', () => {
  it('lists newest activity first, ties by the greater sid, and answers every row without a limit', async () => {
    const { alice } = await conversations(13);
    const whole = await call<Conversation[]>(server.url, alice, 'conversation.list', {});
    expect(whole).toHaveLength(13);
    expect(whole.every((row) => row.participant_keys.includes('alice'))).toBe(true);
    const ordered = [...whole].sort(
      (a, b) => b.last_message_time - a.last_message_time || (a.sid < b.sid ? 1 : -1),
    );
    expect(whole.map((row) => row.sid)).toEqual(ordered.map((row) => row.sid));
    // The test means something only if some rows share a time.
    expect(new Set(whole.map((row) => row.last_message_time)).size).toBeLessThan(whole.length);
  });

  it('answers the first `limit` rows after `before`: the pages join into the whole list, with no row twice or left out', async () => {
    const { alice } = await conversations(13);
    const whole = await call<Conversation[]>(server.url, alice, 'conversation.list', {});
    for (const limit of [1, 3, 5, 13, 20]) {
      const pages = await allPages(alice, limit);
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      expect(pages.flat(), `pages of ${limit}`).toEqual(whole);
    }
  });

  it('takes a position, not a row: `before` need not name a listed conversation', async () => {
    const { alice } = await conversations(8);
    const whole = await call<Conversation[]>(server.url, alice, 'conversation.list', {});
    const middle = whole[4]!;
    const after = (sid: string) =>
      call<Conversation[]>(server.url, alice, 'conversation.list', {
        before: { last_message_time: middle.last_message_time, sid },
      });
    expect(await after(middle.sid)).toEqual(whole.slice(5));
    // Just above the row's sid, it is included; at the very top of time, everything is.
    expect(await after(`${middle.sid}~`)).toEqual(whole.slice(4));
    expect(
      await call(server.url, alice, 'conversation.list', {
        before: { last_message_time: Number.MAX_SAFE_INTEGER, sid: 'x' },
      }),
    ).toEqual(whole);
    expect(
      await call(server.url, alice, 'conversation.list', {
        before: { last_message_time: 0, sid: 'a' },
      }),
    ).toEqual([]);
  });

  it('moves a conversation to the top of later pages when it gets a message, and lists a new one there', async () => {
    const { context, alice } = await conversations(9);
    const first = await call<Conversation[]>(server.url, alice, 'conversation.list', { limit: 3 });
    const whole = await call<Conversation[]>(server.url, alice, 'conversation.list', {});
    // Meanwhile the oldest gets a message and a new conversation starts.
    clock += 60_000;
    const oldest = whole.at(-1)!;
    const other = oldest.participant_keys.find((k) => k !== 'alice')!;
    await call(server.url, { context, key: other }, 'conversation.send_message', {
      sid: oldest.sid,
      content: 'back again',
      nonce: 'again',
    });
    const fresh = await call<Conversation>(server.url, alice, 'conversation.set', {
      name: 'Fresh',
      participant_keys: ['alice', 'dave'],
    });
    const rest = await call<Conversation[]>(server.url, alice, 'conversation.list', {
      before: position(first.at(-1)!),
    });
    // Neither is in a later page (they are above it now): a client learns of them from the stream.
    expect(rest.map((row) => row.sid)).toEqual(whole.slice(3, -1).map((row) => row.sid));
    const top = await call<Conversation[]>(server.url, alice, 'conversation.list', { limit: 2 });
    expect(top.map((row) => row.sid).sort()).toEqual([oldest.sid, fresh.sid].sort());
  });

  it('answers -32602 naming the field to a bad limit or position', async () => {
    const { alice } = await conversations(1);
    for (const [params, message] of [
      [{ limit: 0 }, 'limit: expected a whole number from 1 to 1000'],
      [{ limit: 1001 }, 'limit: expected a whole number from 1 to 1000'],
      [{ limit: 2.5 }, 'limit: expected a whole number from 1 to 1000'],
      [{ before: { sid: 'conv_x' } }, 'before.last_message_time: is required'],
      [
        { before: { last_message_time: -1, sid: 'conv_x' } },
        'before.last_message_time: expected a whole number from 0 to 9007199254740991',
      ],
      [{ before: { last_message_time: 1, sid: '' } }, 'before.sid: must not be empty'],
      [{ before: 'conv_x' }, 'before: expected an object'],
    ] as const) {
      const reply = await rpc(server.url, alice, 'conversation.list', params);
      expect(reply.body.error, JSON.stringify(params)).toEqual({
        code: RpcErrorCode.InvalidParams,
        message: `invalid params: ${message}`,
      });
    }
  });
});

// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RpcErrorCode,
  SERVICE_PATH,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
} from '../../../src/protocol/index.ts';
import type { RunningBackend } from '../../../mocks/backend/index.ts';
import { call, freshContext, notify, rpc, withBackend } from '../../support/backend.ts';

let server: RunningBackend;
beforeAll(async () => {
  server = await withBackend({ seed: true });
});
afterAll(() => server.close());

async function dm(context: string, a = 'alice', b = 'bob'): Promise<Conversation> {
  return call(server.url, { context, key: a }, 'conversation.set', { participant_keys: [a, b] });
}

describe('dev backend RPC', () => {
  it('answers health', async () => {
    const res = await fetch(`${server.url}${SERVICE_PATH}/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('seeds the demo context with the four contacts, a DM and a group with history', async () => {
    const who = { context: 'demo', key: 'alice' };
    const contacts = await call(server.url, who, 'contact.list', {});
    expect(contacts).toEqual([
      { public_key: 'alice', name: 'Alice' },
      { public_key: 'bob', name: 'Bob' },
      { public_key: 'carol', name: 'Carol' },
      { public_key: 'dave', name: 'Dave' },
    ]);
    const list = await call<Conversation[]>(server.url, who, 'conversation.list', {});
    expect(
      list.some((c) => c.participant_keys.length === 2 && c.participant_keys.includes('bob')),
    ).toBe(true);
    expect(list.some((c) => c.participant_keys.length > 2 && c.name !== '')).toBe(true);
    const times = list.map((c) => c.last_message_time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const history = await call<ChatMessage[]>(server.url, who, 'conversation.list_messages', {
      sid: list[0]!.sid,
    });
    expect(history.length).toBeGreaterThan(0);
    // Everyone has read all but the newest message, and says so where someone else wrote it.
    const dm = list.find((c) => c.sid === 'conv_demo_alice_bob')!;
    const [, , read] = await call<ChatMessage[]>(server.url, who, 'conversation.list_messages', {
      sid: dm.sid,
    });
    expect(dm.read_by).toEqual(
      ['alice', 'bob'].map((reader_key) => ({
        reader_key,
        message_sid: read!.sid,
        message_seq: read!.seq,
        read_at: read!.created_at,
      })),
    );
    expect(list.find((c) => c.sid === 'conv_demo_alice_carol')!.read_by).toEqual([]);
  });

  it('creates, gets, renames and lists a conversation for its participants only', async () => {
    const context = freshContext();
    const created = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      {
        name: '  Plans ',
        participant_keys: ['alice', 'bob', 'bob'],
      },
    );
    expect(created).toMatchObject({
      name: 'Plans',
      participant_keys: ['alice', 'bob'],
      unread_count: 0,
      last_message: '',
    });
    const got = await call(server.url, { context, key: 'bob' }, 'conversation.get', {
      sid: created.sid,
    });
    expect(got).toMatchObject({ sid: created.sid, name: 'Plans' });
    const renamed = await call<Conversation>(
      server.url,
      { context, key: 'bob' },
      'conversation.set',
      {
        sid: created.sid,
        name: 'Trip',
        participant_keys: ['alice', 'bob', 'carol'],
      },
    );
    expect(renamed.name).toBe('Trip');
    expect(renamed.seq).toBeGreaterThan(created.seq);
    expect(await call(server.url, { context, key: 'carol' }, 'conversation.list', {})).toHaveLength(
      1,
    );
    expect(await call(server.url, { context, key: 'dave' }, 'conversation.list', {})).toEqual([]);
  });

  it('sends messages, counts unread for the others and clears it on mark_read', async () => {
    const context = freshContext();
    const conv = await dm(context);
    const sent = await call<ChatMessage>(
      server.url,
      { context, key: 'alice' },
      'conversation.send_message',
      {
        sid: conv.sid,
        content: '  hello bob  ',
        nonce: 'n-1',
      },
    );
    expect(sent).toMatchObject({
      conversation_sid: conv.sid,
      sender_public_key: 'alice',
      content: 'hello bob',
      nonce: 'n-1',
    });
    const [bobView] = await call<Conversation[]>(
      server.url,
      { context, key: 'bob' },
      'conversation.list',
      {},
    );
    expect(bobView).toMatchObject({
      last_message: 'hello bob',
      unread_count: 1,
      last_message_time: sent.created_at * 1000,
    });
    const [aliceView] = await call<Conversation[]>(
      server.url,
      { context, key: 'alice' },
      'conversation.list',
      {},
    );
    expect(aliceView!.unread_count).toBe(0);
    const read = await call<Conversation>(
      server.url,
      { context, key: 'bob' },
      'conversation.mark_read',
      { sid: conv.sid },
    );
    expect(read.unread_count).toBe(0);
    expect(read.seq).toBeGreaterThan(bobView!.seq);
  });

  it('counts unread per reader in a group: after their read mark, not their own', async () => {
    const context = freshContext();
    const group = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      {
        name: 'Three',
        participant_keys: ['alice', 'bob', 'carol'],
      },
    );
    const send = (key: string, i: number) =>
      call(server.url, { context, key }, 'conversation.send_message', {
        sid: group.sid,
        content: `${key} ${i}`,
        nonce: `${key}-${i}`,
      });
    const unread = async (key: string) =>
      (
        await call<Conversation>(server.url, { context, key }, 'conversation.get', {
          sid: group.sid,
        })
      ).unread_count;
    await send('alice', 1);
    await send('bob', 1);
    await send('alice', 2);
    expect([await unread('alice'), await unread('bob'), await unread('carol')]).toEqual([1, 2, 3]);
    await call(server.url, { context, key: 'bob' }, 'conversation.mark_read', { sid: group.sid });
    await send('carol', 1);
    await send('bob', 2);
    expect([await unread('alice'), await unread('bob'), await unread('carol')]).toEqual([3, 1, 4]);
  });

  it('stores one message when the same nonce is sent twice', async () => {
    const context = freshContext();
    const conv = await dm(context);
    const who = { context, key: 'alice' };
    const first = await call<ChatMessage>(server.url, who, 'conversation.send_message', {
      sid: conv.sid,
      content: 'once',
      nonce: 'same',
    });
    const again = await call<ChatMessage>(server.url, who, 'conversation.send_message', {
      sid: conv.sid,
      content: 'once',
      nonce: 'same',
    });
    expect(again).toEqual(first);
    expect(
      await call(server.url, who, 'conversation.list_messages', { sid: conv.sid }),
    ).toHaveLength(1);
  });

  it('pages messages with before_seq and limit, ascending', async () => {
    const context = freshContext();
    const conv = await dm(context);
    const who = { context, key: 'alice' };
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 7; i++) {
      sent.push(
        await call(server.url, who, 'conversation.send_message', {
          sid: conv.sid,
          content: `m${i}`,
          nonce: `n${i}`,
        }),
      );
    }
    const newest = await call<ChatMessage[]>(server.url, who, 'conversation.list_messages', {
      sid: conv.sid,
      limit: 3,
    });
    expect(newest.map((m) => m.content)).toEqual(['m4', 'm5', 'm6']);
    const older = await call<ChatMessage[]>(server.url, who, 'conversation.list_messages', {
      sid: conv.sid,
      limit: 3,
      before_seq: newest[0]!.seq,
    });
    expect(older.map((m) => m.content)).toEqual(['m1', 'm2', 'm3']);
    const all = await call<ChatMessage[]>(server.url, who, 'conversation.list_messages', {
      sid: conv.sid,
    });
    expect(all.map((m) => m.sid)).toEqual(sent.map((m) => m.sid));
  });

  it.each([
    ['conversation.send_message', { content: 'x', nonce: 'n' }, 'sid'],
    ['conversation.send_message', { sid: 'conv_x', content: '   ', nonce: 'n' }, 'content'],
    [
      'conversation.send_message',
      { sid: 'conv_x', content: ' \u200B\u2800\u2060 ', nonce: 'n' },
      'content',
    ],
    [
      'conversation.send_message',
      { sid: 'conv_x', content: 'x'.repeat(4001), nonce: 'n' },
      'content',
    ],
    ['conversation.send_message', { sid: 'conv_x', content: 'x', nonce: 'n'.repeat(65) }, 'nonce'],
    ['conversation.set', { participant_keys: ['alice'] }, 'participant_keys'],
    ['conversation.set', { participant_keys: ['alice', 'bob'], name: 'n'.repeat(201) }, 'name'],
    ['conversation.set', { participant_keys: ['bob', 'carol'] }, 'participant_keys'],
    ['conversation.set', { participant_keys: ['alice', 'mallory'] }, 'participant_keys'],
    ['conversation.list_messages', { sid: 'conv_x', limit: 201 }, 'limit'],
    ['conversation.list_messages', { sid: 'conv_x', before_seq: -1 }, 'before_seq'],
  ])('%s answers -32602 naming the field (%j)', async (method, params, field) => {
    const reply = await rpc(server.url, { context: freshContext(), key: 'alice' }, method, params);
    expect(reply.body.error?.code).toBe(RpcErrorCode.InvalidParams);
    expect(reply.body.error?.message).toContain(field);
  });

  it('keeps the two members of a direct message: changing them or naming it answers -32602', async () => {
    const context = freshContext();
    const conv = await dm(context);
    const tries = [
      { participant_keys: ['bob', 'carol'] },
      { participant_keys: ['alice', 'bob', 'carol'] },
      { participant_keys: ['alice', 'bob'], name: 'Now a group' },
    ];
    const messages: string[] = [];
    for (const params of tries) {
      const reply = await rpc(server.url, { context, key: 'bob' }, 'conversation.set', {
        sid: conv.sid,
        ...params,
      });
      expect(reply.body.error?.code).toBe(RpcErrorCode.InvalidParams);
      messages.push(reply.body.error!.message);
    }
    expect(messages[0]).toContain('a direct message keeps its members');
    expect(messages[1]).toContain('a direct message keeps its members');
    expect(messages[2]).toContain('a direct message has no name');
    // Carol sees nothing of it; setting it as it is still works.
    expect(await call(server.url, { context, key: 'carol' }, 'conversation.list', {})).toEqual([]);
    const same = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      { sid: conv.sid, participant_keys: ['bob', 'alice'] },
    );
    expect(same.participant_keys).toEqual(['bob', 'alice']);
  });

  it('lets a group change members; a new member sees the whole history; it never becomes a DM', async () => {
    const context = freshContext();
    const group = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      { name: 'G', participant_keys: ['alice', 'bob'] },
    );
    await call(server.url, { context, key: 'alice' }, 'conversation.send_message', {
      sid: group.sid,
      content: 'before carol',
      nonce: 'g1',
    });
    await call(server.url, { context, key: 'bob' }, 'conversation.set', {
      sid: group.sid,
      participant_keys: ['alice', 'bob', 'carol'],
    });
    const history = await call<ChatMessage[]>(
      server.url,
      { context, key: 'carol' },
      'conversation.list_messages',
      { sid: group.sid },
    );
    expect(history.map((m) => m.content)).toEqual(['before carol']);
    const unnamed = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      { participant_keys: ['alice', 'bob', 'carol'] },
    );
    const toDm = await rpc(server.url, { context, key: 'alice' }, 'conversation.set', {
      sid: unnamed.sid,
      participant_keys: ['alice', 'bob'],
    });
    expect(toDm.body.error?.code).toBe(RpcErrorCode.InvalidParams);
    expect(toDm.body.error?.message).toContain('a group keeps a name or at least 3 members');
  });

  it('creates no state for refused or read-only requests; a context exists from its first write', async () => {
    const before = server.backend.stats().contexts;
    for (let i = 0; i < 300; i++) {
      const reply = await rpc(
        server.url,
        { context: freshContext('probe'), key: `mallory-${i}` },
        'contact.list',
        {},
      );
      expect(reply.body.error?.code).toBe(RpcErrorCode.Unauthenticated);
    }
    const unknown = freshContext('fresh');
    expect(
      await call(server.url, { context: unknown, key: 'bob' }, 'contact.list', {}),
    ).toHaveLength(4);
    expect(
      await call(server.url, { context: unknown, key: 'bob' }, 'conversation.list', {}),
    ).toEqual([]);
    const missing = await rpc(
      server.url,
      { context: unknown, key: 'bob' },
      'conversation.send_message',
      { sid: 'conv_x', content: 'x', nonce: 'x' },
    );
    expect(missing.body.error?.code).toBe(RpcErrorCode.NotFound);
    const refusedStream = await fetch(`${server.url}${SERVICE_PATH}/events`, {
      headers: { 'X-Hero-Context': freshContext(), 'X-Public-Key': 'mallory' },
    });
    expect(refusedStream.status).toBe(401);
    expect(server.backend.stats().contexts).toBe(before);
    await dm(unknown);
    expect(server.backend.stats().contexts).toBe(before + 1);
  });

  it('answers -32003 to a non-participant and -32004 for an unknown conversation', async () => {
    const context = freshContext();
    const conv = await dm(context);
    for (const method of [
      'conversation.get',
      'conversation.list_messages',
      'conversation.mark_read',
    ]) {
      const reply = await rpc(server.url, { context, key: 'carol' }, method, { sid: conv.sid });
      expect(reply.body.error?.code).toBe(RpcErrorCode.NotParticipant);
    }
    const send = await rpc(server.url, { context, key: 'carol' }, 'conversation.send_message', {
      sid: conv.sid,
      content: 'let me in',
      nonce: 'x',
    });
    expect(send.body.error?.code).toBe(RpcErrorCode.NotParticipant);
    const set = await rpc(server.url, { context, key: 'carol' }, 'conversation.set', {
      sid: conv.sid,
      participant_keys: ['alice', 'bob', 'carol'],
    });
    expect(set.body.error?.code).toBe(RpcErrorCode.NotParticipant);
    const missing = await rpc(server.url, { context, key: 'alice' }, 'conversation.get', {
      sid: 'conv_nope',
    });
    expect(missing.body.error?.code).toBe(RpcErrorCode.NotFound);
  });

  it('fails closed without a known key (-32001)', async () => {
    const context = freshContext();
    for (const who of [{ context }, { context, key: 'mallory' }, { key: 'alice' }]) {
      const reply = await rpc(server.url, who, 'conversation.list', {});
      expect(reply.body.error?.code).toBe(RpcErrorCode.Unauthenticated);
    }
  });

  it('keeps contexts apart', async () => {
    const a = freshContext();
    const b = freshContext();
    const conv = await dm(a);
    expect(await call(server.url, { context: b, key: 'alice' }, 'conversation.list', {})).toEqual(
      [],
    );
    const reply = await rpc(server.url, { context: b, key: 'alice' }, 'conversation.get', {
      sid: conv.sid,
    });
    expect(reply.body.error?.code).toBe(RpcErrorCode.NotFound);
  });

  it('answers parse errors, invalid requests and unknown methods with their codes', async () => {
    const post = async (body: string) => {
      const res = await fetch(`${server.url}${SERVICE_PATH}/rpc`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Hero-Context': 'demo',
          'X-Public-Key': 'alice',
        },
        body,
      });
      return ((await res.json()) as { error: { code: number } }).error.code;
    };
    expect(await post('{nope')).toBe(RpcErrorCode.ParseError);
    expect(await post('{"jsonrpc":"1.0","id":1,"method":"contact.list"}')).toBe(
      RpcErrorCode.InvalidRequest,
    );
    expect(await post('[{"jsonrpc":"2.0","id":1,"method":"contact.list"}]')).toBe(
      RpcErrorCode.InvalidRequest,
    );
    expect(await post('{"jsonrpc":"2.0","id":1,"method":"conversation.delete"}')).toBe(
      RpcErrorCode.MethodNotFound,
    );
  });

  it('answers -32600 with id null, running nothing, to an id that cannot be echoed exactly', async () => {
    const context = freshContext();
    const post = async (id: string) => {
      const res = await fetch(`${server.url}${SERVICE_PATH}/rpc`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Hero-Context': context,
          'X-Public-Key': 'alice',
        },
        // Written by hand: JSON.stringify cannot write 1e400.
        body: `{"jsonrpc":"2.0","id":${id},"method":"conversation.set","params":{"name":"Odd ids","participant_keys":["alice","bob"]}}`,
      });
      return (await res.json()) as {
        id: unknown;
        result?: unknown;
        error?: { code: number; message: string };
      };
    };
    // 1e400 reads as Infinity, and 2^53 + 1 as 2^53: neither would come back as it was sent.
    for (const id of ['1e400', '-1e400', '9007199254740993', '1.5', 'true', '{"n":1}', '[1]']) {
      const reply = await post(id);
      expect(reply, `id ${id}`).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: RpcErrorCode.InvalidRequest,
          message:
            'invalid request: id: expected a string, a whole number from -9007199254740991 to 9007199254740991, or null',
        },
      });
    }
    expect(await call(server.url, { context, key: 'alice' }, 'conversation.list', {})).toEqual([]);
    // What can be echoed exactly is answered with it, whole numbers written any way JSON allows included.
    for (const [id, echoed] of [
      ['"a-string"', 'a-string'],
      ['null', null],
      ['0', 0],
      ['-7', -7],
      ['9007199254740991', 9007199254740991],
      ['1e3', 1000],
      ['2.0', 2],
    ] as const) {
      const reply = await post(id);
      expect(reply.error, `id ${id}`).toBeUndefined();
      expect(reply.id).toBe(echoed);
    }
  });

  it('runs a notification and answers HTTP 204 with no body', async () => {
    const context = freshContext();
    const conv = await dm(context);
    const sent = await notify(server.url, { context, key: 'alice' }, 'conversation.send_message', {
      sid: conv.sid,
      content: 'fire and forget',
      nonce: 'f',
    });
    expect(sent).toEqual({ status: 204, body: '' });
    const stored = await call<ChatMessage[]>(
      server.url,
      { context, key: 'bob' },
      'conversation.list_messages',
      { sid: conv.sid },
    );
    expect(stored.map((m) => m.content)).toEqual(['fire and forget']);
  });

  it('never answers a notification with an error: unknown method, bad params, not a participant, unknown key', async () => {
    const context = freshContext();
    const conv = await dm(context);
    const tries: [{ context: string; key?: string }, string, unknown][] = [
      [{ context, key: 'alice' }, 'conversation.nope', {}],
      [
        { context, key: 'alice' },
        'conversation.send_message',
        { sid: conv.sid, content: '  ', nonce: 'x' },
      ],
      [
        { context, key: 'carol' },
        'conversation.send_message',
        { sid: conv.sid, content: 'let me in', nonce: 'x' },
      ],
      [{ context, key: 'mallory' }, 'conversation.list', {}],
      [{ context }, 'conversation.list', {}],
    ];
    for (const [who, method, params] of tries) {
      expect(await notify(server.url, who, method, params)).toEqual({ status: 204, body: '' });
    }
    expect(
      await call(server.url, { context, key: 'alice' }, 'conversation.list_messages', {
        sid: conv.sid,
      }),
    ).toEqual([]);
  });

  it('answers HTTP 413 to a body over 64 KiB', async () => {
    const res = await fetch(`${server.url}${SERVICE_PATH}/rpc`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Hero-Context': 'demo',
        'X-Public-Key': 'alice',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'contact.list',
        params: { pad: 'x'.repeat(70_000) },
      }),
    });
    expect(res.status).toBe(413);
  });

  it('allows CORS for localhost origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}${SERVICE_PATH}/rpc`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'x-public-key, x-hero-context',
        },
      });
    const ok = await preflight('http://localhost:5173');
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/X-Public-Key/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Last-Event-ID/);
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

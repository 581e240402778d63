// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  RpcErrorCode,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
} from '../../../src/protocol/index.ts';
import type { RunningBackend } from '../../../mocks/backend/index.ts';
import {
  backendFixture,
  call,
  freshContext,
  notify,
  rpc,
  type RawFrame,
  type RawStream,
} from '../../support/backend.ts';

/** The backend per test, on a clock the test moves (`fx.now`, unix ms). */
const fx = backendFixture();
const { start, stream } = fx;

async function group(server: RunningBackend) {
  const context = freshContext('typing');
  const conv = await call<Conversation>(server.url, { context, key: 'alice' }, 'conversation.set', {
    name: 'Typing',
    participant_keys: ['alice', 'bob', 'carol'],
  });
  /** One typing signal, as the island sends it (a notification); the fx.now moves on past the relay gap. */
  const type = async (key = 'alice') => {
    const reply = await notify(server.url, { context, key }, 'conversation.typing', {
      sid: conv.sid,
    });
    fx.now += 1000;
    return reply;
  };
  const send = (content: string, key = 'alice') =>
    call<ChatMessage>(server.url, { context, key }, 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce: content,
    });
  return { context, conv, type, send };
}

const isTyping = (f: RawFrame) => f.json.type === 'conversation.typing';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const types = (s: RawStream) => s.frames.map((f) => f.json.type);

describe('dev backend: typing', () => {
  it("relays a typing notification to the other participants' live streams, as a frame without id, and answers 204", async () => {
    const server = await start();
    const { context, conv, type } = await group(server);
    const streams = await Promise.all(
      ['alice', 'alice', 'bob', 'carol', 'dave'].map((key) => stream(server, { context, key })),
    );
    const [aliceTab1, aliceTab2, bob, carol, dave] = streams as [
      RawStream,
      RawStream,
      RawStream,
      RawStream,
      RawStream,
    ];
    const before = server.backend.stats();
    expect(await type('alice')).toEqual({ status: 204, body: '' });
    for (const s of [bob, carol]) {
      const frame = await s.waitFor(isTyping);
      expect(frame).toMatchObject({
        id: undefined,
        event: 'conversation.typing',
        json: { type: 'conversation.typing', data: { sid: conv.sid, key: 'alice' } },
      });
      expect(s.text()).toContain(
        `\n\nevent: conversation.typing\ndata: {"type":"conversation.typing","data":{"sid":"${conv.sid}","key":"alice"}}\n\n`,
      );
    }
    // Neither journaled nor held: no seq taken, nothing in the replay log.
    const after = server.backend.stats();
    expect([after.seq, after.log]).toEqual([before.seq, before.log]);
    await pause(100);
    for (const s of [aliceTab1, aliceTab2, dave]) expect(types(s)).toEqual(['ready']);
  });

  it('answers typing sent as a request, with an id, with null', async () => {
    const server = await start();
    const { context, conv } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    const reply = await rpc(server.url, { context, key: 'alice' }, 'conversation.typing', {
      sid: conv.sid,
    });
    expect(reply.body).toEqual({ jsonrpc: '2.0', id: 1, result: null });
    await bob.waitFor(isTyping);
  });

  it('never replays typing: a reader back with Last-Event-ID gets what it missed but no typing', async () => {
    const server = await start();
    const { context, type, send } = await group(server);
    const first = await stream(server, { context, key: 'bob' });
    const position = first.frames[0]!.json.data.cursor as string;
    first.close();
    await type('alice');
    await send('while away');
    const again = await stream(server, { context, key: 'bob' }, position);
    await again.waitFor((f) => f.json.type === 'conversation.updated');
    await type('carol');
    await again.waitFor(isTyping);
    expect(types(again)).toEqual([
      'ready',
      'chatmessage.new',
      'conversation.updated',
      'conversation.typing',
    ]);
    expect(again.frames.at(-1)!.json.data.key).toBe('carol');
  });

  it('drops a typing notification from a non-participant, with bad params or an unknown key: 204, nothing relayed', async () => {
    const server = await start();
    const { context, conv, type } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    expect(await type('dave')).toEqual({ status: 204, body: '' });
    expect(await notify(server.url, { context, key: 'alice' }, 'conversation.typing', {})).toEqual({
      status: 204,
      body: '',
    });
    expect(
      await notify(server.url, { context, key: 'mallory' }, 'conversation.typing', {
        sid: conv.sid,
      }),
    ).toEqual({ status: 204, body: '' });
    // Asked with an id, the same requests get their errors.
    expect(
      (await rpc(server.url, { context, key: 'dave' }, 'conversation.typing', { sid: conv.sid }))
        .body.error?.code,
    ).toBe(RpcErrorCode.NotParticipant);
    expect(
      (await rpc(server.url, { context, key: 'alice' }, 'conversation.typing', {})).body.error
        ?.message,
    ).toContain('sid');
    await pause(100);
    expect(types(bob)).toEqual(['ready']);
  });

  it('relays one signal per person and conversation per second', async () => {
    const server = await start();
    const { context, conv, send } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    const typing = (key: string) =>
      notify(server.url, { context, key }, 'conversation.typing', { sid: conv.sid });
    await typing('alice');
    await typing('alice');
    await typing('carol');
    fx.now += 999;
    await typing('alice');
    fx.now += 1;
    await typing('alice');
    await send('done');
    await bob.waitFor((f) => f.json.type === 'conversation.updated');
    expect(bob.frames.filter(isTyping).map((f) => f.json.data.key)).toEqual([
      'alice',
      'carol',
      'alice',
    ]);
  });

  it('tells a removed member nobody is typing after its removal', async () => {
    const server = await start();
    const { context, conv, type } = await group(server);
    const carol = await stream(server, { context, key: 'carol' });
    await call(server.url, { context, key: 'alice' }, 'conversation.set', {
      sid: conv.sid,
      participant_keys: ['alice', 'bob', 'dave'],
    });
    await carol.waitFor((f) => f.json.type === 'conversation.updated');
    const dave = await stream(server, { context, key: 'dave' });
    await type('alice');
    await dave.waitFor(isTyping);
    await pause(100);
    expect(types(carol)).toEqual(['ready', 'conversation.updated']);
  });

  it('lets a reader that is behind miss a typing signal rather than hold it', async () => {
    const server = await start();
    const { context, conv } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    // One synchronous run: the stream stops at its write window and owes the rest from the log.
    const content = 'x'.repeat(4000);
    for (let i = 0; i < 40; i++)
      server.backend.service.call(context, 'alice', 'conversation.send_message', {
        sid: conv.sid,
        content,
        nonce: `b${i}`,
      });
    server.backend.service.call(context, 'carol', 'conversation.typing', { sid: conv.sid });
    const last = server.backend.service.call(context, 'alice', 'conversation.send_message', {
      sid: conv.sid,
      content: 'last',
      nonce: 'last',
    }) as ChatMessage;
    await bob.waitFor((f) => f.json.type === 'chatmessage.new' && f.json.data.sid === last.sid);
    expect(bob.frames.filter((f) => f.json.type === 'chatmessage.new')).toHaveLength(41);
    expect(types(bob)).not.toContain('conversation.typing');
    // Caught up, it hears the next one.
    fx.now += 1000;
    server.backend.service.call(context, 'carol', 'conversation.typing', { sid: conv.sid });
    await bob.waitFor(isTyping);
  });
});

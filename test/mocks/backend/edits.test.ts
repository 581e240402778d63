// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  RpcErrorCode,
  formatCursor,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
} from '../../../src/protocol/index.ts';
import type { RunningBackend } from '../../../mocks/backend/index.ts';
import {
  backendFixture,
  call,
  freshContext,
  rpc,
  tempDir,
  type RawFrame,
  type RawStream,
} from '../../support/backend.ts';

/** The backend per test, on a clock the test moves (`fx.now`, unix ms). */
const fx = backendFixture();
const { start, stream } = fx;
const MINUTE = 60_000;

async function group(server: RunningBackend, keys = ['alice', 'bob', 'carol']) {
  const context = freshContext('edit');
  const conv = await call<Conversation>(
    server.url,
    { context, key: keys[0]! },
    'conversation.set',
    { name: 'Edits', participant_keys: keys },
  );
  let n = 0;
  const send = (content: string, key = 'alice') =>
    call<ChatMessage>(server.url, { context, key }, 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce: `n${n++}`,
    });
  const edit = (message: ChatMessage, content: string, key = 'alice') =>
    rpc(server.url, { context, key }, 'conversation.edit_message', {
      sid: conv.sid,
      message_sid: message.sid,
      content,
    });
  const remove = (message: ChatMessage, key = 'alice') =>
    rpc(server.url, { context, key }, 'conversation.delete_message', {
      sid: conv.sid,
      message_sid: message.sid,
    });
  const messages = (key = 'bob') =>
    call<ChatMessage[]>(server.url, { context, key }, 'conversation.list_messages', {
      sid: conv.sid,
    });
  const get = (key: string) =>
    call<Conversation>(server.url, { context, key }, 'conversation.get', { sid: conv.sid });
  return { context, conv, send, edit, remove, messages, get };
}

const isUpdate = (sid: string) => (f: RawFrame) =>
  f.json.type === 'chatmessage.updated' && f.json.data.sid === sid;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const types = (s: RawStream) => s.frames.map((f) => f.json.type);

describe('dev backend: editing a message', () => {
  it('lets its sender edit it: content, edited_at and updated_seq change, seq stays, and participants hear chatmessage.updated', async () => {
    const server = await start();
    const { context, send, edit, messages } = await group(server);
    const [bob, carol, dave] = await Promise.all([
      stream(server, { context, key: 'bob' }),
      stream(server, { context, key: 'carol' }),
      stream(server, { context, key: 'dave' }),
    ]);
    const first = await send('helo');
    const second = await send('later');
    fx.now += 14 * MINUTE;
    const reply = await edit(first, '  hello  ');
    const edited = reply.body.result as ChatMessage;
    expect(edited).toEqual({
      ...first,
      content: 'hello',
      edited_at: fx.now / 1000,
      updated_seq: second.seq + 2,
    });
    for (const s of [bob, carol]) {
      const frame = await s.waitFor(isUpdate(first.sid));
      expect(frame.json.data).toEqual(edited);
      expect(frame.event).toBe('chatmessage.updated');
      expect(frame.id).toBe(
        formatCursor({ epoch: server.backend.stats().epoch, seq: edited.updated_seq! }),
      );
    }
    expect(await messages()).toEqual([edited, second]);
    // Not the latest message: the preview stays, so no conversation.updated.
    await pause(100);
    expect(types(bob).slice(-1)).toEqual(['chatmessage.updated']);
    expect(types(dave)).toEqual(['ready']);
  });

  it('moves the preview when the latest message is edited: conversation.updated follows, with the same unread count', async () => {
    const server = await start();
    const { context, send, edit, get } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    const sent = await send('see you at 8');
    const edited = (await edit(sent, 'see you at 9')).body.result as ChatMessage;
    const updated = await bob.waitFor(
      (f) => f.json.type === 'conversation.updated' && f.json.data.last_message === 'see you at 9',
    );
    expect(updated.json.data).toMatchObject({
      last_message_time: sent.created_at * 1000,
      unread_count: 1,
      seq: edited.updated_seq! + 1,
    });
    expect(bob.frames.indexOf(updated)).toBe(bob.frames.findIndex(isUpdate(sent.sid)) + 1);
    expect(await get('bob')).toEqual(updated.json.data);
  });

  it('answers an edit to the same content with the message as it is, and tells nobody', async () => {
    const server = await start();
    const { send, edit } = await group(server);
    const sent = await send('same');
    const before = server.backend.stats().seq;
    expect((await edit(sent, ' same ')).body.result).toEqual(sent);
    expect(server.backend.stats().seq).toBe(before);
  });

  it('allows an edit until 15 minutes after sending, then refuses it with -32005', async () => {
    const server = await start();
    const { send, edit } = await group(server);
    const sent = await send('typo');
    fx.now += 15 * MINUTE;
    expect((await edit(sent, 'just in time')).body.result).toMatchObject({
      content: 'just in time',
    });
    fx.now += 1000;
    const late = await edit(sent, 'too late');
    expect(late.body.error).toEqual({
      code: RpcErrorCode.NotAllowed,
      message: 'a message can be edited for 15 minutes after it was sent',
    });
  });

  it('refuses an edit by anyone but the sender, of a deleted message, of a message not found, with readable errors', async () => {
    const server = await start();
    const { context, conv, send, edit, remove } = await group(server);
    const sent = await send('mine');
    expect((await edit(sent, 'yours now', 'bob')).body.error).toEqual({
      code: RpcErrorCode.NotAllowed,
      message: 'only its sender can edit a message',
    });
    await remove(sent);
    expect((await edit(sent, 'back')).body.error).toEqual({
      code: RpcErrorCode.NotAllowed,
      message: 'a deleted message cannot be edited',
    });

    const missing = await rpc(server.url, { context, key: 'alice' }, 'conversation.edit_message', {
      sid: conv.sid,
      message_sid: 'msg_nope',
      content: 'x',
    });
    expect(missing.body.error).toEqual({
      code: RpcErrorCode.NotFound,
      message: 'message not found',
    });
    // A message of another conversation is not found in this one.
    const other = await group(server);
    const elsewhere = await other.send('elsewhere');
    const wrong = await rpc(
      server.url,
      { context: other.context, key: 'alice' },
      'conversation.edit_message',
      { sid: other.conv.sid, message_sid: sent.sid, content: 'x' },
    );
    expect(wrong.body.error?.code).toBe(RpcErrorCode.NotFound);
    const stranger = await rpc(
      server.url,
      { context: other.context, key: 'dave' },
      'conversation.edit_message',
      { sid: other.conv.sid, message_sid: elsewhere.sid, content: 'x' },
    );
    expect(stranger.body.error?.code).toBe(RpcErrorCode.NotParticipant);
    expect(await other.messages()).toEqual([elsewhere]);
  });

  it.each([
    ['conversation.edit_message', 'sid', { message_sid: 'msg_x', content: 'x' }],
    ['conversation.edit_message', 'message_sid', { sid: 'conv_x', content: 'x' }],
    [
      'conversation.edit_message',
      'content: content is empty',
      { sid: 'conv_x', message_sid: 'msg_x', content: ' \u200B ' },
    ],
    [
      'conversation.edit_message',
      'content: content is longer than 4000 characters',
      { sid: 'conv_x', message_sid: 'msg_x', content: 'x'.repeat(4001) },
    ],
    ['conversation.delete_message', 'message_sid', { sid: 'conv_x' }],
    ['conversation.delete_message', 'message_sid', { sid: 'conv_x', message_sid: '' }],
  ])('%s answers -32602 naming the field: %s', async (method, field, params) => {
    const server = await start();
    const reply = await rpc(server.url, { context: freshContext(), key: 'alice' }, method, params);
    expect(reply.body.error?.code).toBe(RpcErrorCode.InvalidParams);
    expect(reply.body.error?.message).toContain(field);
  });
});

describe('dev backend: deleting a message', () => {
  it('lets its sender delete it at any time: a tombstone keeps its place, and deleting again tells nobody', async () => {
    const server = await start();
    const { context, send, edit, remove, messages } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    const first = await send('oops');
    const second = await send('fine');
    await edit(first, 'oops, edited');
    fx.now += 24 * 60 * MINUTE;
    const tombstone = (await remove(first)).body.result as ChatMessage;
    expect(tombstone).toEqual({
      ...first,
      content: '',
      deleted: true,
      updated_seq: expect.any(Number),
    });
    const frame = await bob.waitFor((f) => isUpdate(first.sid)(f) && f.json.data.deleted === true);
    expect(frame.json.data).toEqual(tombstone);
    expect(await messages()).toEqual([tombstone, second]);

    const before = server.backend.stats().seq;
    expect((await remove(first)).body.result).toEqual(tombstone);
    expect(server.backend.stats().seq).toBe(before);
  });

  it('refuses a deletion by anyone but the sender (-32005), and of a message not found (-32004)', async () => {
    const server = await start();
    const { conv, context, send, remove, messages } = await group(server);
    const sent = await send('mine');
    expect((await remove(sent, 'bob')).body.error).toEqual({
      code: RpcErrorCode.NotAllowed,
      message: 'only its sender can delete a message',
    });
    const missing = await rpc(
      server.url,
      { context, key: 'alice' },
      'conversation.delete_message',
      { sid: conv.sid, message_sid: 'msg_nope' },
    );
    expect(missing.body.error).toEqual({
      code: RpcErrorCode.NotFound,
      message: 'message not found',
    });
    expect(await messages()).toEqual([sent]);
  });

  it('empties the preview when the latest message is deleted, keeps its time, and lowers the unread count of who had not read it', async () => {
    const server = await start();
    const { context, conv, send, remove, get } = await group(server);
    const [bob, carol] = await Promise.all([
      stream(server, { context, key: 'bob' }),
      stream(server, { context, key: 'carol' }),
    ]);
    await send('one');
    const last = await send('two');
    await call(server.url, { context, key: 'carol' }, 'conversation.mark_read', { sid: conv.sid });
    expect((await get('bob')).unread_count).toBe(2);

    await remove(last);
    const isEmptied = (f: RawFrame) =>
      f.json.type === 'conversation.updated' && f.json.data.last_message === '';
    const forBob = await bob.waitFor(isEmptied);
    expect(forBob.json.data).toMatchObject({
      last_message: '',
      last_message_time: last.created_at * 1000,
      unread_count: 1,
    });
    expect((await carol.waitFor(isEmptied)).json.data.unread_count).toBe(0);
    expect(await get('bob')).toEqual(forBob.json.data);
    expect((await get('alice')).unread_count).toBe(0);
  });

  it('lowers unread counts when an unread message that is not the latest is deleted; one everybody read changes only the message', async () => {
    const server = await start();
    const { context, conv, send, remove, get } = await group(server);
    const bob = await stream(server, { context, key: 'bob' });
    const first = await send('one');
    const second = await send('two');
    const third = await send('three');
    await remove(first);
    const lowered = await bob.waitFor(
      (f) => f.json.type === 'conversation.updated' && f.json.data.seq > third.seq + 1,
    );
    expect(lowered.json.data).toMatchObject({ last_message: 'three', unread_count: 2 });

    for (const key of ['bob', 'carol'])
      await call(server.url, { context, key }, 'conversation.mark_read', { sid: conv.sid });
    const before = server.backend.stats().seq;
    await remove(second);
    expect(server.backend.stats().seq).toBe(before + 1); // chatmessage.updated alone
    expect((await get('bob')).unread_count).toBe(0);
  });

  it('tells a removed member of no edit or deletion after its removal', async () => {
    const server = await start();
    const { context, conv, send, edit, remove } = await group(server);
    const sent = await send('before');
    const carol = await stream(server, { context, key: 'carol' });
    await call(server.url, { context, key: 'alice' }, 'conversation.set', {
      sid: conv.sid,
      participant_keys: ['alice', 'bob', 'dave'],
    });
    await carol.waitFor((f) => f.json.type === 'conversation.updated');
    const dave = await stream(server, { context, key: 'dave' });
    await edit(sent, 'after');
    await remove(sent);
    // The new member hears both; the removed one neither.
    await dave.waitFor((f) => isUpdate(sent.sid)(f) && f.json.data.deleted === true);
    await pause(100);
    expect(types(carol)).toEqual(['ready', 'conversation.updated']);
  });

  it('replays edits and deletions after Last-Event-ID, and keeps them, and the unread counts, across a restart', async () => {
    const dir = tempDir();
    fx.defer(dir.remove);
    const first = await start({ dataDir: dir.path, fsync: false });
    const { context, conv, send, edit, remove } = await group(first);
    const bob = await stream(first, { context, key: 'bob' });
    const one = await send('one');
    const two = await send('two');
    const three = await send('three');
    const position = (
      await bob.waitFor(
        (f) => f.json.type === 'conversation.updated' && f.json.data.last_message === 'three',
      )
    ).id;
    bob.close();
    const edited = (await edit(two, 'two, edited')).body.result as ChatMessage;
    const deleted = (await remove(three)).body.result as ChatMessage;
    const again = await stream(first, { context, key: 'bob' }, position);
    await again.waitFor(
      (f) => f.json.type === 'conversation.updated' && f.json.data.last_message === '',
    );
    expect(
      again.frames.filter((f) => f.json.type === 'chatmessage.updated').map((f) => f.json.data),
    ).toEqual([edited, deleted]);
    await first.close();

    const second = await start({ dataDir: dir.path, fsync: false });
    const who = { context, key: 'bob' };
    expect(await call(second.url, who, 'conversation.list_messages', { sid: conv.sid })).toEqual([
      one,
      edited,
      deleted,
    ]);
    expect(await call(second.url, who, 'conversation.get', { sid: conv.sid })).toMatchObject({
      last_message: '',
      unread_count: 2,
    });
    const twice = await rpc(second.url, { context, key: 'alice' }, 'conversation.delete_message', {
      sid: conv.sid,
      message_sid: three.sid,
    });
    expect(twice.body.result).toEqual(deleted);
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcErrorCode, type ChatMessage, type Receipt } from '../../src/protocol/index.ts';
import { CommunicationError, type StreamStatus } from '../../src/sdk/index.ts';
import { makeEditor, type Editor } from '../../src/sync/editor.ts';
import { bubblesOf } from '../../src/sync/bubbles.ts';
import { applyEvent } from '../../src/sync/merge.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import { queueSend } from '../../src/sync/sends.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { makeReadMarker } from '../../src/sync/read-marker.ts';
import { seenOf } from '../../src/sync/receipts.ts';
import { findRow } from '../../src/sync/rows.ts';
import { makeSender } from '../../src/sync/sender.ts';
import { makeChatSession } from '../../src/sync/session.ts';
import { initialState, type Bubble } from '../../src/sync/state.ts';
import { makeTypingNotice, makeTypists } from '../../src/sync/typing.ts';
import { createFakeClient } from '../support/fake-client.ts';
import { chatMessage } from '../support/messages.ts';
import { row, testEnvironment } from '../support/session-env.ts';
import { settle, useFakeClock } from '../support/clock.ts';
import { createUnitWorld } from '../support/unit-world.ts';

const NOW_S = 1_700_000_000;
const own = (seq: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  ...chatMessage(seq, 'bob', `n${seq}`),
  created_at: NOW_S - 60,
  ...extra,
});
const receipt = (reader_key: string, message_seq: number, read_at = NOW_S): Receipt => ({
  reader_key,
  message_sid: `m${message_seq}`,
  message_seq,
  read_at,
});
const methodNotFound = () =>
  new CommunicationError('rpc', 'method not found', RpcErrorCode.MethodNotFound);

beforeEach(() => useFakeClock(NOW_S * 1000));

describe('who is typing (makeTypists)', () => {
  it('shows a typist until 6 s after their last signal, in the order first heard', () => {
    const typists = makeTypists(testEnvironment().env);
    typists.heard('c1', 'alice');
    vi.advanceTimersByTime(4000);
    typists.heard('c1', 'carol');
    typists.heard('c1', 'alice');
    expect(typists.in('c1')).toEqual(['alice', 'carol']);
    vi.advanceTimersByTime(5999);
    expect(typists.in('c1')).toEqual(['alice', 'carol']);
    vi.advanceTimersByTime(1);
    expect(typists.in('c1')).toEqual([]);
    expect(typists.in('c2')).toEqual([]);
  });

  it('drops a typist at once when their message arrives, and everyone when the stream drops', () => {
    const typists = makeTypists(testEnvironment().env);
    typists.heard('c1', 'alice');
    typists.heard('c1', 'carol');
    typists.heard('c2', 'dave');
    typists.wrote('c1', 'alice');
    expect(typists.in('c1')).toEqual(['carol']);
    typists.clear();
    expect([typists.in('c1'), typists.in('c2')]).toEqual([[], []]);
    // No timer left to fire later.
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('telling the server the person types (makeTypingNotice)', () => {
  it('tells it at most every 3 s per conversation, and stops for good after -32601', async () => {
    const { client, parts } = createUnitWorld();
    const notice = makeTypingNotice(parts);
    notice.typed('c1');
    notice.typed('c1');
    notice.typed('c2');
    vi.advanceTimersByTime(2999);
    notice.typed('c1');
    expect(client.calls.map((c) => c.params)).toEqual([{ sid: 'c1' }, { sid: 'c2' }]);
    vi.advanceTimersByTime(1);
    notice.typed('c1');
    expect(client.calls).toHaveLength(3);
    client.failWith('conversation.typing', methodNotFound());
    await settle();
    vi.advanceTimersByTime(3000);
    notice.typed('c1');
    notice.typed('c3');
    expect(client.calls).toHaveLength(3);
    expect(notice.supported).toBe(false);
  });
});

describe('read receipts', () => {
  const bubbles = (state = initialState('bob')): Bubble[] => bubblesOf(state);
  const chat = (messages: ChatMessage[]) =>
    applySnapshot(openChat(initialState('bob'), 'c1'), {
      chat: { sid: 'c1', messages, hasOlder: false },
    });

  it('"Seen" goes under the newest own message someone else has read, with who', () => {
    const state = chat([own(1), chatMessage(2), own(3), own(4)]);
    expect(seenOf(bubbles(state), [receipt('alice', 3), receipt('bob', 4)], 'bob')).toEqual({
      key: 'n:n3',
      readers: [receipt('alice', 3)],
    });
    expect(
      seenOf(bubbles(state), [receipt('alice', 3), receipt('carol', 4)], 'bob')?.readers.map(
        (r) => r.reader_key,
      ),
    ).toEqual(['carol']);
    expect(seenOf(bubbles(state), [receipt('alice', 2)], 'bob')?.key).toBe('n:n1');
    expect(seenOf(bubbles(state), [receipt('bob', 4)], 'bob')).toBeUndefined();
    expect(seenOf(bubbles(state), undefined, 'bob')).toBeUndefined();
  });

  it("a receipt replaces its reader's, in the order of the participants; an older copy changes nothing", () => {
    let state = applySnapshot(initialState('bob'), {
      conversations: [
        row('c1', {
          participant_keys: ['alice', 'bob', 'carol'],
          read_by: [receipt('carol', 2)],
          seq: 5,
        }),
      ],
    });
    state = applyEvent(state, {
      type: 'conversation.seen',
      data: { sid: 'c1', receipt: receipt('alice', 3), seq: 6 },
    });
    state = applyEvent(state, {
      type: 'conversation.seen',
      data: { sid: 'c1', receipt: receipt('carol', 4), seq: 7 },
    });
    // Replayed, late: the row is at seq 7 already.
    state = applyEvent(state, {
      type: 'conversation.seen',
      data: { sid: 'c1', receipt: receipt('alice', 1), seq: 4 },
    });
    expect(findRow(state.conversations, 'c1')).toMatchObject({
      read_by: [receipt('alice', 3), receipt('carol', 4)],
      seq: 7,
    });
  });

  it('with receipts off, mark_read asks the server not to tell the others', async () => {
    const { client, parts } = createUnitWorld(
      openChat(
        applySnapshot(initialState('bob'), { conversations: [row('c1', { unread_count: 1 })] }),
        'c1',
      ),
    );
    const marker = makeReadMarker({ ...parts, receipts: false });
    marker.soon();
    vi.advanceTimersByTime(300);
    expect(client.pending('conversation.mark_read')[0]!.params).toEqual({
      sid: 'c1',
      receipt: false,
    });
  });
});

describe('editing and deleting own messages (makeEditor)', () => {
  /** A send of "oops" to c1 that failed, still retryable. */
  const failedOops = {
    nonce: 'q1',
    conversation_sid: 'c1',
    content: 'oops',
    created_at: NOW_S * 1000,
    state: 'failed' as const,
    retryable: true,
  };
  /** Whether the person is offered Edit and Delete on `bubble`. */
  const offered = (editor: Editor, bubble: Bubble) => [
    editor.can('edit', bubble),
    editor.can('delete', bubble),
  ];

  function setup(messages: ChatMessage[] = [own(1), chatMessage(2)]) {
    const { client, store, parts } = createUnitWorld(
      applySnapshot(openChat(initialState('bob'), 'c1'), {
        conversations: [row('c1')],
        chat: { sid: 'c1', messages, hasOlder: false },
      }),
    );
    const sender = makeSender(parts);
    const editor = makeEditor({ ...parts, sender });
    const bubble = (key: string) => bubblesOf(store.state()).find((b) => b.key === key)!;
    return { client, store, sender, editor, bubble };
  }

  it('offers edit for 15 minutes after sending and delete at any time, on own messages only', () => {
    const { editor, bubble, store } = setup([
      own(1),
      own(2, { created_at: NOW_S - 15 * 60 }),
      chatMessage(3),
      own(4, { deleted: true, content: '' }),
    ]);
    expect([editor.can('edit', bubble('n:n1')), editor.can('delete', bubble('n:n1'))]).toEqual([
      true,
      true,
    ]);
    expect([editor.can('edit', bubble('n:n2')), editor.can('delete', bubble('n:n2'))]).toEqual([
      false,
      true,
    ]);
    expect([editor.can('edit', bubble('s:m3')), editor.can('delete', bubble('s:m3'))]).toEqual([
      false,
      false,
    ]);
    expect([editor.can('edit', bubble('n:n4')), editor.can('delete', bubble('n:n4'))]).toEqual([
      false,
      false,
    ]);
    // A server without seq has no edits (they are ordered by it).
    store.update((s) =>
      applySnapshot(s, {
        chat: { sid: 'c1', messages: [{ ...own(5), seq: undefined }], hasOlder: false },
      }),
    );
    expect(editor.can('delete', bubble('n:n5'))).toBe(false);
  });

  it('edits a sent message through the server; the answer shows at once, marked edited', async () => {
    const { client, editor, bubble, store } = setup();
    const done = editor.edit(bubble('n:n1'), '  fixed  ');
    expect(client.pending('conversation.edit_message')[0]!.params).toEqual({
      sid: 'c1',
      message_sid: 'm1',
      content: 'fixed',
    });
    client.reply(
      'conversation.edit_message',
      own(1, { content: 'fixed', edited_at: NOW_S, updated_seq: 7 }),
    );
    expect(await done).toEqual({ ok: true });
    expect(bubblesOf(store.state())[0]).toMatchObject({
      key: 'n:n1',
      content: 'fixed',
      edited: true,
    });
  });

  it('a snapshot taken before an edit landed does not bring the old text back', async () => {
    const { client, editor, bubble, store } = setup();
    const done = editor.edit(bubble('n:n1'), 'fixed');
    client.reply(
      'conversation.edit_message',
      own(1, { content: 'fixed', edited_at: NOW_S, updated_seq: 7 }),
    );
    await done;
    store.update((s) =>
      applySnapshot(s, {
        chat: { sid: 'c1', messages: [own(1), chatMessage(2)], hasOlder: false },
      }),
    );
    expect(bubblesOf(store.state()).map((b) => b.content)).toEqual(['fixed', 'text 2']);
  });

  it('deletes a sent message: a tombstone keeps its place', async () => {
    const { client, editor, bubble, store } = setup();
    const done = editor.remove(bubble('n:n1'));
    client.reply(
      'conversation.delete_message',
      own(1, { content: '', deleted: true, updated_seq: 8 }),
    );
    expect(await done).toEqual({ ok: true });
    expect(bubblesOf(store.state()).map((b) => [b.key, b.deleted])).toEqual([
      ['n:n1', true],
      ['s:m2', undefined],
    ]);
  });

  it('a server without edits (-32601): nothing is said, and the actions go, for unsent messages too', async () => {
    const { client, editor, bubble, store } = setup();
    const done = editor.remove(bubble('n:n1'));
    client.failWith('conversation.delete_message', methodNotFound());
    expect(await done).toEqual({ ok: false, error: 'unsupported' });
    expect(editor.supported()).toBe(false);
    expect(editor.can('edit', bubble('n:n1'))).toBe(false);
    store.update((s) => queueSend(s, failedOops));
    expect(offered(editor, bubble('n:q1'))).toEqual([false, false]);
  });

  it('a server that does not number messages is offered no edits, not even of unsent ones', () => {
    const { editor, bubble, store } = setup();
    store.update((s) => applySnapshot(s, { conversations: [row('c1', { seq: undefined })] }));
    store.update((s) => queueSend(s, failedOops));
    expect(offered(editor, bubble('n:q1'))).toEqual([false, false]);
  });

  it('says why an edit did not happen: refused, or the server out of reach (and the text stays)', async () => {
    const { client, editor, bubble } = setup();
    const refused = editor.edit(bubble('n:n1'), 'later');
    client.failWith(
      'conversation.edit_message',
      new CommunicationError(
        'rpc',
        'a message can be edited for 15 minutes after it was sent',
        -32005,
      ),
    );
    expect(await refused).toEqual({ ok: false, error: 'refused' });
    const away = editor.edit(bubble('n:n1'), 'later');
    client.failWith('conversation.edit_message', new CommunicationError('network', 'fetch failed'));
    expect(await away).toEqual({ ok: false, error: 'unreachable' });
    expect(await editor.edit(bubble('n:n1'), '   ')).toEqual({ ok: false, error: 'empty' });
  });

  it('an edit of a message still in the outbox edits the text it goes out with', async () => {
    const { client, editor, store } = setup();
    store.update((s) =>
      queueSend(s, {
        nonce: 'q1',
        conversation_sid: 'c1',
        content: 'teh',
        created_at: NOW_S * 1000,
        state: 'failed',
        retryable: true,
      }),
    );
    const pending = bubblesOf(store.state()).at(-1)!;
    expect(await editor.edit(pending, 'the')).toEqual({ ok: true });
    expect(store.state().outbox[0]!.content).toBe('the');
    expect(client.calls).toHaveLength(0);
  });

  it('deleting a failed send discards it', async () => {
    const { client, editor, store } = setup();
    store.update((s) =>
      queueSend(s, {
        nonce: 'q1',
        conversation_sid: 'c1',
        content: 'oops',
        created_at: NOW_S * 1000,
        state: 'failed',
        retryable: true,
      }),
    );
    expect(await editor.remove(bubblesOf(store.state()).at(-1)!)).toEqual({ ok: true });
    expect(store.state().outbox).toEqual([]);
    expect(client.calls).toHaveLength(0);
  });

  it('an edit of a message held since before its send landed goes to the server (not to an outbox it left)', async () => {
    const { client, editor, sender, store } = setup([]);
    sender.send('c1', 'teh');
    await settle();
    const held = bubblesOf(store.state())[0]!;
    client.reply('conversation.send_message', { ...own(3, { content: 'teh' }), nonce: 'n1' });
    await settle();
    const done = editor.edit(held, 'the');
    expect(client.pending('conversation.edit_message')[0]!.params).toEqual({
      sid: 'c1',
      message_sid: 'm3',
      content: 'the',
    });
    client.reply('conversation.edit_message', {
      ...own(3, { content: 'the', edited_at: NOW_S, updated_seq: 4 }),
      nonce: 'n1',
    });
    expect(await done).toEqual({ ok: true });
    expect(bubblesOf(store.state()).map((b) => b.content)).toEqual(['the']);
  });

  it("an edit while the send is on its way follows it, even when the stream's copy confirms it first", async () => {
    const { client, editor, sender, store } = setup([]);
    sender.send('c1', 'teh');
    await settle();
    await editor.edit(bubblesOf(store.state())[0]!, 'the');
    const stored = { ...own(3, { content: 'teh' }), nonce: 'n1' };
    store.update((s) => applyEvent(s, { type: 'chatmessage.new', data: stored }));
    client.reply('conversation.send_message', stored);
    await settle();
    expect(client.pending('conversation.edit_message')[0]!.params).toEqual({
      sid: 'c1',
      message_sid: 'm3',
      content: 'the',
    });
  });

  it('a failed send edited, then retried, ends with the new text when the server had stored the first try', async () => {
    const { client, editor, sender, store } = setup([]);
    sender.send('c1', 'teh');
    await settle();
    client.failWith('conversation.send_message', new CommunicationError('network', 'fetch failed'));
    await settle();
    await editor.edit(bubblesOf(store.state())[0]!, 'the');
    sender.retry('n1');
    await settle();
    expect(client.pending('conversation.send_message')[0]!.params).toMatchObject({
      content: 'the',
      nonce: 'n1',
    });
    // The first try had reached it: it answers what it stored then.
    client.reply('conversation.send_message', { ...own(3, { content: 'teh' }), nonce: 'n1' });
    await settle();
    expect(client.pending('conversation.edit_message')[0]!.params).toEqual({
      sid: 'c1',
      message_sid: 'm3',
      content: 'the',
    });
  });

  it('an edit made while the send is on its way follows it as an edit once it lands', async () => {
    const { client, editor, sender, store } = setup([]);
    sender.send('c1', 'teh');
    await settle();
    expect(await editor.edit(bubblesOf(store.state())[0]!, 'the')).toEqual({ ok: true });
    client.reply('conversation.send_message', { ...own(3, { content: 'teh' }), nonce: 'n1' });
    await settle();
    expect(client.pending('conversation.edit_message')[0]!.params).toEqual({
      sid: 'c1',
      message_sid: 'm3',
      content: 'the',
    });
    client.reply('conversation.edit_message', {
      ...own(3, { content: 'the', edited_at: NOW_S, updated_seq: 4 }),
      nonce: 'n1',
    });
    await settle();
    expect(bubblesOf(store.state()).map((b) => [b.content, b.edited])).toEqual([['the', true]]);
  });
});

describe('the session: typing on the stream', () => {
  const connected: StreamStatus = { state: 'connected', heartbeatMs: 15_000 };
  it('shows who types, not the person themself; their message or a dropped stream ends it', async () => {
    const client = createFakeClient();
    const session = makeChatSession({ client, environment: testEnvironment().env });
    const sub = client.subscription;
    sub.status(connected);
    await settle();
    sub.event({ type: 'conversation.typing', data: { sid: 'c1', key: 'alice' } });
    sub.event({ type: 'conversation.typing', data: { sid: 'c1', key: 'bob' } });
    await settle();
    expect(session.typing('c1')).toEqual(['alice']);
    sub.event({ type: 'chatmessage.new', data: chatMessage(1) });
    await settle();
    expect(session.typing('c1')).toEqual([]);
    sub.event({ type: 'conversation.typing', data: { sid: 'c1', key: 'carol' } });
    await settle();
    expect(session.typing('c1')).toEqual(['carol']);
    sub.status({ state: 'reconnecting', at: 60_000, attempt: 1, reason: 'stream ended' });
    await settle();
    expect(session.typing('c1')).toEqual([]);
    session.dispose();
  });

  it('tells the server while the person types in the open chat, and at once again after a send', async () => {
    const client = createFakeClient();
    const session = makeChatSession({ client, environment: testEnvironment().env });
    session.open('c1');
    session.typed();
    session.typed();
    expect(client.pending('conversation.typing').map((c) => c.params)).toEqual([{ sid: 'c1' }]);
    session.send('hello');
    session.typed();
    expect(client.pending('conversation.typing')).toHaveLength(2);
    session.dispose();
  });
});

describe('keeping the open chat light (keepNewest)', () => {
  it('keeps the newest messages and says older ones can be paged back; a chat without seq keeps all', async () => {
    const { keepNewest } = await import('../../src/sync/open-chat.ts');
    const messages = Array.from({ length: 10 }, (_, i) => chatMessage(i + 1));
    const state = applySnapshot(openChat(initialState('bob'), 'c1'), {
      chat: { sid: 'c1', messages, hasOlder: false },
    });
    const kept = keepNewest(state, 4);
    expect(kept.open!.messages.map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    expect(kept.open!.hasOlder).toBe(true);
    expect(keepNewest(kept, 4)).toBe(kept);
    const bare = applySnapshot(openChat(initialState('bob'), 'c1'), {
      chat: {
        sid: 'c1',
        messages: messages.map((m) => ({ ...m, seq: undefined })),
        hasOlder: false,
      },
    });
    expect(keepNewest(bare, 4)).toBe(bare);
  });
});

describe('history after the stream could not catch up', () => {
  it('older messages loaded before a full refetch are paged back in as they are now, not kept as they were', () => {
    const page = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => chatMessage(from + i));
    let state = applySnapshot(openChat(initialState('bob'), 'c1'), {
      chat: { sid: 'c1', messages: page(1, 4), hasOlder: false },
    });
    // A chat page alone (the chat opened again, say): what was loaded above it stays.
    state = applySnapshot(state, { chat: { sid: 'c1', messages: page(2, 4), hasOlder: true } });
    expect(state.open!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    // The list and the chat refetched after a resync: message 1 may have been deleted meanwhile.
    state = applySnapshot(state, {
      conversations: [row('c1')],
      chat: { sid: 'c1', messages: page(2, 4), hasOlder: true },
    });
    expect(state.open!.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(state.open!.hasOlder).toBe(true);
  });
});

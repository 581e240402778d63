// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { ChatMessage, Conversation, ServerEvent } from '../../src/protocol/index.ts';
import { bubblesOf, totalUnread } from '../../src/sync/bubbles.ts';
import { applyEvent, applyEvents } from '../../src/sync/merge.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import { queueSend, sendSucceeded } from '../../src/sync/sends.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { findRow, rowSlice } from '../../src/sync/rows.ts';
import { initialState, type ChatState } from '../../src/sync/state.ts';

// The rules for a server that sends no `seq`, no `nonce` and no `unread_count` (the production server
// as shipped): each test fails when its rule is taken out of the merge rules (src/sync/merge.ts,
// conversations.ts, snapshot.ts, sends.ts).

const T = 1_700_000_000;
/** A message as that server writes it: no seq, no nonce. */
const bare = (
  sid: string,
  from = 'alice',
  at = T,
  content = `text ${sid}`,
  conversation = 'c1',
): ChatMessage => ({
  sid,
  conversation_sid: conversation,
  sender_public_key: from,
  content,
  created_at: at,
});
/** A conversation as that server writes it: no seq, no unread_count. */
const conv = (sid: string, extra: Partial<Conversation> = {}): Conversation => ({
  sid,
  name: '',
  participant_keys: ['alice', 'bob'],
  created_at: T - 100,
  last_message: 'hello',
  last_message_time: (T - 50) * 1000,
  ...extra,
});
const message = (data: ChatMessage): ServerEvent => ({ type: 'chatmessage.new', data });
const updated = (data: Conversation): ServerEvent => ({ type: 'conversation.updated', data });
const pending = (nonce: string, content: string) => ({
  nonce,
  conversation_sid: 'c1',
  content,
  created_at: 0,
  state: 'sending' as const,
});

/** Bob with c1 and c2 in his list, fetched from that server, and `open` open (or none: null). */
function loaded(open: string | null = 'c1', messages: ChatMessage[] = []): ChatState {
  const state = openChat(initialState('bob'), open ?? undefined);
  return applySnapshot(state, {
    conversations: [conv('c1'), conv('c2')],
    chat: open ? { sid: open, messages, hasOlder: false } : undefined,
  });
}
const sids = (state: ChatState) => state.open!.messages.map((m) => m.sid);
const unread = (state: ChatState, sid: string) => findRow(state.conversations, sid)!.unread_count;

describe('merging what a server without seq sends', () => {
  it('holds a message that comes both in the snapshot and on the stream once, by sid', () => {
    let state = loaded('c1', [bare('a', 'alice', T)]);
    state = applyEvent(state, message(bare('a', 'alice', T)));
    // Also when the duplicate is not the newest one.
    state = applyEvent(state, message(bare('b', 'alice', T + 1)));
    state = applyEvent(state, message(bare('a', 'alice', T)));
    expect(sids(state)).toEqual(['a', 'b']);
    // And when the stream's copy came first and the snapshot replays it.
    const again = applySnapshot(
      state,
      {
        chat: {
          sid: 'c1',
          messages: [bare('a', 'alice', T), bare('b', 'alice', T + 1)],
          hasOlder: false,
        },
      },
      [message(bare('b', 'alice', T + 1))],
    );
    expect(sids(again)).toEqual(['a', 'b']);
  });

  it('orders messages by created_at, then as the server gave them: a burst within a second keeps its order', () => {
    let state = loaded('c1', [
      bare('z', 'alice', T + 5),
      bare('m1', 'alice', T),
      bare('b', 'alice', T + 5),
    ]);
    expect(sids(state)).toEqual(['m1', 'z', 'b']);
    state = applyEvent(state, message(bare('a', 'carol', T + 5)));
    state = applyEvent(state, message(bare('m9', 'carol', T + 2)));
    expect(sids(state)).toEqual(['m1', 'm9', 'z', 'b', 'a']);
    // The same through a burst applied at once.
    const burst = applyEvents(
      loaded('c1', [bare('m1', 'alice', T)]),
      ['q', 'c', 'x', 'c'].map((sid) => message(bare(sid, 'carol', T + 1))),
    );
    expect(sids(burst)).toEqual(['m1', 'q', 'c', 'x']);
  });

  it('gives the stream copy of an own message the nonce of the oldest pending send with its content: one bubble, in its place', () => {
    let state = loaded('c1');
    state = queueSend(state, pending('n1', 'same'));
    state = queueSend(state, pending('n2', 'same'));
    state = queueSend(state, pending('n3', 'other'));
    state = applyEvent(state, message(bare('s1', 'bob', T, 'same')));
    expect(bubblesOf(state).map((b) => [b.key, b.status])).toEqual([
      ['n:n1', 'sent'],
      ['n:n2', 'sending'],
      ['n:n3', 'sending'],
    ]);
    expect(state.outbox.map((p) => p.nonce)).toEqual(['n2', 'n3']);
    // A second copy of the same message takes nothing more.
    state = applyEvent(state, message(bare('s1', 'bob', T, 'same')));
    expect(state.outbox.map((p) => p.nonce)).toEqual(['n2', 'n3']);
    // Nor does someone else's message with that content.
    state = applyEvent(state, message(bare('x', 'alice', T, 'other')));
    expect(state.outbox.map((p) => p.nonce)).toEqual(['n2', 'n3']);
  });

  it('confirms a pending send with the answer of its own send, which takes its nonce; the stream copy after it adds nothing', () => {
    let state = loaded('c1');
    state = queueSend(state, pending('n1', 'hi'));
    state = sendSucceeded(state, bare('s1', 'bob', T, 'hi'), 'n1');
    expect(bubblesOf(state).map((b) => [b.key, b.status])).toEqual([['n:n1', 'sent']]);
    expect(state.outbox).toEqual([]);
    state = applyEvent(state, message(bare('s1', 'bob', T, 'hi')));
    expect(bubblesOf(state).map((b) => b.key)).toEqual(['n:n1']);
  });

  it('gives an answer whose pending send a stream copy took already no nonce, so no two bubbles share a key', () => {
    let state = loaded('c1');
    state = queueSend(state, pending('n1', 'ok'));
    state = queueSend(state, pending('n2', 'ok'));
    // The second message's copy arrives first and takes the oldest pending send.
    state = applyEvent(state, message(bare('s2', 'bob', T + 1, 'ok')));
    state = sendSucceeded(state, bare('s1', 'bob', T, 'ok'), 'n1');
    state = sendSucceeded(state, bare('s2', 'bob', T + 1, 'ok'), 'n2');
    expect(sids(state)).toEqual(['s1', 's2']);
    expect(state.outbox).toEqual([]);
    const keys = bubblesOf(state).map((b) => b.key);
    expect(new Set(keys).size).toBe(2);
  });

  it('counts unread what others sent since the list was loaded, each message once', () => {
    let state = loaded(null);
    expect(unread(state, 'c1')).toBe(0);
    state = applyEvent(state, message(bare('a', 'alice', T)));
    state = applyEvent(state, message(bare('a', 'alice', T)));
    state = applyEvent(state, message(bare('b', 'bob', T)));
    expect(unread(state, 'c1')).toBe(1);
    // A snapshot without counts keeps them, and what arrived while it was in flight is not counted again.
    state = applySnapshot(state, { conversations: [conv('c1'), conv('c2')] }, [
      message(bare('a', 'alice', T)),
    ]);
    expect(unread(state, 'c1')).toBe(1);
    state = applyEvent(state, message(bare('c', 'carol', T + 1)));
    expect(unread(state, 'c1')).toBe(2);
    expect(totalUnread(state)).toBe(2);
    // The open chat counts nothing.
    state = openChat(state, 'c2');
    state = applyEvent(state, message(bare('d', 'alice', T + 2, 'x', 'c2')));
    expect(unread(state, 'c2')).toBe(0);
  });

  it('takes the unread count where the server sends one', () => {
    let state = loaded(null);
    state = applyEvent(state, updated(conv('c1', { unread_count: 7 })));
    expect(unread(state, 'c1')).toBe(7);
  });

  it('keeps the preview and the unread count of a row the server updates without them', () => {
    let state = loaded(null);
    state = applyEvent(state, message(bare('a', 'alice', T, 'latest')));
    state = applyEvent(
      state,
      updated({
        sid: 'c1',
        name: 'Renamed',
        participant_keys: ['alice', 'bob'],
        created_at: T - 100,
      }),
    );
    const c1 = findRow(state.conversations, 'c1')!;
    expect([c1.name, c1.last_message, c1.last_message_time, c1.unread_count]).toEqual([
      'Renamed',
      'latest',
      T * 1000,
      1,
    ]);
  });

  it('sorts a conversation without messages by when it was created', () => {
    const state = applySnapshot(initialState('bob'), {
      conversations: [
        conv('old'),
        { sid: 'new', name: 'New', participant_keys: ['alice', 'bob'], created_at: T },
      ],
    });
    expect(rowSlice(state.conversations).map((c) => [c.sid, c.last_message])).toEqual([
      ['new', ''],
      ['old', 'hello'],
    ]);
  });

  it('moves the preview to a newer message, and not back to an older copy', () => {
    let state = loaded(null);
    state = applyEvent(state, message(bare('a', 'alice', T, 'first')));
    state = applyEvent(state, message(bare('b', 'carol', T, 'second')));
    expect(findRow(state.conversations, 'c1')!.last_message).toBe('second');
    state = applyEvent(state, message(bare('a', 'alice', T, 'first')));
    expect(findRow(state.conversations, 'c1')!.last_message).toBe('second');
    // A message older than the preview shown does not take it.
    state = applyEvent(state, message(bare('z', 'alice', T - 60, 'old')));
    expect(findRow(state.conversations, 'c1')!.last_message).toBe('second');
  });
});

import { describe, expect, it } from 'vitest';
import { bubblesOf } from '../../src/sync/bubbles.ts';
import { applyEvent } from '../../src/sync/merge.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import { queueSend, sendFailed } from '../../src/sync/sends.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { initialState } from '../../src/sync/state.ts';
import { chatMessage as msg } from '../support/messages.ts';

const opened = () => openChat(initialState('bob'), 'c1');

describe('merge rules', () => {
  it('keeps older messages the reader loaded when a new snapshot page joins them without a gap', () => {
    let state = applySnapshot(opened(), {
      chat: { sid: 'c1', messages: [1, 2, 3, 4].map((s) => msg(s)), hasOlder: false },
    });
    state = applySnapshot(state, {
      chat: { sid: 'c1', messages: [3, 4, 5].map((s) => msg(s)), hasOlder: true },
    });
    expect(state.open!.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(state.open!.hasOlder).toBe(false);
  });

  it('replaces the window when the new page does not join what is loaded', () => {
    let state = applySnapshot(opened(), {
      chat: { sid: 'c1', messages: [1, 2].map((s) => msg(s)), hasOlder: false },
    });
    state = applySnapshot(state, {
      chat: { sid: 'c1', messages: [7, 8].map((s) => msg(s)), hasOlder: true },
    });
    expect(state.open!.messages.map((m) => m.seq)).toEqual([7, 8]);
    expect(state.open!.hasOlder).toBe(true);
    // A message from below the window waits for the older pages rather than leaving a hole.
    expect(
      applyEvent(state, { type: 'chatmessage.new', data: msg(5) }).open!.messages.map((m) => m.seq),
    ).toEqual([7, 8]);
  });

  it('turns a pending bubble into the server message in place, by nonce, and keeps failed ones with their reason', () => {
    let state = applySnapshot(opened(), {
      chat: { sid: 'c1', messages: [msg(1)], hasOlder: false },
    });
    state = queueSend(state, {
      nonce: 'n1',
      conversation_sid: 'c1',
      content: 'mine',
      created_at: 0,
      state: 'sending',
    });
    state = queueSend(state, {
      nonce: 'n2',
      conversation_sid: 'c1',
      content: 'other',
      created_at: 0,
      state: 'sending',
    });
    state = sendFailed(state, 'n2', { why: 'unreachable' }, true);
    expect(bubblesOf(state).map((b) => [b.key, b.status])).toEqual([
      ['s:m1', 'sent'],
      ['n:n1', 'sending'],
      ['n:n2', 'failed'],
    ]);
    state = applyEvent(state, {
      type: 'chatmessage.new',
      data: { ...msg(2, 'bob', 'n1'), content: 'mine' },
    });
    expect(bubblesOf(state).map((b) => [b.key, b.status])).toEqual([
      ['s:m1', 'sent'],
      ['n:n1', 'sent'],
      ['n:n2', 'failed'],
    ]);
    expect(bubblesOf(state)[2]!.failure).toEqual({ why: 'unreachable' });
  });

  it('makes the bubbles again from the previous ones: the same where a message stayed in place, new where it did not', () => {
    const cache = new WeakMap();
    let state = applySnapshot(opened(), {
      chat: { sid: 'c1', messages: [1, 2, 3].map((s) => msg(s)), hasOlder: false },
    });
    state = queueSend(state, {
      nonce: 'n1',
      conversation_sid: 'c1',
      content: 'mine',
      created_at: 0,
      state: 'sending',
    });
    const first = bubblesOf(state, cache);
    const previous = { messages: state.open!.messages, bubbles: first };
    // Two more at the end, and the second one replaced by an object the cache has not seen.
    state = applyEvent(applyEvent(state, { type: 'chatmessage.new', data: msg(4) }), {
      type: 'chatmessage.new',
      data: msg(5),
    });
    const messages = [...state.open!.messages];
    messages[1] = { ...messages[1]!, content: 'edited' };
    state = { ...state, open: { ...state.open!, messages } };
    const next = bubblesOf(state, cache, previous);
    expect(next).toEqual(bubblesOf(state));
    expect(next[0]).toBe(first[0]);
    expect(next[1]).not.toBe(first[1]);
    expect(next[1]!.content).toBe('edited');
    expect(next[2]).toBe(first[2]);
    // The pending send is last, whatever its place was before.
    expect(next.map((b) => b.key)).toEqual(['s:m1', 's:m2', 's:m3', 's:m4', 's:m5', 'n:n1']);
  });
});

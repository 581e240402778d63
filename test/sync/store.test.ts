// @vitest-environment node
import { createComputed, createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../src/protocol/index.ts';
import { applyEvent, applyNewMessage, applyUpdatedMessage } from '../../src/sync/merge.ts';
import { queueSend } from '../../src/sync/sends.ts';
import { clearUnread, openChat } from '../../src/sync/open-chat.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { findRow } from '../../src/sync/rows.ts';
import { initialState, type ChatState } from '../../src/sync/state.ts';
import { createChatStore } from '../../src/sync/store.ts';
import { chatMessage as message } from '../support/messages.ts';
import { manualSchedule, row } from '../support/session-env.ts';

/** Publishes every change as it is made. */
const atOnce = (flush: () => void) => {
  flush();
  return () => {};
};

describe('the chat store', () => {
  it('runs what rides with the next publication in the same batch, or at the next flush when nothing is pending', () => {
    const tasks = manualSchedule();
    const store = createChatStore(openChat(initialState('bob'), 'c1'), {
      schedule: tasks.schedule,
    });
    const [loaded, setLoaded] = createSignal(false);
    const seen: [number, boolean][] = [];
    createRoot(() =>
      createComputed(() => seen.push([store.view().open!.messages.length, loaded()])),
    );
    store.update((s) => applyNewMessage(s, message(1)));
    store.withNextPublication(() => setLoaded(true));
    expect(loaded()).toBe(false);
    tasks.run();
    // One change seen, with both: never the rows without "loaded", nor the reverse.
    expect(seen).toEqual([
      [0, false],
      [1, true],
    ]);
    let ran = 0;
    store.withNextPublication(() => ran++);
    store.publish();
    expect(ran).toBe(1);
    store.publish();
    expect(ran).toBe(1);
  });

  it('applies changes to the plain state at once and publishes a burst of them once', () => {
    const tasks = manualSchedule();
    const store = createChatStore(openChat(initialState('bob'), 'c1'), {
      schedule: tasks.schedule,
    });
    for (let seq = 1; seq <= 100; seq++) store.update((s) => applyNewMessage(s, message(seq)));
    expect(store.state().open!.messages).toHaveLength(100);
    expect(store.view().open!.messages).toHaveLength(0);
    expect(tasks.pending).toBe(1);
    tasks.run();
    expect(store.bubbles()).toHaveLength(100);
    expect(store.view()).toBe(store.state());
  });

  it('publishes every change at once with a schedule that runs at once', () => {
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: atOnce });
    store.update((s) => applyNewMessage(s, message(1)));
    expect(store.bubbles().map((b) => b.content)).toEqual(['text 1']);
  });

  it('keeps the Bubble object of a message that did not change', () => {
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: atOnce });
    store.update((s) => applyNewMessage(s, message(1)));
    const first = store.bubbles()[0];
    store.update((s) => applyNewMessage(s, message(2)));
    expect(store.bubbles()[0]).toBe(first);
    expect(store.bubbles()).toHaveLength(2);
  });

  it('drops a pending publication on dispose', () => {
    const tasks = manualSchedule();
    const store = createChatStore(openChat(initialState('bob'), 'c1'), {
      schedule: tasks.schedule,
    });
    store.update((s) => applyNewMessage(s, message(1)));
    store.dispose();
    expect(tasks.pending).toBe(0);
  });

  describe('applying stream events', () => {
    /** What the server sends for messages `from`..`to` (seq 2i): each, then its conversation (seq 2i + 1) with bob's unread count. */
    const burst = (from: number, to: number): ServerEvent[] =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i).flatMap((i): ServerEvent[] => [
        { type: 'chatmessage.new', data: message(2 * i) },
        {
          type: 'conversation.updated',
          data: row('c1', {
            seq: 2 * i + 1,
            unread_count: i,
            last_message: `text ${2 * i}`,
            last_message_time: (1_700_000_000 + 2 * i) * 1000,
          }),
        },
      ]);
    const start = () =>
      openChat(applySnapshot(initialState('bob'), { conversations: [row('c1'), row('c2')] }), 'c1');

    it('lets the watchers hear at once an event that leaves nothing waiting', () => {
      const store = createChatStore(start(), { schedule: manualSchedule().schedule });
      const heard: ChatState[] = [];
      store.watch((next) => heard.push(next));
      const [, updated] = burst(1, 1);
      store.apply(updated!);
      expect(heard).toEqual([store.state()]);
      expect(findRow(heard[0]!.conversations, 'c1')!.unread_count).toBe(1);
    });

    it('lets the watchers hear what is still queued when it is disposed', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      const heard: number[] = [];
      store.watch((next) => heard.push(next.open!.messages.length));
      for (const event of burst(1, 10)) store.apply(event);
      expect(heard).toEqual([]);
      store.dispose();
      expect(heard).toEqual([10]);
      expect(tasks.pending).toBe(0);
    });

    it('gives the state of applying them one by one, published and heard once', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      const heard: [ChatState, ChatState][] = [];
      store.watch((next, previous) => heard.push([next, previous]));
      const events = burst(1, 200);
      for (const event of events) store.apply(event);
      expect(tasks.pending).toBe(1);
      // Rows are current before anything is appended; the messages wait.
      expect(findRow(store.state().conversations, 'c1')!.unread_count).toBe(200);
      expect(store.view().open!.messages).toHaveLength(0);
      expect(heard).toHaveLength(0);
      tasks.run();
      const oneByOne = events.reduce(applyEvent, start());
      expect(store.view()).toEqual(oneByOne);
      expect(store.view()).toBe(store.state());
      expect(store.bubbles()).toHaveLength(200);
      // The listeners hear the run as one change, from the state before it.
      expect(heard).toHaveLength(1);
      expect(heard[0]![0]).toBe(store.state());
      expect(heard[0]![1]).toEqual(start());
    });

    it('tells its schedule how many changes each publication carried, a burst or a chat', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      for (const event of burst(1, 50)) store.apply(event);
      expect(tasks.run()).toEqual([100]);
      // Read in the middle and changed: still one change per event and per update.
      for (const event of burst(51, 55)) store.apply(event);
      expect(store.state().open!.messages).toHaveLength(55);
      store.update((s) => clearUnread(s, 'c1'));
      // A change that changes nothing counts for nothing.
      store.update((s) => s);
      for (const event of burst(56, 57)) store.apply(event);
      expect(tasks.run()).toEqual([15]);
      // A chat: one message, one publication of one change.
      store.apply(burst(58, 58)[0]!);
      expect(tasks.run()).toEqual([1]);
      expect(tasks.run()).toEqual([]);
    });

    it('is current for a caller reading or changing the state in the middle of a burst', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      let oneByOne = start();
      for (const event of burst(1, 10)) {
        store.apply(event);
        oneByOne = applyEvent(oneByOne, event);
      }
      expect(store.state()).toEqual(oneByOne);
      for (const event of burst(11, 20)) {
        store.apply(event);
        oneByOne = applyEvent(oneByOne, event);
      }
      store.update((s) => applyNewMessage(s, message(5)));
      oneByOne = applyNewMessage(oneByOne, message(5));
      expect(store.state()).toEqual(oneByOne);
      // Older messages, replays and other chats' messages land where one by one puts them.
      const late: ServerEvent[] = [
        { type: 'chatmessage.new', data: message(42) },
        { type: 'chatmessage.new', data: message(7) },
        { type: 'chatmessage.new', data: { ...message(43), conversation_sid: 'c2' } },
        { type: 'chatmessage.new', data: message(44) },
        { type: 'chatmessage.new', data: message(44) },
        { type: 'conversation.read', data: { sid: 'c1', reader_key: 'bob', seq: 45 } },
      ];
      for (const event of late) {
        store.apply(event);
        oneByOne = applyEvent(oneByOne, event);
      }
      tasks.run();
      expect(store.view()).toEqual(oneByOne);
    });

    it('lets a change beside the waiting messages (the rows) join the burst, and stays equal to one by one', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      const heard: number[] = [];
      store.watch((next) => heard.push(next.open!.messages.length));
      let oneByOne = start();
      for (const event of burst(1, 30)) {
        store.apply(event);
        oneByOne = applyEvent(oneByOne, event);
        if (event.type === 'chatmessage.new') {
          store.update((s) => clearUnread(s, 'c1'));
          oneByOne = clearUnread(oneByOne, 'c1');
          expect(store.view().open!.messages).toHaveLength(0);
          // Nothing appended: the watchers hear the burst when it is.
          expect(heard).toEqual([]);
        }
      }
      expect(findRow(store.state().conversations, 'c1')!.unread_count).toBe(30);
      tasks.run();
      expect(store.view()).toEqual(oneByOne);
    });

    it('makes a change that replaces the open chat, or reads its messages, on the whole state', () => {
      const store = createChatStore(start(), { schedule: manualSchedule().schedule });
      store.apply({ type: 'chatmessage.new', data: message(1) });
      store.update((s) => openChat(s, 'c2'));
      expect(store.state().open).toEqual({
        sid: 'c2',
        messages: [],
        loaded: false,
        hasOlder: false,
      });
      store.update((s) => openChat(s, 'c1'));
      store.apply({ type: 'chatmessage.new', data: message(2) });
      store.update((s) => ({ ...s, open: { ...s.open!, loaded: true } }));
      expect(store.state().open!.messages.map((m) => m.seq)).toEqual([2]);
      expect(store.state().open!.loaded).toBe(true);
    });

    it('reads and changes the whole state in the middle of a burst without appending it for the reader', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      const heard: number[] = [];
      store.watch((next) => heard.push(next.open!.messages.length));
      const events = burst(1, 10);
      for (const event of events.slice(0, 10)) store.apply(event);
      const middle = store.state();
      for (const event of events.slice(10)) store.apply(event);
      // A state read keeps what it held then: the messages after it are not in it.
      expect(middle.open!.messages.map((m) => m.seq)).toEqual([2, 4, 6, 8, 10]);
      expect(store.state()).toEqual(events.reduce(applyEvent, start()));
      expect(heard).toEqual([]);
      // A change that needs a waiting message finds it.
      const edited = { ...message(4), content: 'edited', updated_seq: 30 };
      store.update((s) => applyUpdatedMessage(s, edited));
      expect(store.state().open!.messages[1]!.content).toBe('edited');
      tasks.run();
      expect(store.view().open!.messages[1]!.content).toBe('edited');
      expect(store.view().open!.messages).toHaveLength(10);
    });

    it('lets the watchers hear a change of the outbox at once, with the burst before it', () => {
      const tasks = manualSchedule();
      const pending = (nonce: string) => ({
        nonce,
        conversation_sid: 'c1',
        content: nonce,
        created_at: 0,
        state: 'sending' as const,
      });
      const store = createChatStore(queueSend(start(), pending('n1')), {
        schedule: tasks.schedule,
      });
      const heard: [number, number][] = [];
      store.watch((next) => heard.push([next.outbox.length, next.open!.messages.length]));
      for (const event of burst(1, 3)) store.apply(event);
      expect(heard).toEqual([]);
      // The echo of the person's own send: storage learns at once that the server has it.
      store.apply({ type: 'chatmessage.new', data: message(7, 'bob', 'n1') });
      expect(heard).toEqual([[0, 4]]);
      // A send written in the middle of a burst, too.
      for (const event of burst(4, 5)) store.apply(event);
      store.update((s) => queueSend(s, pending('n2')));
      expect(heard).toEqual([
        [0, 4],
        [1, 6],
      ]);
    });

    it('publishes each event at once with a schedule that runs at once', () => {
      const store = createChatStore(start(), { schedule: atOnce });
      store.apply({ type: 'chatmessage.new', data: message(1) });
      expect(store.bubbles().map((b) => b.content)).toEqual(['text 1']);
      expect(store.view()).toBe(store.state());
    });

    it('drops what waits on dispose', () => {
      const tasks = manualSchedule();
      const store = createChatStore(start(), { schedule: tasks.schedule });
      store.apply({ type: 'chatmessage.new', data: message(1) });
      store.dispose();
      expect(tasks.pending).toBe(0);
    });
  });
});

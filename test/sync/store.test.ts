// @vitest-environment node
import { createComputed, createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { applyMessage, openChat } from '../../src/sync/merge.ts';
import { initialState } from '../../src/sync/state.ts';
import { createChatStore } from '../../src/sync/store.ts';
import { chatMessage as message } from '../support/messages.ts';

function manualSchedule() {
  const queued: (() => void)[] = [];
  return {
    schedule: (flush: () => void) => {
      queued.push(flush);
      return () => queued.splice(queued.indexOf(flush), 1);
    },
    run: () => queued.splice(0).forEach((flush) => flush()),
    get pending() {
      return queued.length;
    },
  };
}

/** Publishes every change as it is made. */
const atOnce = (flush: () => void) => {
  flush();
  return () => {};
};

describe('the chat store', () => {
  it('runs what rides with the next publication in the same batch, or at the next flush when nothing is pending', () => {
    const tasks = manualSchedule();
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: tasks.schedule });
    const [loaded, setLoaded] = createSignal(false);
    const seen: [number, boolean][] = [];
    createRoot(() => createComputed(() => seen.push([store.view().open!.messages.length, loaded()])));
    store.update((s) => applyMessage(s, message(1)));
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
    store.flush();
    expect(ran).toBe(1);
    store.flush();
    expect(ran).toBe(1);
  });

  it('applies changes to the plain state at once and publishes a burst of them once', () => {
    const tasks = manualSchedule();
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: tasks.schedule });
    for (let seq = 1; seq <= 100; seq++) store.update((s) => applyMessage(s, message(seq)));
    expect(store.current().open!.messages).toHaveLength(100);
    expect(store.view().open!.messages).toHaveLength(0);
    expect(tasks.pending).toBe(1);
    tasks.run();
    expect(store.bubbles()).toHaveLength(100);
    expect(store.view()).toBe(store.current());
  });

  it('publishes every change at once with a schedule that runs at once', () => {
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: atOnce });
    store.update((s) => applyMessage(s, message(1)));
    expect(store.bubbles().map((b) => b.content)).toEqual(['text 1']);
  });

  it('keeps the Bubble object of a message that did not change', () => {
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: atOnce });
    store.update((s) => applyMessage(s, message(1)));
    const first = store.bubbles()[0];
    store.update((s) => applyMessage(s, message(2)));
    expect(store.bubbles()[0]).toBe(first);
    expect(store.bubbles()).toHaveLength(2);
  });

  it('drops a pending publication on dispose', () => {
    const tasks = manualSchedule();
    const store = createChatStore(openChat(initialState('bob'), 'c1'), { schedule: tasks.schedule });
    store.update((s) => applyMessage(s, message(1)));
    store.dispose();
    expect(tasks.pending).toBe(0);
  });
});

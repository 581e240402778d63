import { batch } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { bubblesOf } from './merge.ts';
import type { Bubble, ChatState } from './state.ts';

/**
 * The Solid side of the state: plain data is the truth and pure functions change it; the store only
 * mirrors it for rendering. Bubbles are reconciled by `key`, so a confirmed send keeps its DOM node.
 */
export interface ChatStore {
  readonly state: ChatState;
  readonly bubbles: readonly Bubble[];
  /** The plain state, for pure functions. */
  current(): ChatState;
  update(change: (state: ChatState) => ChatState): void;
}

export function createChatStore(initial: ChatState): ChatStore {
  let plain = initial;
  const [state, setState] = createStore<ChatState>(structuredClone(initial));
  const [view, setView] = createStore<{ bubbles: Bubble[] }>({ bubbles: bubblesOf(initial) });
  return {
    state,
    get bubbles() {
      return view.bubbles;
    },
    current: () => plain,
    update(change) {
      const next = change(plain);
      if (next === plain) return;
      const previous = plain;
      plain = next;
      batch(() => {
        setState(reconcile(next, { key: 'sid', merge: false }));
        if (next.open !== previous.open || next.outbox !== previous.outbox || next.me !== previous.me) {
          setView('bubbles', reconcile(bubblesOf(next), { key: 'key', merge: true }));
        }
      });
    },
  };
}

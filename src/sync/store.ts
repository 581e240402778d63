import { batch, createSignal, type Accessor } from 'solid-js';
import type { Schedule } from './environment.ts';
import { bubblesOf } from './merge.ts';
import type { Bubble, ChatState } from './state.ts';

export interface StoreOptions {
  /**
   * When changes reach the signals. The UI passes one that publishes at most once per frame (one
   * render per frame for a burst of events); one that runs at once publishes every change.
   */
  schedule: Schedule;
}

/**
 * The Solid side of the state: plain data is the truth and pure functions change it at once; the
 * signals only publish it for rendering. Unchanged rows and bubbles keep their objects, so views
 * keyed by `sid` or `key` keep their DOM nodes.
 */
export interface ChatStore {
  /** The state as last published (reactive). */
  readonly view: Accessor<ChatState>;
  /** The open chat's bubbles as last published (reactive). */
  readonly bubbles: Accessor<readonly Bubble[]>;
  /** The plain state, always current, for pure functions. */
  current(): ChatState;
  update(change: (state: ChatState) => ChatState): void;
  /** Calls `listener` after each change of the plain state; answers the function that stops it. */
  watch(listener: (next: ChatState, previous: ChatState) => void): () => void;
  /** Publishes what is pending now. */
  flush(): void;
  /**
   * Runs `then` once, with the next publication (in the same batch, so what it sets renders together
   * with the state), or at the next `flush` should nothing be pending.
   */
  withNextPublication(then: () => void): void;
  /** Drops a pending publication. */
  dispose(): void;
}

export function createChatStore(initial: ChatState, options: StoreOptions): ChatStore {
  const { schedule } = options;
  const cache = new WeakMap<object, Bubble>();
  const listeners = new Set<(next: ChatState, previous: ChatState) => void>();
  let plain = initial;
  let published = initial;
  let scheduled = false;
  let cancel: (() => void) | undefined;
  const [view, setView] = createSignal(initial);
  const [bubbles, setBubbles] = createSignal<readonly Bubble[]>(bubblesOf(initial, cache));

  let riders: (() => void)[] = [];

  const flush = () => {
    scheduled = false;
    cancel = undefined;
    const ride = riders;
    riders = [];
    if (plain === published && ride.length === 0) return;
    const previous = published;
    published = plain;
    batch(() => {
      if (plain !== previous) setView(plain);
      if (plain.open !== previous.open || plain.outbox !== previous.outbox || plain.me !== previous.me) {
        setBubbles(bubblesOf(plain, cache));
      }
      for (const then of ride) then();
    });
  };

  return {
    view,
    bubbles,
    current: () => plain,
    update(change) {
      const previous = plain;
      const next = change(plain);
      if (next === plain) return;
      plain = next;
      for (const listener of listeners) listener(next, previous);
      if (scheduled) return;
      scheduled = true;
      // A schedule may run at once (publishing every change): `flush` clears the flag before this returns.
      cancel = schedule(flush);
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      cancel?.();
      flush();
    },
    withNextPublication(then) {
      riders.push(then);
    },
    dispose() {
      cancel?.();
      cancel = undefined;
      scheduled = false;
      riders = [];
    },
  };
}

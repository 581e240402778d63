import { batch, createSignal, type Accessor } from 'solid-js';
import { bubblesOf } from './merge.ts';
import type { Bubble, ChatState } from './state.ts';
import { oncePerFrame, type Schedule } from './tasks.ts';

export interface StoreOptions {
  /**
   * Default `true`: changes are published after the task that made them, at most once per frame
   * (one render per frame for a burst of events).
   * `false` publishes every change at once; kept to measure the difference.
   */
  batch?: boolean;
  schedule?: Schedule;
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
  /** Publishes what is pending now. */
  flush(): void;
  /** Drops a pending publication. */
  dispose(): void;
}

export function createChatStore(initial: ChatState, options: StoreOptions = {}): ChatStore {
  const schedule = options.schedule ?? oncePerFrame();
  const cache = new WeakMap<object, Bubble>();
  let plain = initial;
  let published = initial;
  let cancel: (() => void) | undefined;
  const [view, setView] = createSignal(initial);
  const [bubbles, setBubbles] = createSignal<readonly Bubble[]>(bubblesOf(initial, cache));

  const flush = () => {
    cancel = undefined;
    if (plain === published) return;
    const previous = published;
    published = plain;
    batch(() => {
      setView(plain);
      if (plain.open !== previous.open || plain.outbox !== previous.outbox || plain.me !== previous.me) {
        setBubbles(bubblesOf(plain, cache));
      }
    });
  };

  return {
    view,
    bubbles,
    current: () => plain,
    update(change) {
      const next = change(plain);
      if (next === plain) return;
      plain = next;
      if (options.batch === false) flush();
      else cancel ??= schedule(flush);
    },
    flush() {
      cancel?.();
      flush();
    },
    dispose() {
      cancel?.();
      cancel = undefined;
    },
  };
}

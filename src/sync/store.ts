import { batch, createSignal, type Accessor } from 'solid-js';
import type { ServerEvent } from '../protocol/index.ts';
import { bubblesOf } from './bubbles.ts';
import type { Schedule } from './environment.ts';
import { applyToBurst, endBurst, startBurst, type Burst } from './merge.ts';
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
  /** The plain state, always current (queued events applied), for pure functions. */
  current(): ChatState;
  update(change: (state: ChatState) => ChatState): void;
  /**
   * Applies a stream event (`applyEvent`), but a new message at the end of the open chat is only
   * queued there (`applyToBurst`): the queue is appended with one copy of the chat's messages before
   * the state is next read (`current`), changed (`update`) or published, so a burst of k messages into
   * a chat of n costs O(n + k), not O(n·k). `watch` listeners hear it then, as one change.
   */
  apply(event: ServerEvent): void;
  /**
   * The state with every event applied but the open chat's `messages`, which may lack the newest
   * (queued by `apply`): for questions about the rows, the outbox, which chat is open. Appends nothing.
   */
  peek(): ChatState;
  /**
   * `update` for a change that neither reads nor replaces the open chat (the rows, the outbox): made
   * on `peek()`'s state, so the queued messages stay queued.
   */
  patch(change: (state: ChatState) => ChatState): void;
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
  // Events applied since the state was last settled, while a message waits in the open chat's queue.
  let run: Burst | undefined;
  let scheduled = false;
  let cancel: (() => void) | undefined;
  const [view, setView] = createSignal(initial);
  // The bubbles last published and the messages they were made of (for `bubblesOf`'s `previous`).
  let made = {
    messages: initial.open?.messages ?? [],
    bubbles: bubblesOf(initial, cache),
    me: initial.me,
  };
  const [bubbles, setBubbles] = createSignal<readonly Bubble[]>(made.bubbles);

  let riders: (() => void)[] = [];
  // Changes made since the last publication (an event queued counts as one): the schedule's measure of a burst.
  let changes = 0;

  const set = (next: ChatState) => {
    const previous = plain;
    if (next === previous) return;
    plain = next;
    changes++;
    for (const listener of listeners) listener(next, previous);
    // A schedule may run at once (publishing every change): `flush` clears the flag before this returns.
    publishSoon();
  };

  /** Appends the open chat's queue: `plain` is current again. */
  const settle = () => {
    if (!run) return;
    const next = endBurst(run);
    run = undefined;
    // Its events were counted as they were queued.
    changes--;
    set(next);
  };

  const publishSoon = () => {
    if (scheduled) return;
    scheduled = true;
    cancel = schedule(flush, () => changes);
  };

  /** Publishes what is pending; answers how many changes that was. */
  const flush = (): number => {
    // Before the flag is cleared, so that the change it makes is not scheduled again.
    settle();
    scheduled = false;
    cancel = undefined;
    const ride = riders;
    riders = [];
    const carried = changes;
    changes = 0;
    if (plain === published && ride.length === 0) return 0;
    const previous = published;
    published = plain;
    batch(() => {
      if (plain !== previous) setView(plain);
      if (
        plain.open !== previous.open ||
        plain.outbox !== previous.outbox ||
        plain.me !== previous.me
      ) {
        const next = bubblesOf(plain, cache, plain.me === made.me ? made : undefined);
        made = { messages: plain.open?.messages ?? [], bubbles: next, me: plain.me };
        setBubbles(next);
      }
      for (const then of ride) then();
    });
    return carried;
  };

  return {
    view,
    bubbles,
    current() {
      settle();
      return plain;
    },
    update(change) {
      settle();
      set(change(plain));
    },
    apply(event) {
      const next = applyToBurst(run ?? startBurst(plain), event);
      if (next.tail.length === 0) {
        // Nothing queued (any more): an ordinary change.
        run = undefined;
        set(next.state);
        return;
      }
      run = next;
      changes++;
      publishSoon();
    },
    peek: () => run?.state ?? plain,
    patch(change) {
      if (!run) return set(change(plain));
      const state = change(run.state);
      if (state === run.state) return;
      if (state.open !== run.state.open) {
        // Not a patch after all: made again on the current state.
        settle();
        return set(change(plain));
      }
      run = { state, tail: run.tail };
      changes++;
      publishSoon();
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
      // What a queued burst changed reaches the watchers (the outbox written to storage) before it goes.
      settle();
      cancel?.();
      cancel = undefined;
      scheduled = false;
      riders = [];
      run = undefined;
      changes = 0;
    },
  };
}

import { batch, createSignal, type Accessor } from 'solid-js';
import type { ChatMessage, ServerEvent } from '../protocol/index.ts';
import type { Schedule } from './environment.ts';
import { applyToBurst, type Burst, endBurst, startBurst } from './merge.ts';
import type { Bubble, ChatState } from './state.ts';
import { bubblesOf } from './bubbles.ts';

export interface StoreOptions {
  /**
   * When changes reach the signals. The UI passes one that publishes at most three times per frame
   * (twice after a task, once in the frame), fewer in a burst; one that runs at once publishes every
   * change.
   */
  schedule: Schedule;
}

/**
 * The Solid side of the state: plain data is the truth and pure functions change it at once; the
 * signals only publish it for rendering. Unchanged rows and bubbles keep their objects, so views
 * keyed by `sid` or `key` keep their DOM nodes.
 *
 * A burst of new messages at the end of the open chat is appended once per publication, not once per
 * message: k of them into a chat of n cost O(n + k), not O(n·k). Callers need not know: what they read
 * and change is always current.
 */
export interface ChatStore {
  /**
   * The state as last published, for rendering (reactive).
   * @example
   * const contacts = () => store.view().contacts;
   */
  readonly view: Accessor<ChatState>;
  /** The open chat's bubbles as last published, for rendering (reactive). */
  readonly bubbles: Accessor<readonly Bubble[]>;
  /**
   * The state now, every change and event applied, for decisions and pure functions (not tracked).
   * Cheap in a burst: the open chat's newest messages are appended for the reader only when it reads
   * `open.messages`.
   * @example
   * const sid = store.state().open?.sid;
   */
  state(): ChatState;
  /**
   * Changes the state now by a pure function of it, published with the next publication. In a burst,
   * a change that leaves the open chat as it was (the rows, say) joins it; one that replaces it, or
   * changes the outbox, ends it.
   * @example
   * store.update((s) => openChat(s, sid));
   */
  update(change: (state: ChatState) => ChatState): void;
  /** Applies an event from the stream (`applyEvent`): a burst of them is appended once per publication. */
  apply(event: ServerEvent): void;
  /**
   * Calls `listener` after each change of the state, from the state before it; answers the function
   * that stops it. A burst is heard as one change, when it ends: published, disposed, or ended by a
   * change; a change of the outbox is heard at once (storage keeps the outbox).
   */
  watch(listener: (next: ChatState, previous: ChatState) => void): () => void;
  /** Publishes what is pending now, without waiting for the schedule. */
  publish(): void;
  /**
   * Runs `then` once, with the next publication (in the same batch, so what it sets renders together
   * with the state), or at the next `publish` should nothing be pending.
   * @example
   * store.withNextPublication(() => setLoaded(true));
   */
  withNextPublication(then: () => void): void;
  /** Drops a pending publication; the watchers hear what a burst still held. */
  dispose(): void;
}

/**
 * `burst`'s state, whole: its open chat's `messages` are appended when first read, so that asking
 * about the rows, the outbox or which chat is open costs nothing in a burst.
 */
function stateOfBurst({ state, tail }: Burst): ChatState {
  const open = state.open!;
  // The tail grows in place as the burst goes on: this state has the messages it holds now.
  const length = tail.length;
  let messages: ChatMessage[] | undefined;
  return {
    ...state,
    open: {
      ...open,
      get messages() {
        return (messages ??= open.messages.concat(tail.slice(0, length)));
      },
    },
  };
}

export function createChatStore(initial: ChatState, options: StoreOptions): ChatStore {
  const { schedule } = options;
  const cache = new WeakMap<object, Bubble>();
  const listeners = new Set<(next: ChatState, previous: ChatState) => void>();
  // The state as the watchers last heard it: current but for a burst, which waits in `burst`.
  let plain = initial;
  let published = initial;
  // The events applied since the state was last heard, while new messages wait in the open chat's tail.
  let burst: Burst | undefined;
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
  // Changes made since the last publication (each event of a burst counts): the schedule's measure of a burst.
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

  /** Appends the burst's tail: `plain` is current again. */
  const settle = () => {
    if (!burst) return;
    const next = endBurst(burst);
    burst = undefined;
    // Its events were counted as they came.
    changes--;
    set(next);
  };

  /** Takes `next` as the burst; ends it at once when nothing waits in it, or its outbox changed. */
  const join = (next: Burst) => {
    if (next.tail.length > 0 && next.state.outbox === plain.outbox) {
      burst = next;
      changes++;
      return publishSoon();
    }
    burst = undefined;
    set(endBurst(next));
  };

  /** The state now: `plain`, or the burst's, whole. */
  const now = () => (burst ? stateOfBurst(burst) : plain);

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
    state: now,
    update(change) {
      const whole = now();
      const next = change(whole);
      if (next === whole) return;
      // A change beside the waiting messages (the rows, say) joins the burst; one that replaces the
      // open chat ends it.
      join(
        burst && next.open === whole.open
          ? { state: { ...next, open: burst.state.open }, tail: burst.tail }
          : startBurst(next),
      );
    },
    apply(event) {
      join(applyToBurst(burst ?? startBurst(plain), event));
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish() {
      cancel?.();
      flush();
    },
    withNextPublication(then) {
      riders.push(then);
    },
    dispose() {
      // What a burst changed reaches the watchers before it goes.
      settle();
      cancel?.();
      cancel = undefined;
      scheduled = false;
      riders = [];
      changes = 0;
    },
  };
}

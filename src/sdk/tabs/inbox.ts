/**
 * The items waiting for this tab's consumer: the leader's own stream and the relay both land here. The
 * leader waits for it to drain before reading on, so a slow consumer slows the stream as it would
 * without sharing (the real stream hands a backlog over a piece at a time).
 */
export interface Inbox<T> {
  push(item: T): void;
  /** The next item; `undefined` once the inbox is closed or `signal` aborts. */
  take(signal: AbortSignal): Promise<T | undefined>;
  /** Resolves once every item pushed so far has been taken, or `signal` aborts. */
  drained(signal: AbortSignal): Promise<void>;
  /** No more items: a waiting `take` answers `undefined`. */
  close(): void;
}

export function makeInbox<T>(): Inbox<T> {
  const items: T[] = [];
  let closed = false;
  // The reader and the writers wait alike: every change wakes them all, and each looks again.
  let waiters: (() => void)[] = [];
  const changed = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  // One abort listener per signal, for as long as the inbox lives, rather than one per wait: the
  // leader waits once per item of a burst. An abort wakes every waiter; each looks again.
  const watched = new WeakSet<AbortSignal>();
  const until = async (signal: AbortSignal, ready: () => boolean) => {
    while (!ready() && !closed && !signal.aborted) {
      if (!watched.has(signal)) {
        watched.add(signal);
        signal.addEventListener('abort', changed, { once: true });
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  return {
    push(item) {
      if (closed) return;
      items.push(item);
      changed();
    },
    async take(signal) {
      await until(signal, () => items.length > 0);
      const item = items.shift();
      if (items.length === 0) changed();
      return item;
    },
    drained: (signal) => until(signal, () => items.length === 0),
    close() {
      closed = true;
      items.length = 0;
      changed();
    },
  };
}

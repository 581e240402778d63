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
  const until = async (signal: AbortSignal, ready: () => boolean) => {
    while (!ready() && !closed && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        signal.addEventListener('abort', wake);
        waiters.push(wake);
      });
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

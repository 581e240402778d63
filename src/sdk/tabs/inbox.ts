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
  let wakeReader: (() => void) | undefined;
  let wakeWriters: (() => void)[] = [];

  const until = (signal: AbortSignal, register: (wake: () => void) => void) =>
    new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done);
      register(done);
    });

  const wakeAllWriters = () => {
    const writers = wakeWriters;
    wakeWriters = [];
    for (const wake of writers) wake();
  };

  return {
    push(item) {
      if (closed) return;
      items.push(item);
      wakeReader?.();
    },
    async take(signal) {
      while (items.length === 0) {
        if (closed || signal.aborted) return undefined;
        await until(signal, (wake) => (wakeReader = wake));
        wakeReader = undefined;
      }
      const item = items.shift()!;
      if (items.length === 0) wakeAllWriters();
      return item;
    },
    async drained(signal) {
      if (items.length === 0 || closed || signal.aborted) return;
      await until(signal, (wake) => wakeWriters.push(wake));
    },
    close() {
      closed = true;
      items.length = 0;
      wakeReader?.();
      wakeAllWriters();
    },
  };
}

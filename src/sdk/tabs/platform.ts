// What sharing a stream across tabs uses of the browser: the lock, the channel, and a task queue.

/**
 * The part of `navigator.locks` used: an exclusive lock held while `callback`'s promise runs; `steal`
 * takes it from its holder, whose request then rejects with an AbortError.
 */
export interface TabLocks {
  request(
    name: string,
    options: { signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>;
}

/** The part of a `BroadcastChannel` used. */
export interface TabChannel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

export type TabChannelConstructor = new (name: string) => TabChannel;

/** A task queue on a `MessageChannel`, opened on first use and closed with `close`. */
export function messageTask(): { run: (fn: () => void) => void; close(): void } {
  const queue: (() => void)[] = [];
  let channel: MessageChannel | undefined;
  return {
    run(fn) {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => queue.shift()?.();
      }
      queue.push(fn);
      channel.port2.postMessage(null);
    },
    close() {
      channel?.port1.close();
      channel?.port2.close();
      channel = undefined;
      queue.length = 0;
    },
  };
}

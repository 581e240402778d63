// What sharing a stream across tabs uses of the browser: the lock and the channel.

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

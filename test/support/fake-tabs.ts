import type { TabChannel, TabLocks } from '../../src/sdk/tabs/index.ts';

/**
 * One browser profile for unit tests: an exclusive-only `navigator.locks` (grant in request order,
 * `signal` leaves the queue with an AbortError, release when the callback's promise settles) and a
 * `BroadcastChannel` (structured clone, delivered as a task to every other open channel of the name,
 * in order; posting on a closed channel throws). Left out: shared locks, `ifAvailable`, `steal`,
 * `query`. Each `tab()` can crash (its locks are released and its channels close without a word, as
 * when a tab's process dies) and fire `pagehide`/`pageshow`.
 */
export interface FakeBrowser {
  tab(): FakeTab;
  /** Who holds the lock `name` (a tab number), or undefined. */
  holder(name: string): number | undefined;
  /** Requests waiting for `name`. */
  waiting(name: string): number;
  /** Open channels of `name`. */
  openChannels(name: string): number;
}

export interface FakeTab {
  readonly id: number;
  readonly locks: TabLocks;
  readonly BroadcastChannel: new (name: string) => TabChannel;
  readonly pageEvents: EventTarget;
  crash(): void;
  /** `pagehide` with `persisted` (the page goes into the back/forward cache). */
  hide(): void;
  /** `pageshow` with `persisted` (it comes back from the cache). */
  show(): void;
}

interface Request {
  tab: number;
  grant: () => void;
}

export function createFakeBrowser(): FakeBrowser {
  const held = new Map<string, { tab: number; release: () => void }>();
  const queues = new Map<string, Request[]>();
  const channels = new Set<FakeChannel>();
  const dead = new Set<number>();
  let tabs = 0;

  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = []));
    return q;
  };

  function grantNext(name: string): void {
    if (held.has(name)) return;
    const next = queue(name).shift();
    next?.grant();
  }

  function request(tab: number, name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>) {
    return new Promise<unknown>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) return reject(new DOMException('The request was aborted.', 'AbortError'));
      const entry: Request = {
        tab,
        grant() {
          signal?.removeEventListener('abort', onAbort);
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            if (held.get(name)?.tab === tab) held.delete(name);
            grantNext(name);
          };
          held.set(name, { tab, release });
          // The callback runs as a task of its own, as in a browser.
          setTimeout(() => {
            if (dead.has(tab)) return;
            Promise.resolve()
              .then(() => callback({ name, mode: 'exclusive' }))
              .then(
                (value) => {
                  release();
                  resolve(value);
                },
                (error: unknown) => {
                  release();
                  reject(error);
                },
              );
          }, 0);
        },
      };
      const onAbort = () => {
        const q = queue(name);
        const at = q.indexOf(entry);
        if (at >= 0) q.splice(at, 1);
        reject(new DOMException('The request was aborted.', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue(name).push(entry);
      grantNext(name);
    });
  }

  class FakeChannel implements TabChannel {
    onmessage: ((event: MessageEvent) => void) | null = null;
    onmessageerror: ((event: MessageEvent) => void) | null = null;
    closed = false;
    constructor(
      readonly name: string,
      readonly tab: number,
    ) {
      channels.add(this);
    }
    postMessage(message: unknown): void {
      if (this.closed) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError');
      const data = structuredClone(message);
      for (const other of channels) {
        if (other === this || other.name !== this.name) continue;
        setTimeout(() => {
          if (!other.closed) other.onmessage?.(new MessageEvent('message', { data }));
        }, 0);
      }
    }
    close(): void {
      this.closed = true;
      channels.delete(this);
    }
  }

  return {
    tab() {
      const id = ++tabs;
      const pageEvents = new EventTarget();
      const page = (type: string) => pageEvents.dispatchEvent(Object.assign(new Event(type), { persisted: true }));
      return {
        id,
        locks: { request: (name, options, callback) => request(id, name, options, callback) },
        BroadcastChannel: class extends FakeChannel {
          constructor(name: string) {
            super(name, id);
            if (dead.has(id)) this.closed = true;
          }
        },
        pageEvents,
        crash() {
          dead.add(id);
          for (const channel of channels) if (channel.tab === id) channel.close();
          for (const q of queues.values()) {
            for (let i = q.length - 1; i >= 0; i--) if (q[i]!.tab === id) q.splice(i, 1);
          }
          for (const lock of [...held.values()]) if (lock.tab === id) lock.release();
        },
        hide: () => page('pagehide'),
        show: () => page('pageshow'),
      };
    },
    holder: (name) => held.get(name)?.tab,
    waiting: (name) => queue(name).length,
    openChannels: (name) => [...channels].filter((c) => c.name === name).length,
  };
}

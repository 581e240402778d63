import type { TabChannel, TabLocks } from '../../src/sdk/tabs/index.ts';

/**
 * One browser profile for unit tests: an exclusive-only `navigator.locks` (grant in request order,
 * `signal` leaves the queue with an AbortError, release when the callback's promise settles; `steal`
 * takes the lock from its holder at once, rejecting the holder's request with an AbortError while its
 * callback runs on, and may not come with a `signal`) and a `BroadcastChannel` (structured clone,
 * delivered as a task to every other open channel of the name, in order; posting on a closed channel
 * throws). Left out: shared locks, `ifAvailable`, `query`. Each `tab()` can crash (its locks are
 * released and its channels close without a word, as when a tab's process dies), stall (its script
 * stops: see `FakeTab.stall`) and fire `pagehide`/`pageshow`.
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
  /**
   * The tab's script stops (a debugger, a busy loop, `alert()`): what other tabs post to it and what
   * the browser tells it (a lock taken from it) waits, and nothing it posts goes out. Only the tab's
   * channels and locks stall: its timers and its stream still run, so a test must push nothing to it
   * that it would notice by itself.
   */
  stall(): void;
  /** The script runs again: first what it posted meanwhile goes out, then it hears what waited for it, in order. */
  resume(): void;
  /** `pagehide` with `persisted` (the page goes into the back/forward cache). */
  hide(): void;
  /** `pageshow` with `persisted` (it comes back from the cache). */
  show(): void;
}

interface Request {
  tab: number;
  grant: () => void;
}

interface Held {
  tab: number;
  release: () => void;
  /** Another request took the lock (`steal`). */
  steal: () => void;
}

export function createFakeBrowser(): FakeBrowser {
  const held = new Map<string, Held>();
  const queues = new Map<string, Request[]>();
  const channels = new Set<FakeChannel>();
  const dead = new Set<number>();
  // What waits for a stalled tab: posts it made, then what it is to hear.
  const stalled = new Map<number, { out: (() => void)[]; in: (() => void)[] }>();
  let tabs = 0;
  /** Runs `fn` now, or when `tab` resumes if its script is stalled. */
  const toTab = (tab: number, fn: () => void) => {
    const waiting = stalled.get(tab);
    if (waiting) waiting.in.push(fn);
    else fn();
  };

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

  function request(
    tab: number,
    name: string,
    options: { signal?: AbortSignal; steal?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ) {
    return new Promise<unknown>((resolve, reject) => {
      const { signal } = options;
      if (signal && options.steal)
        return reject(
          new DOMException('steal and signal cannot be used together.', 'NotSupportedError'),
        );
      if (signal?.aborted)
        return reject(new DOMException('The request was aborted.', 'AbortError'));
      const entry: Request = {
        tab,
        grant() {
          signal?.removeEventListener('abort', onAbort);
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            if (held.get(name) === lock) held.delete(name);
            grantNext(name);
          };
          const lock: Held = {
            tab,
            release,
            steal() {
              released = true;
              held.delete(name);
              toTab(tab, () => reject(new DOMException('The lock was stolen.', 'AbortError')));
            },
          };
          held.set(name, lock);
          // The callback runs as a task of its own, as in a browser.
          setTimeout(
            () =>
              toTab(tab, () => {
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
              }),
            0,
          );
        },
      };
      const onAbort = () => {
        const q = queue(name);
        const at = q.indexOf(entry);
        if (at >= 0) q.splice(at, 1);
        reject(new DOMException('The request was aborted.', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (options.steal) {
        held.get(name)?.steal();
        return entry.grant();
      }
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
      const send = () => {
        for (const other of channels) {
          if (other === this || other.name !== this.name) continue;
          setTimeout(
            () =>
              toTab(
                other.tab,
                () => !other.closed && other.onmessage?.(new MessageEvent('message', { data })),
              ),
            0,
          );
        }
      };
      const waiting = stalled.get(this.tab);
      if (waiting) waiting.out.push(send);
      else send();
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
      const page = (type: string) =>
        pageEvents.dispatchEvent(Object.assign(new Event(type), { persisted: true }));
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
        stall() {
          if (!stalled.has(id)) stalled.set(id, { out: [], in: [] });
        },
        resume() {
          const waiting = stalled.get(id);
          stalled.delete(id);
          // Each in a task of its own, as the browser runs them.
          for (const fn of [...(waiting?.out ?? []), ...(waiting?.in ?? [])]) setTimeout(fn, 0);
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

import type { Listeners } from '../listeners.ts';
import {
  STAT_KEYS,
  type StreamBatch,
  type StreamItem,
  type StreamStatus,
  type Subscription,
  type SubscriptionStats,
} from '../subscription.ts';
import { afterTask } from '../task.ts';
import type { Inbox } from './inbox.ts';
import type { TabState } from './recent.ts';
import { MAX_RELAYED, type Post, type RelayMessage } from './relay.ts';
import type { SharedStreamOptions } from './types.ts';

/** Why a leader's lock request was aborted when another tab took the lock. */
export const LOST = 'lost';

/**
 * The leading side of a tab: while the tab holds the lock, the real stream from the tab's position,
 * each batch handed to `inbox` and relayed (`makeRelay`). `done` counts what the tab's ended streams
 * counted (`stats` adds the running one's); `leadership` is told when the tab takes the lead and lets
 * go, `relayed` of each item of the real stream.
 */
export function makeLeading(
  options: Pick<SharedStreamOptions, 'subscribe' | 'onBadFrame' | 'nextTask'>,
  tab: TabState,
  post: Post,
  inbox: Inbox<StreamBatch>,
  done: SubscriptionStats,
  leadership: Listeners<boolean>,
  relayed: Listeners<StreamItem>,
): [
  lead: (member: AbortSignal) => Promise<void>,
  hear: (message: RelayMessage) => void,
  retryNow: () => void,
  stats: Readonly<SubscriptionStats>,
] {
  const [send, hear, end] = makeRelay(tab, post, options.nextTask ?? afterTask);
  let real: Subscription | undefined;

  /** Hands the real stream's batches to the inbox, a batch at a time, as its consumer takes them. */
  async function pump(subscription: Subscription, stop: AbortSignal): Promise<void> {
    for await (const batch of subscription.batches()) {
      if (stop.aborted) return;
      for (const item of batch) {
        send(item);
        relayed.tell(item);
      }
      inbox.push(batch);
      await inbox.drained(stop);
    }
    // The real stream ends only when the server refuses the identity; the consumer ends with it (it
    // has taken every batch: closing the inbox loses nothing).
    if (!stop.aborted) inbox.close();
  }

  /**
   * Runs the real stream while `member` (the lock request that holds the lock) is not aborted;
   * resolves once it lets go, or once the stream ends.
   */
  async function lead(member: AbortSignal): Promise<void> {
    if (member.aborted) return;
    // The lock request ends the real stream: every way of letting go aborts it.
    const subscription = options.subscribe({
      signal: member,
      lastEventId: tab.position,
      onBadFrame: options.onBadFrame,
    });
    real = subscription;
    // The tabs that followed the last leader are not known yet: they answer this with `hello`.
    post({ type: 'call' });
    leadership.tell((tab.leads = true));
    // Letting go (pagehide, unmount) releases the lock at once; the real stream unwinds meanwhile, and
    // a failure while it does is still logged, never left unhandled.
    const pumping = pump(subscription, member).catch((error: unknown) => {
      if (member.aborted) return;
      console.error('[hero-messaging] the shared stream failed', error);
      inbox.close();
    });
    try {
      await Promise.race([
        pumping,
        new Promise((resolve) => member.addEventListener('abort', resolve, { once: true })),
      ]);
    } finally {
      for (const key of STAT_KEYS) done[key] += subscription.stats[key];
      real = undefined;
      end(member.reason === LOST);
      leadership.tell((tab.leads = false));
    }
  }

  const stats = {} as SubscriptionStats;
  for (const key of STAT_KEYS)
    Object.defineProperty(stats, key, {
      get: () => done[key] + (real?.stats[key] ?? 0),
      enumerable: true,
    });
  // Skips the wait before the next reconnect: the real stream's if this tab leads, else the leader's.
  const retryNow = () => (tab.leads ? real?.retryNow() : post({ type: 'retry' }));

  return [
    lead,
    // Hears another tab: who follows, what a leader answers (see `makeRelay`), and `retry`.
    (message) => {
      hear(message);
      if (message.type === 'retry' && tab.leads) retryNow();
    },
    retryNow,
    stats,
  ];
}

/**
 * What the leader posts of its stream, and what it tells a tab that joins mid-stream. Batched:
 * everything that arrives in one task goes in one post (a backlog of thousands of events costs a few),
 * but a status at once (it is rare, and the last one may be the last word of a tab about to close).
 * Events go out only once some tab follows: a leader alone posts none, and remembers the position of
 * the last it withheld, which a tab it did not know yet has missed.
 */
function makeRelay(
  tab: TabState,
  post: Post,
  later: (run: () => void) => (() => void) | void,
): [
  send: (item: StreamItem) => void,
  hear: (message: RelayMessage) => void,
  end: (lost: boolean) => void,
] {
  // The tabs known to follow (their `hello`, less their `bye`).
  const peers = new Set<string>();
  let withheld: string | undefined;
  let outgoing: StreamItem[] = [];
  let cancel: (() => void) | void;
  // What a tab joining mid-stream is told (`state`): the last status, and the `ready` of the live
  // connection (gone by before it listened), so that its consumer takes a snapshot.
  let status: StreamStatus = { state: 'connecting', attempt: 0 };
  let ready: { cursor: string; heartbeat_ms: number } | undefined;

  /** Posts what waits to be relayed. */
  function flush(): void {
    cancel?.();
    cancel = undefined;
    const items = outgoing;
    outgoing = [];
    for (let at = 0; at < items.length; at += MAX_RELAYED)
      post({ type: 'items', items: items.slice(at, at + MAX_RELAYED) });
  }

  return [
    // Keeps what a joining tab is told, moves the tab's position, and relays `item`.
    (item) => {
      if (item.kind === 'status') {
        status = item.status;
        if (status.state !== 'connected') ready = undefined;
        outgoing.push(item);
        return flush();
      }
      const { id } = item;
      if (id !== undefined) {
        tab.position = id;
        tab.isNew(id);
      }
      if (item.event.type === 'ready') ready = item.event.data;
      if (peers.size === 0) withheld = id ?? withheld;
      else if (outgoing.push(item) === 1) cancel = later(flush);
    },
    // Hears who follows (`hello`, `bye`), and answers what a leader is asked (`hello`, `ping`).
    (message) => {
      const { from } = message;
      switch (message.type) {
        case 'hello': {
          peers.add(from);
          if (!tab.leads) return;
          // What is waiting to be relayed goes first, so the channel keeps the order of the stream.
          flush();
          // A field left undefined is as good as none: the receiving tab's check leaves it out.
          const items: StreamItem[] = [{ kind: 'status', status }];
          if (ready)
            items.push({ kind: 'event', event: { type: 'ready', data: ready }, id: tab.position });
          return post({ type: 'state', to: from, items, withheld });
        }
        case 'bye':
          peers.delete(from);
          return;
        case 'ping':
          // What waits to be relayed goes first: an answer says the leader has posted all it has.
          if (!tab.leads) return;
          flush();
          return post({ type: 'beat' });
      }
    },
    // The leadership ends. What a leader that `lost` the lock still held, the new leader's stream
    // brings: the followers take items from that one only. Whatever else waits goes out now, and no
    // task is left behind; the next leadership has withheld nothing from anyone yet.
    (lost) => {
      if (lost) outgoing = [];
      flush();
      withheld = undefined;
    },
  ];
}

import { makeListeners } from '../listeners.ts';
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
import type { Progress } from './recent.ts';
import { MAX_RELAYED, type Post, type RelayMessage } from './relay.ts';
import type { SharedStreamOptions } from './types.ts';

/** Why a leader's lock request was aborted when another tab took the lock. */
export const LOST = 'lost';

/** The leading side of a tab: the real stream, run while the tab holds the lock, and its relay. */
export interface Leading {
  /** Whether this tab runs the real stream now. */
  readonly leading: boolean;
  /**
   * Runs the real stream from the tab's position while `member` (the lock request that holds the lock)
   * is not aborted, handing each batch to the tab's inbox and relaying it; resolves once it lets go.
   */
  lead(member: AbortSignal): Promise<void>;
  /** Hears another tab: who follows (`hello`, `bye`), and what a leader answers (`hello`, `ping`, `retry`). */
  hear(message: RelayMessage): void;
  /** Skips the real stream's wait before its next reconnect, if this tab leads. */
  retryNow(): void;
  /** What `done` counts, and what the running stream counted so far. */
  readonly stats: Readonly<SubscriptionStats>;
  /** Called with `true` when this tab takes the lead and `false` when it lets go. */
  onLeadershipChange(listener: (leading: boolean) => void): () => void;
  /** Called with each item of the real stream as it is relayed. */
  onRelay(listener: (item: StreamItem) => void): () => void;
  /** Cancels the relay's task, if one waits. */
  close(): void;
}

export interface LeadingParts {
  options: Pick<SharedStreamOptions, 'subscribe' | 'onBadFrame' | 'nextTask'>;
  post: Post;
  /** Where the tab's own consumer takes its items. */
  inbox: Inbox<StreamBatch>;
  progress: Progress;
  /** What the tab's ended streams counted (`stats` adds the running one's). */
  done: SubscriptionStats;
}

export function makeLeading({ options, post, inbox, progress, done }: LeadingParts): Leading {
  const relay = makeRelay(post, options.nextTask ?? afterTask);
  const told = makeJoinerBrief(progress);
  const leadership = makeListeners<boolean>('a leadership listener');
  const relayed = makeListeners<StreamItem>('a relay listener');
  let real: Subscription | undefined;
  let leading = false;

  const setLeading = (next: boolean) => {
    if (next !== leading) leadership.tell((leading = next));
  };

  /** Hands the real stream's batches to the inbox, a batch at a time, as its consumer takes them. */
  async function pump(subscription: Subscription, stop: AbortSignal): Promise<void> {
    for await (const batch of subscription.batches()) {
      if (stop.aborted) return;
      for (const item of batch) {
        told.keep(item);
        relay.send(item);
        relayed.tell(item);
      }
      inbox.push(batch);
      await inbox.drained(stop);
    }
    // The real stream ends only when the server refuses the identity; the consumer ends with it.
    if (!stop.aborted && told.status.state !== 'unauthorized') inbox.close();
  }

  async function lead(member: AbortSignal): Promise<void> {
    if (member.aborted) return;
    const stop = new AbortController();
    const abort = () => stop.abort();
    member.addEventListener('abort', abort, { once: true });
    const subscription = options.subscribe({
      signal: stop.signal,
      lastEventId: progress.position,
      onBadFrame: options.onBadFrame,
    });
    real = subscription;
    // The tabs that followed the last leader are not known yet: they answer this with `hello`.
    post({ type: 'call' });
    relay.restart();
    setLeading(true);
    // Letting go (pagehide, unmount) releases the lock at once; the real stream unwinds meanwhile, and
    // a failure while it does is still logged, never left unhandled.
    const pumping = pump(subscription, stop.signal).catch((error: unknown) => {
      if (stop.signal.aborted) return;
      console.error('[hero-messaging] the shared stream failed', error);
      inbox.close();
    });
    try {
      await Promise.race([
        pumping,
        new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true })),
      ]);
    } finally {
      member.removeEventListener('abort', abort);
      stop.abort();
      for (const key of STAT_KEYS) done[key] += subscription.stats[key];
      if (real === subscription) real = undefined;
      // What a leader that lost the lock still held, the new leader's stream brings: the followers
      // take items from that one only.
      if (member.reason === LOST) relay.drop();
      else relay.flush();
      setLeading(false);
    }
  }

  const stats = {} as SubscriptionStats;
  for (const key of STAT_KEYS)
    Object.defineProperty(stats, key, {
      get: () => done[key] + (real?.stats[key] ?? 0),
      enumerable: true,
    });

  return {
    get leading() {
      return leading;
    },
    lead,
    hear(message) {
      switch (message.type) {
        case 'hello':
          relay.peers.add(message.from);
          if (!leading) return;
          // What is waiting to be relayed goes first, so the channel keeps the order of the stream.
          relay.flush();
          return post({ type: 'state', to: message.from, ...told.brief(), ...relay.withheld() });
        case 'bye':
          relay.peers.delete(message.from);
          return;
        case 'retry':
          if (leading) real?.retryNow();
          return;
        case 'ping':
          // What waits to be relayed goes first: an answer says the leader has posted all it has.
          if (!leading) return;
          relay.flush();
          return post({ type: 'beat' });
      }
    },
    retryNow: () => real?.retryNow(),
    stats,
    onLeadershipChange: leadership.add,
    onRelay: relayed.add,
    close: relay.close,
  };
}

/**
 * What the leader posts of its stream, batched: everything that arrives in one task goes in one post
 * (a backlog of thousands of events costs a few), but a status at once (it is rare, and the last one
 * may be the last word of a tab about to close). Events go out only once some tab follows: a leader
 * alone posts none, and remembers the position of the last it withheld, which a tab it did not know yet
 * has missed.
 */
function makeRelay(post: Post, later: (run: () => void) => (() => void) | void) {
  // The tabs known to follow (their `hello`, less their `bye`).
  const peers = new Set<string>();
  let withheld: string | undefined;
  let outgoing: StreamItem[] = [];
  let cancel: (() => void) | void;
  const flush = () => {
    cancel?.();
    cancel = undefined;
    const items = outgoing;
    outgoing = [];
    for (let at = 0; at < items.length; at += MAX_RELAYED)
      post({ type: 'items', items: items.slice(at, at + MAX_RELAYED) });
  };
  return {
    peers,
    flush,
    send(item: StreamItem): void {
      if (item.kind === 'event' && peers.size === 0) {
        withheld = item.id ?? withheld;
        return;
      }
      if (item.kind === 'status') {
        outgoing.push(item);
        return flush();
      }
      if (outgoing.push(item) === 1) cancel = later(flush);
    },
    /** The part of a `state` answer that says what was withheld. */
    withheld: () => (withheld === undefined ? {} : { withheld }),
    /** A new leadership: nothing was withheld from anyone yet. */
    restart: () => void (withheld = undefined),
    /** Forgets what waits to be posted. */
    drop: () => void (outgoing = []),
    close(): void {
      cancel?.();
      cancel = undefined;
    },
  };
}

/**
 * What a tab joining mid-stream is told (`state`): the leader's last status, and the `ready` of the
 * live connection (gone by before it listened) with the leader's position, so that its consumer takes a
 * snapshot. `keep` sees every item of the real stream, and moves the tab's position.
 */
function makeJoinerBrief(progress: Progress) {
  let status: StreamStatus = { state: 'connecting', attempt: 0 };
  let ready: { cursor: string; heartbeat_ms: number } | undefined;
  return {
    get status() {
      return status;
    },
    keep(item: StreamItem): void {
      if (item.kind === 'status') {
        status = item.status;
        if (status.state !== 'connected') ready = undefined;
        return;
      }
      if (item.id !== undefined) {
        progress.position = item.id;
        progress.isNew(item.id);
      }
      if (item.event.type === 'ready') ready = item.event.data;
    },
    brief(): { items: StreamItem[] } {
      const items: StreamItem[] = [{ kind: 'status', status }];
      const { position } = progress;
      if (ready)
        items.push({
          kind: 'event',
          event: { type: 'ready', data: ready },
          ...(position === undefined ? {} : { id: position }),
        });
      return { items };
    },
  };
}

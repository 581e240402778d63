import type { ServerEvent } from '../protocol/index.ts';
import { makeListeners, type Listeners } from './listeners.ts';

/** Where a subscription stands. */
export type StreamStatus =
  | { state: 'connecting'; attempt: number }
  /**
   * Events flow: the server answered the stream with `200 text/event-stream`, or a polling round
   * succeeded. `heartbeatMs` is the stream's heartbeat (from its `ready`, clamped, see
   * `StreamTuning.minHeartbeatMs`; the default until then) or the polling interval. `resumable`: the
   * connection holds a position (from `ready` or an `id:` line), so a reconnect replays what it
   * missed; without one, every reconnect starts afresh and the consumer needs a new snapshot. A
   * stream reports `connected` again when it gains a position.
   */
  | { state: 'connected'; heartbeatMs: number; resumable?: boolean }
  /** Waiting until `at` (unix ms) before the next try. */
  | { state: 'reconnecting'; at: number; attempt: number; reason: string }
  /** Like reconnecting, but the device reports no network; the `online` event ends the wait. */
  | { state: 'offline'; at: number; attempt: number; reason: string }
  /**
   * The identity was refused and the loop has ended: HTTP 401/403, or for polling the JSON-RPC error
   * `rpcCode` (-32001) with the HTTP status of its answer.
   */
  | { state: 'unauthorized'; httpStatus: number; rpcCode?: number };

export type StreamItem =
  /** `id`: the position after this event (`<epoch>:<seq>`), where the transport has one; tabs relay it. */
  { kind: 'event'; event: ServerEvent; id?: string } | { kind: 'status'; status: StreamStatus };

/**
 * Items as they came: what one network read held, or a status on its own. Handing a burst on a batch
 * at a time costs one step of each async iteration per read rather than per event.
 */
export type StreamBatch = readonly StreamItem[];

export interface SubscriptionStats {
  /** Frames dropped because they failed validation. */
  badFrames: number;
  /** Frames of event types this client does not know (ignored). */
  ignoredFrames: number;
  /** Connections that reached the server and were answered 200. */
  connections: number;
}

export const STAT_KEYS = ['badFrames', 'ignoredFrames', 'connections'] as const;

/**
 * Who, among the tabs of a person, owes the side effects that must happen once per person (a desktop
 * notification, the outbox flush): the tab that leads the stream shared across them. A tab with a
 * stream of its own leads a stream of one, which relays to nobody.
 */
export interface Leadership {
  /** Whether this tab runs the real stream now: always, for a stream of its own. */
  readonly isLeader: boolean;
  /**
   * Called with `true` when this tab takes the lead and `false` when it lets go (never, for a stream of
   * its own); returns the unsubscribe.
   */
  onLeadershipChange(listener: (leading: boolean) => void): () => void;
  /**
   * Called in the leader with each item of the real stream as it arrives, before the tab's own
   * consumer takes it (a stream of its own: each item it reads); returns the unsubscribe.
   */
  onRelay(listener: (item: StreamItem) => void): () => void;
  /**
   * Tells the other tabs which chat this tab shows the person now: the open one while the page can
   * be seen, or none (`undefined`). The last word of a tab stands until it says another or leaves.
   * Nobody hears it from a stream of its own.
   */
  show(sid: string | undefined): void;
  /** Whether another tab of the identity said it shows chat `sid` (see `show`); false for a stream of its own. */
  shownElsewhere(sid: string): boolean;
}

/**
 * A long-lived subscription: iterate it (once) for events and status changes until the signal aborts
 * or the server refuses the identity; or iterate `batches()` instead.
 */
export interface Subscription extends AsyncIterable<StreamItem>, Leadership {
  /** The same items, a batch at a time (see `StreamBatch`): for a consumer of bursts. Iterate this or the subscription, once. */
  batches(): AsyncIterable<StreamBatch>;
  /** Skips the wait before the next reconnect. */
  retryNow(): void;
  /** The position the next connection resumes from (`<epoch>:<seq>`). */
  readonly lastEventId: string | undefined;
  readonly stats: Readonly<SubscriptionStats>;
}

export interface SubscribeOptions {
  /** Ends the subscription; nothing outlives it. */
  signal: AbortSignal;
  /** Resume after this position. */
  lastEventId?: string;
  /** Called once per bad frame with a readable reason (the first is also logged). */
  onBadFrame?: (reason: string) => void;
}

/**
 * The leadership of a stream of its own: it leads from the start and never lets go, nobody hears what
 * it shows, and its relay listeners are `relayed` (told each item it reads).
 */
export const leadingAlone = (relayed: Listeners<StreamItem>): Leadership => ({
  isLeader: true,
  onLeadershipChange: () => () => {},
  onRelay: relayed.add,
  show() {},
  shownElsewhere: () => false,
});

/**
 * Wraps a transport's loop as a `Subscription` that can be iterated once. Without `leadership`, a
 * stream of its own (`leadingAlone`).
 */
export function makeSubscription(parts: {
  name: string;
  /** The subscription's signal: item by item, nothing more of a batch is handed on once it aborts. */
  signal: AbortSignal;
  run: () => AsyncGenerator<StreamBatch>;
  retryNow: () => void;
  lastEventId: () => string | undefined;
  stats: SubscriptionStats;
  leadership?: Leadership;
}): Subscription {
  const relayed = makeListeners<StreamItem>('a relay listener');
  const { leadership = leadingAlone(relayed) } = parts;
  let started = false;
  const start = () => {
    if (started)
      throw new Error(
        `a subscription can be iterated once; call ${parts.name}() again for another`,
      );
    started = true;
    const batches = parts.run();
    return parts.leadership
      ? batches
      : (async function* () {
          for await (const batch of batches) {
            batch.forEach(relayed.tell);
            yield batch;
          }
        })();
  };
  return {
    // Who leads: read each time, as a shared stream's leader changes.
    ...leadership,
    get isLeader() {
      return leadership.isLeader;
    },
    [Symbol.asyncIterator]() {
      const batches = start();
      return (async function* () {
        for await (const batch of batches) {
          for (const item of batch) {
            yield item;
            if (parts.signal.aborted) return;
          }
        }
      })();
    },
    batches: start,
    retryNow: parts.retryNow,
    get lastEventId() {
      return parts.lastEventId();
    },
    stats: parts.stats,
  };
}

import type { Environment } from '../environment.ts';
import type { StreamItem, SubscribeOptions, Subscription } from '../subscription.ts';
import type { TabChannelConstructor, TabLocks } from './platform.ts';

export interface SharedStreamOptions extends SubscribeOptions {
  /** Lock and channel name (`sharedStreamName`). */
  name: string;
  /** The real subscription, which only the leader runs. */
  subscribe: (options: SubscribeOptions) => Subscription;
  locks: TabLocks;
  BroadcastChannel: TabChannelConstructor;
  /** Where `pagehide` and `pageshow` come from (the window). Default: none. */
  pageEvents?: EventTarget;
  /** This tab's id on the channel. Default: a random UUID. */
  tabId?: string;
  /** Clock, randomness, timers and visibility, for the watch on the leader. Default: the platform's. */
  environment?: Partial<Environment>;
  /** Where the lines about dropped relay messages and a leader replaced go. Default `console.warn`. */
  warn?: (message: string) => void;
  /**
   * Runs `fn` in a task of its own, soon: when the leader posts what it relayed. Default: a
   * `MessageChannel` message (unlike a timer, not throttled in a hidden tab).
   */
  nextTask?: (fn: () => void) => void;
}

/** A `Subscription` shared by the tabs of one identity, plus what side effects owned by one tab need. */
export interface SharedSubscription extends Subscription {
  /** Whether this tab runs the real stream now. */
  readonly isLeader: boolean;
  /** Called with `true` when this tab takes the lead and `false` when it lets go; returns the unsubscribe. */
  onLeadershipChange(listener: (leading: boolean) => void): () => void;
  /** Called in the leader with each item of the real stream as it is relayed; returns the unsubscribe. */
  onRelay(listener: (item: StreamItem) => void): () => void;
  /**
   * Tells the other tabs which chat this tab shows the person now: the open one while the page can
   * be seen, or none (`undefined`). The last word of a tab stands until it says another or leaves.
   */
  show(sid: string | undefined): void;
  /** Whether another tab of the identity said it shows chat `sid` (see `show`). */
  shownElsewhere(sid: string): boolean;
}

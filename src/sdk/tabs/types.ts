import type { Environment } from '../environment.ts';
import type { SubscribeOptions, Subscription } from '../subscription.ts';
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
   * Runs `fn` in a task of its own, soon: when the leader posts what it relayed; may answer the
   * function that cancels it. Default `afterTask` (a message: unlike a timer, not throttled in a
   * hidden tab).
   */
  nextTask?: (fn: () => void) => (() => void) | void;
}

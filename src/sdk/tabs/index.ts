import type { Environment } from '../environment.ts';
import type { Identity } from '../rpc.ts';
import type { SubscribeOptions, Subscription } from '../subscription.ts';
import { sharedStreamName } from './name.ts';
import type { TabChannelConstructor, TabLocks } from './platform.ts';
import { makeSharedSubscription } from './shared-subscription.ts';

export { makeSharedSubscription } from './shared-subscription.ts';
export type { TabChannel, TabChannelConstructor, TabLocks } from './platform.ts';
export type { SharedStreamOptions } from './types.ts';
export { normalizeOsisUrl, sharedStreamName } from './name.ts';
export { parseRelayMessage, RELAY_VERSION } from './relay.ts';
export type { RelayMessage } from './relay.ts';

/** What sharing a stream across tabs needs from the browser; each defaults to the platform's. */
export interface TabPlatform {
  /** Default `navigator.locks`. */
  locks?: TabLocks;
  /** Default the global `BroadcastChannel`. */
  BroadcastChannel?: TabChannelConstructor;
  /** Where `pagehide`/`pageshow` come from. Default the window. */
  pageEvents?: EventTarget;
  /** Resolves a relative osis-url for the name. Default `location.href`. */
  base?: string;
}

/**
 * Wraps `subscribe` (the real stream) so that the tabs of `identity` share one stream. Where Web
 * Locks or BroadcastChannel are missing (insecure origins, old browsers), answers
 * `subscribe` itself: each tab keeps its own stream.
 */
export function shareAcrossTabs(
  identity: Identity,
  subscribe: (options: SubscribeOptions) => Subscription,
  platform: TabPlatform = {},
  environment?: Partial<Environment>,
): (options: SubscribeOptions) => Subscription {
  const g = globalThis as typeof globalThis & {
    navigator?: { locks?: TabLocks | null };
    location?: { href: string };
  };
  const locks = platform.locks ?? g.navigator?.locks ?? undefined;
  const Channel =
    platform.BroadcastChannel ?? (g.BroadcastChannel as TabChannelConstructor | undefined);
  if (!locks || !Channel) return subscribe;
  const pageEvents =
    platform.pageEvents ??
    (typeof g.addEventListener === 'function' ? (g as unknown as EventTarget) : undefined);
  const name = sharedStreamName(identity, platform.base ?? g.location?.href);
  return (options) =>
    makeSharedSubscription({
      ...options,
      name,
      subscribe,
      locks,
      BroadcastChannel: Channel,
      pageEvents,
      environment,
    });
}

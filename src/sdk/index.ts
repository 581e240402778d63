export { createCommunicationClient } from './client.ts';
export type { ClientOptions, CommunicationClient } from './client.ts';
export { CommunicationError } from './errors.ts';
export type { CommunicationErrorKind } from './errors.ts';
export { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
export type { BackoffPolicy } from './backoff.ts';
export type { Environment } from './environment.ts';
export { afterTask } from './task.ts';
export { makeListeners } from './listeners.ts';
export type { Listeners } from './listeners.ts';
export type { StreamTuning } from './tuning.ts';
export type { PollOptions } from './poll.ts';
export type {
  Leadership,
  StreamBatch,
  StreamItem,
  StreamStatus,
  Subscription,
  SubscribeOptions,
  SubscriptionStats,
} from './subscription.ts';
export type { Identity } from './rpc.ts';
export { normalizeOsisUrl } from './tabs/index.ts';
export type { TabPlatform } from './tabs/index.ts';

export { createCommunicationClient } from './client.ts';
export type { ClientOptions, CommunicationClient } from './client.ts';
export { CommunicationError } from './errors.ts';
export type { CommunicationErrorKind } from './errors.ts';
export { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
export type { BackoffPolicy } from './backoff.ts';
export type { Environment } from './environment.ts';
export type { StreamTuning } from './tuning.ts';
export type { PollOptions } from './poll.ts';
export type {
  StreamBatch,
  StreamItem,
  StreamStatus,
  Subscription,
  SubscribeOptions,
  SubscriptionStats,
} from './subscription.ts';
export type { Identity } from './rpc.ts';
export { isSharedSubscription, normalizeOsisUrl } from './tabs/index.ts';
export type { SharedSubscription, TabPlatform } from './tabs/index.ts';

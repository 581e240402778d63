import type { ChatMessage, Contact, Conversation, RpcParams } from '../protocol/index.ts';
import { defaultEnvironment, type Environment } from './environment.ts';
import { listConversationPages } from './list.ts';
import { pollEvents, type PollOptions } from './poll.ts';
import { makeRpcCall, type Identity } from './rpc.ts';
import { subscribeEvents } from './stream.ts';
import { DEFAULT_STREAM_TUNING, type StreamTuning } from './tuning.ts';
import type { SubscribeOptions, Subscription } from './subscription.ts';
import { shareAcrossTabs, type TabPlatform } from './tabs/index.ts';

export interface ClientOptions extends Identity {
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Clock, random, timers, online and visibility detection; defaults are the platform's. */
  environment?: Partial<Environment>;
  /** Reconnect, timeout and watchdog knobs of both transports; defaults in `DEFAULT_STREAM_TUNING`. */
  tuning?: Partial<StreamTuning>;
  /**
   * How long an RPC waits for its answer (headers and body). Past it the call fails with a retryable
   * `network` error, so a server that accepts a request and never answers cannot hold a snapshot or
   * a send forever. Default 30,000 ms; 0 or Infinity: no deadline.
   */
  rpcTimeoutMs?: number;
  /**
   * Default `false`. When set, the tabs of this identity share one live stream: one tab
   * leads, the others consume its relay. Falls back to a stream per tab where Web Locks or
   * BroadcastChannel are missing. An object injects the platform parts (tests).
   */
  shareAcrossTabs?: boolean | TabPlatform;
}

/** A framework-free client of the OSIS `communication` domain. */
export interface CommunicationClient {
  readonly identity: Readonly<Identity>;
  /**
   * Every conversation of the caller, newest activity first, fetched in pages where the server pages
   * (100 rows, then 1,000 at a time) and checked a part at a time; `onFirst` gets the first page or
   * part (the newest conversations) before the rest is fetched and checked. Not called for a short list.
   */
  listConversations(
    signal?: AbortSignal,
    onFirst?: (first: Conversation[]) => void,
  ): Promise<Conversation[]>;
  getConversation(
    params: RpcParams<'conversation.get'>,
    signal?: AbortSignal,
  ): Promise<Conversation>;
  setConversation(
    params: RpcParams<'conversation.set'>,
    signal?: AbortSignal,
  ): Promise<Conversation>;
  listMessages(
    params: RpcParams<'conversation.list_messages'>,
    signal?: AbortSignal,
  ): Promise<ChatMessage[]>;
  sendMessage(
    params: RpcParams<'conversation.send_message'>,
    signal?: AbortSignal,
  ): Promise<ChatMessage>;
  markRead(
    params: RpcParams<'conversation.mark_read'>,
    signal?: AbortSignal,
  ): Promise<Conversation>;
  /** Edits an own message within `LIMITS.editWindowS` of sending it; answers the message as edited. */
  editMessage(
    params: RpcParams<'conversation.edit_message'>,
    signal?: AbortSignal,
  ): Promise<ChatMessage>;
  /** Deletes an own message for everyone; answers its tombstone. */
  deleteMessage(
    params: RpcParams<'conversation.delete_message'>,
    signal?: AbortSignal,
  ): Promise<ChatMessage>;
  /** Tells the other participants the caller is typing in `sid` (a notification: no result). */
  typing(params: RpcParams<'conversation.typing'>, signal?: AbortSignal): Promise<unknown>;
  listContacts(signal?: AbortSignal): Promise<Contact[]>;
  /** The live event stream (SSE), self-healing until `signal` aborts; shared by tabs if asked. */
  subscribe(options: SubscribeOptions): Subscription;
  /** The same interface over periodic polling: the baseline, and a fallback behind buffering proxies. */
  poll(options: PollOptions): Subscription;
}

export function createCommunicationClient(options: ClientOptions): CommunicationClient {
  const identity: Identity = {
    baseUrl: options.baseUrl,
    context: options.context,
    publicKey: options.publicKey,
  };
  const env = defaultEnvironment({
    ...options.environment,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const tuning = { ...DEFAULT_STREAM_TUNING, ...options.tuning };
  const call = makeRpcCall(identity, env.fetch, {
    timeoutMs: options.rpcTimeoutMs,
    setTimeout: env.setTimeout,
    clearTimeout: env.clearTimeout,
    pause: () => new Promise<void>((resolve) => void env.setTimeout(resolve, 0)),
  });
  const stream = (subscribeOptions: SubscribeOptions) =>
    subscribeEvents(identity, env, subscribeOptions, tuning);
  const share = options.shareAcrossTabs;
  const client: CommunicationClient = {
    identity,
    listConversations: (signal, onFirst) => listConversationPages(call, signal, onFirst),
    getConversation: (params, signal) => call('conversation.get', params, signal),
    setConversation: (params, signal) => call('conversation.set', params, signal),
    listMessages: (params, signal) => call('conversation.list_messages', params, signal),
    sendMessage: (params, signal) => call('conversation.send_message', params, signal),
    markRead: (params, signal) => call('conversation.mark_read', params, signal),
    editMessage: (params, signal) => call('conversation.edit_message', params, signal),
    deleteMessage: (params, signal) => call('conversation.delete_message', params, signal),
    typing: (params, signal) => call('conversation.typing', params, signal),
    listContacts: (signal) => call('contact.list', {}, signal),
    subscribe: share ? shareAcrossTabs(identity, stream, share === true ? {} : share, env) : stream,
    poll: (pollOptions) => pollEvents(client, env, pollOptions, tuning),
  };
  return client;
}

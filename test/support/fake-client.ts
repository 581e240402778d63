import type { ChatMessage, Conversation, RpcParams } from '../../src/protocol/index.ts';
import type {
  CommunicationClient,
  StreamItem,
  StreamStatus,
  Subscription,
  SubscriptionStats,
} from '../../src/sdk/index.ts';
import type { ServerEvent } from '../../src/protocol/index.ts';
import { makeListeners } from '../../src/sdk/listeners.ts';
import { leadingAlone } from '../../src/sdk/subscription.ts';

/** One RPC the code under test made; the test answers it. */
export interface FakeCall {
  method: string;
  params: unknown;
  signal: AbortSignal | undefined;
  settled: boolean;
  /** What the caller asked to be given the first part of a long list with (`listConversations`). */
  onFirst?: (first: never) => void;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A subscription the test feeds: `status`, `event`, `end` and `fail` hand items to the consumer in
 * order; `retries` counts `retryNow()` calls; `lastEventId` is what the test says it is.
 */
export interface FakeSubscription extends Subscription {
  status(status: StreamStatus): void;
  event(event: ServerEvent): void;
  /** Several events as one batch, as one network read of a burst brings them. */
  events(...events: ServerEvent[]): void;
  /** The loop ends (as after a 401, or a bug). */
  end(): void;
  /** The loop throws. */
  fail(error: unknown): void;
  retries: number;
  lastEventId: string | undefined;
  /** The options it was made with (the consumer's signal, …). */
  options: { signal: AbortSignal; openChat?: () => string | undefined } | undefined;
  /** Whether the consumer is iterating it. */
  readonly started: boolean;
}

/**
 * A `CommunicationClient` whose every RPC waits until the test answers it (`reply`, `failWith`), and
 * whose `subscribe()` / `poll()` hand out one `FakeSubscription`. No network, no timers of its own.
 */
export interface FakeClient extends CommunicationClient {
  readonly calls: FakeCall[];
  readonly subscription: FakeSubscription;
  /** Calls of `method` not answered yet, oldest first. */
  pending(method: string): FakeCall[];
  /** Answers the oldest unanswered call of `method`; throws when there is none (the test expected one). */
  reply(method: string, value: unknown): FakeCall;
  failWith(method: string, error: unknown): FakeCall;
  /** Which of subscribe/poll was called. */
  transport: 'sse' | 'poll' | undefined;
}

export function createFakeClient(publicKey = 'bob'): FakeClient {
  const calls: FakeCall[] = [];
  const call = <T>(
    method: string,
    params: unknown,
    signal?: AbortSignal,
    onFirst?: (first: never) => void,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const entry: FakeCall = {
        method,
        params,
        signal,
        onFirst,
        settled: false,
        resolve: (v) => ((entry.settled = true), resolve(v as T)),
        reject: (e) => ((entry.settled = true), reject(e)),
      };
      calls.push(entry);
    });
  const oldest = (method: string) => {
    const found = calls.find((c) => c.method === method && !c.settled);
    if (!found)
      throw new Error(
        `no unanswered ${method} call (calls: ${calls.map((c) => c.method).join(', ') || 'none'})`,
      );
    return found;
  };
  const subscription = createFakeSubscription();
  const client: FakeClient = {
    identity: { baseUrl: 'http://fake', context: 'ctx', publicKey },
    calls,
    subscription,
    transport: undefined,
    pending: (method) => calls.filter((c) => c.method === method && !c.settled),
    reply(method, value) {
      const c = oldest(method);
      c.resolve(value);
      return c;
    },
    failWith(method, error) {
      const c = oldest(method);
      c.reject(error);
      return c;
    },
    listConversations: (signal, onFirst) =>
      call<Conversation[]>('conversation.list', {}, signal, onFirst),
    getConversation: (params, signal) => call<Conversation>('conversation.get', params, signal),
    setConversation: (params, signal) => call<Conversation>('conversation.set', params, signal),
    listMessages: (params: RpcParams<'conversation.list_messages'>, signal) =>
      call<ChatMessage[]>('conversation.list_messages', params, signal),
    sendMessage: (params, signal) => call<ChatMessage>('conversation.send_message', params, signal),
    markRead: (params, signal) => call<Conversation>('conversation.mark_read', params, signal),
    editMessage: (params, signal) => call<ChatMessage>('conversation.edit_message', params, signal),
    deleteMessage: (params, signal) =>
      call<ChatMessage>('conversation.delete_message', params, signal),
    typing: (params, signal) => call<unknown>('conversation.typing', params, signal),
    listContacts: (signal) => call('contact.list', {}, signal),
    subscribe(options) {
      client.transport = 'sse';
      subscription.options = options;
      return subscription;
    },
    poll(options) {
      client.transport = 'poll';
      subscription.options = options;
      return subscription;
    },
  };
  return client;
}

function createFakeSubscription(): FakeSubscription {
  type Next = { items: StreamItem[] } | { end: true } | { error: unknown };
  const queue: Next[] = [];
  let wake: (() => void) | undefined;
  let started = false;
  const put = (next: Next) => {
    queue.push(next);
    wake?.();
  };
  const stats: SubscriptionStats = { badFrames: 0, ignoredFrames: 0, connections: 0 };
  // A stream of its own, like a transport's: it leads, and relays each batch it hands on.
  const relayed = makeListeners<StreamItem>('a relay listener');
  const alone = leadingAlone(relayed);
  const sub: FakeSubscription = {
    async *[Symbol.asyncIterator]() {
      for await (const batch of sub.batches()) yield* batch;
    },
    /** Each item put is a batch of its own; `events` puts several in one. */
    async *batches() {
      started = true;
      const signal = sub.options?.signal;
      const aborted = new Promise<void>((resolve) =>
        signal?.addEventListener('abort', () => resolve()),
      );
      for (;;) {
        while (queue.length === 0) {
          if (signal?.aborted) return;
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        }
        const next = queue.shift()!;
        if ('end' in next) return;
        if ('error' in next) throw next.error;
        if (sub.isLeader) for (const item of next.items) relayed.tell(item);
        yield next.items;
      }
    },
    status: (status) => put({ items: [{ kind: 'status', status }] }),
    event: (event) => put({ items: [{ kind: 'event', event }] }),
    events: (...events) => put({ items: events.map((event) => ({ kind: 'event', event })) }),
    end: () => put({ end: true }),
    fail: (error) => put({ error }),
    retries: 0,
    retryNow() {
      sub.retries++;
    },
    lastEventId: undefined,
    stats,
    options: undefined,
    get started() {
      return started;
    },
    isLeader: true,
    onLeadershipChange: alone.onLeadershipChange,
    onRelay: alone.onRelay,
    show: alone.show,
    shownElsewhere: alone.shownElsewhere,
  };
  return sub;
}

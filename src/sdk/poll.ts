import type { ChatMessage, Conversation } from '../protocol/index.ts';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import type { Environment } from './environment.ts';
import { makeWakeableWait } from './wait.ts';
import { CommunicationError } from './errors.ts';
import { makeSubscription, type StreamItem, type StreamStatus, type SubscribeOptions, type Subscription, type SubscriptionStats } from './subscription.ts';

export interface PollOptions extends SubscribeOptions {
  /** Default 2,000 ms. */
  intervalMs?: number;
  /** The chat whose messages to poll, asked before each round. */
  openChat?: () => string | undefined;
}

export interface PollingRpc {
  listConversations(signal?: AbortSignal): Promise<Conversation[]>;
  listMessages(params: { sid: string }, signal?: AbortSignal): Promise<ChatMessage[]>;
}

/**
 * The polling baseline: `conversation.list` and the open chat's newest messages every `intervalMs`,
 * turned into the same events the stream carries. Rows are compared by `seq`, so only changes go out.
 */
export function pollEvents(rpc: PollingRpc, env: Environment, options: PollOptions): Subscription {
  const { signal } = options;
  const intervalMs = options.intervalMs ?? 2000;
  const stats: SubscriptionStats = { badFrames: 0, ignoredFrames: 0, connections: 0 };
  const rowSeq = new Map<string, number>();
  const lastMessageSeq = new Map<string, number>();

  const wait = makeWakeableWait(env, signal);

  async function round(): Promise<StreamItem[]> {
    const items: StreamItem[] = [];
    const sid = options.openChat?.();
    if (sid !== undefined) {
      const messages = await rpc.listMessages({ sid }, signal);
      const after = lastMessageSeq.get(sid) ?? -1;
      for (const message of messages) {
        if (message.seq > after) items.push({ kind: 'event', event: { type: 'chatmessage.new', data: message } });
      }
      const newest = messages[messages.length - 1];
      if (newest) lastMessageSeq.set(sid, Math.max(after, newest.seq));
    }
    for (const row of await rpc.listConversations(signal)) {
      if (row.seq > (rowSeq.get(row.sid) ?? -1)) {
        rowSeq.set(row.sid, row.seq);
        items.push({ kind: 'event', event: { type: 'conversation.updated', data: row } });
      }
    }
    return items;
  }

  async function* run(): AsyncGenerator<StreamItem> {
    const status = (s: StreamStatus): StreamItem => ({ kind: 'status', status: s });
    let attempt = 0;
    let connected = false;
    yield status({ state: 'connecting', attempt });
    while (!signal.aborted) {
      let items: StreamItem[];
      try {
        items = await round();
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof CommunicationError && error.code === -32001) {
          yield status({ state: 'unauthorized', httpStatus: 401 });
          return;
        }
        connected = false;
        const delay = backoffDelay(attempt++, env.random, DEFAULT_BACKOFF);
        const state = env.isOnline() ? 'reconnecting' : 'offline';
        yield status({ state, at: env.now() + delay, attempt, reason: String((error as Error).message) });
        await wait.sleep(delay);
        continue;
      }
      if (!connected) {
        connected = true;
        attempt = 0;
        stats.connections++;
        yield status({ state: 'connected', heartbeatMs: intervalMs });
        yield { kind: 'event', event: { type: 'ready', data: { cursor: 'poll:0', heartbeat_ms: intervalMs } } };
      }
      for (const item of items) yield item;
      await wait.sleep(intervalMs);
    }
  }

  return makeSubscription({ name: 'poll', run, retryNow: () => wait.wake(), lastEventId: () => undefined, stats });
}

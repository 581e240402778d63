import { RpcErrorCode, type ChatMessage, type Conversation } from '../protocol/index.ts';
import type { Environment } from './environment.ts';
import { CommunicationError } from './errors.ts';
import { makeLoop, type AttemptContext, type AttemptOutcome } from './loop.ts';
import { errorText } from './rpc.ts';
import {
  makeSubscription,
  type StreamBatch,
  type StreamItem,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionStats,
} from './subscription.ts';
import { DEFAULT_STREAM_TUNING, type StreamTuning } from './tuning.ts';

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

/** The reason of the `resync` that opens every polling connection. */
export const POLL_RESYNC_REASON = 'polling keeps no stream position';

/**
 * The polling baseline on the stream's loop: `conversation.list` and the open chat's newest messages
 * every `intervalMs`, turned into the events the stream carries. Rows and messages are compared by
 * `seq`, so only changes go out.
 *
 * What it tells the consumer, honestly: polling has no stream position, so it never says `ready`
 * (which carries a cursor) and `lastEventId` stays undefined. Its first good round after
 * `connecting` yields `connected` (`heartbeatMs` is the polling interval) and then `resync`, the
 * contract's word for "what happened while you were away cannot be replayed: take a snapshot".
 * A round that fails or takes longer than `tuning.connectTimeoutMs` ends the connection, and the loop
 * retries with the same backoff as the stream. `-32001` (or HTTP 401/403) ends the loop as
 * `unauthorized`, with the answer's HTTP status and `rpcCode`.
 */
export function pollEvents(
  rpc: PollingRpc,
  env: Environment,
  options: PollOptions,
  tuning: StreamTuning = DEFAULT_STREAM_TUNING,
): Subscription {
  const intervalMs = options.intervalMs ?? 2000;
  const stats: SubscriptionStats = { badFrames: 0, ignoredFrames: 0, connections: 0 };
  // What the last round saw: each row as a version (its seq, or where the server has none, the row
  // itself), and the messages of the open chat's page, each with its last edit or deletion.
  const rowVersion = new Map<string, string>();
  const pageSids = new Map<string, Map<string, number | undefined>>();

  async function openChatMessages(sid: string, signal: AbortSignal): Promise<ChatMessage[]> {
    try {
      return await rpc.listMessages({ sid }, signal);
    } catch (error) {
      // A chat that is gone or no longer ours is the consumer's news (its snapshot says so), not a
      // broken connection: the rest of the round goes on.
      if (
        error instanceof CommunicationError &&
        (error.code === RpcErrorCode.NotFound || error.code === RpcErrorCode.NotParticipant)
      ) {
        return [];
      }
      throw error;
    }
  }

  async function round(signal: AbortSignal): Promise<StreamItem[]> {
    const items: StreamItem[] = [];
    const sid = options.openChat?.();
    if (sid !== undefined) {
      const messages = await openChatMessages(sid, signal);
      const seen = pageSids.get(sid);
      for (const message of messages) {
        if (!seen?.has(message.sid))
          items.push({ kind: 'event', event: { type: 'chatmessage.new', data: message } });
        else if (seen.get(message.sid) !== message.updated_seq)
          items.push({ kind: 'event', event: { type: 'chatmessage.updated', data: message } });
      }
      pageSids.set(sid, new Map(messages.map((m) => [m.sid, m.updated_seq])));
    }
    for (const row of await rpc.listConversations(signal)) {
      const version = row.seq === undefined ? JSON.stringify(row) : `${row.seq}`;
      if (rowVersion.get(row.sid) !== version) {
        rowVersion.set(row.sid, version);
        items.push({ kind: 'event', event: { type: 'conversation.updated', data: row } });
      }
    }
    return items;
  }

  async function* connect({
    signal,
    watchdog,
    sleep,
    expectAnswer,
  }: AttemptContext): AsyncGenerator<StreamBatch, AttemptOutcome> {
    let established = false;
    for (;;) {
      expectAnswer();
      let items: StreamItem[];
      try {
        items = await round(signal);
      } catch (error) {
        const refused = refusal(error);
        if (refused) return { kind: 'stop', status: refused };
        return { kind: 'retry', reason: errorText(error) };
      }
      watchdog.idle();
      if (!established) {
        established = true;
        stats.connections++;
        yield [
          { kind: 'status', status: { state: 'connected', heartbeatMs: intervalMs } },
          { kind: 'event', event: { type: 'resync', data: { reason: POLL_RESYNC_REASON } } },
        ];
      }
      if (items.length > 0) yield items;
      await sleep(intervalMs);
      if (signal.aborted) return { kind: 'retry', reason: 'aborted' };
    }
  }

  const loop = makeLoop(env, tuning, options.signal, connect);
  return makeSubscription({
    name: 'poll',
    signal: options.signal,
    run: loop.run,
    retryNow: loop.retryNow,
    lastEventId: () => undefined,
    stats,
  });
}

/** The `unauthorized` status for an RPC failure that refuses the identity, if it is one. */
function refusal(error: unknown): Extract<AttemptOutcome, { kind: 'stop' }>['status'] | undefined {
  if (!(error instanceof CommunicationError)) return undefined;
  if (error.code === RpcErrorCode.Unauthenticated) {
    return { state: 'unauthorized', httpStatus: error.status ?? 0, rpcCode: error.code };
  }
  if (error.kind === 'http' && (error.status === 401 || error.status === 403)) {
    return { state: 'unauthorized', httpStatus: error.status };
  }
  return undefined;
}

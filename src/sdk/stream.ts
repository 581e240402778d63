import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { parseCursor, parseEventData } from '../protocol/index.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import type { Environment } from './environment.ts';
import { makeWakeableWait } from './wait.ts';
import { errorText, identityHeaders, serviceUrl, type Identity } from './rpc.ts';
import { makeSubscription, type StreamItem, type StreamStatus, type SubscribeOptions, type Subscription, type SubscriptionStats } from './subscription.ts';

export interface StreamTuning {
  backoff: BackoffPolicy;
  /** A connection up this long resets the backoff. Default 30,000 ms. */
  stableMs: number;
  /** Heartbeat assumed until `ready` says otherwise. Default 15,000 ms. */
  initialHeartbeatMs: number;
  /** Silence of this many heartbeats is a dead connection. Default 2.5. */
  silenceFactor: number;
  /** Largest frame the parser buffers; past it the frame is dropped. Default 1 MiB. */
  maxFrameChars: number;
}

/** Characters of stream text parsed in one go. */
const FEED_CHARS = 16 * 1024;

export const DEFAULT_STREAM_TUNING: StreamTuning = {
  backoff: DEFAULT_BACKOFF,
  stableMs: 30_000,
  initialHeartbeatMs: 15_000,
  silenceFactor: 2.5,
  maxFrameChars: 1024 * 1024,
};

type Outcome = { kind: 'retry'; reason: string; upFor: number } | { kind: 'unauthorized'; httpStatus: number };

/**
 * The self-healing event stream of DESIGN §6: fetch + eventsource-parser, its own position, a watchdog,
 * backoff with full jitter, and a stop on 401/403.
 */
export function subscribeEvents(
  identity: Identity,
  env: Environment,
  options: SubscribeOptions,
  tuning: StreamTuning = DEFAULT_STREAM_TUNING,
): Subscription {
  const { signal } = options;
  const stats: SubscriptionStats = { badFrames: 0, ignoredFrames: 0, connections: 0 };
  let position = options.lastEventId;
  let warned = false;

  const wait = makeWakeableWait(env, signal);

  const badFrame = (reason: string) => {
    stats.badFrames++;
    options.onBadFrame?.(reason);
    if (!warned) {
      warned = true;
      console.warn(`[hero-messaging] dropped a bad event frame: ${reason}`);
    }
  };

  async function* connectOnce(): AsyncGenerator<StreamItem, Outcome> {
    const conn = new AbortController();
    const abortConn = () => conn.abort();
    // The consumer may have paused between two items and aborted meanwhile: never connect then.
    if (signal.aborted) conn.abort();
    else signal.addEventListener('abort', abortConn);
    let watchdog: unknown;
    let silent = false;
    let heartbeatMs = tuning.initialHeartbeatMs;
    let readyAt: number | undefined;
    let readyCursor: string | undefined;
    const arm = () => {
      env.clearTimeout(watchdog);
      watchdog = env.setTimeout(() => {
        silent = true;
        conn.abort();
      }, heartbeatMs * tuning.silenceFactor);
    };
    const retry = (reason: string): Outcome => ({
      kind: 'retry',
      reason,
      upFor: readyAt === undefined ? 0 : env.now() - readyAt,
    });
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...identityHeaders(identity) };
      if (position) headers['Last-Event-ID'] = position;
      let res: Response;
      try {
        res = await env.fetch(serviceUrl(identity, 'events'), { headers, signal: conn.signal, cache: 'no-store' });
      } catch (error) {
        return retry(`network error (${errorText(error)})`);
      }
      if (res.status === 401 || res.status === 403) {
        void res.body?.cancel().catch(() => {});
        return { kind: 'unauthorized', httpStatus: res.status };
      }
      if (!res.ok || !res.body) {
        void res.body?.cancel().catch(() => {});
        return retry(`HTTP ${res.status}`);
      }
      if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        void res.body.cancel().catch(() => {});
        return retry(`not an event stream (${res.headers.get('content-type') ?? 'no content type'})`);
      }
      stats.connections++;
      arm();

      const queue: StreamItem[] = [];
      let overflow = false;
      const onEvent = (frame: EventSourceMessage) => {
        const parsed = parseEventData(frame.data, frame.event);
        if (!parsed.ok) {
          if (parsed.error.kind === 'unknown_type') stats.ignoredFrames++;
          else badFrame(parsed.error.message);
          return;
        }
        const event = parsed.value;
        if (event.type === 'ready') {
          heartbeatMs = event.data.heartbeat_ms;
          readyAt = env.now();
          readyCursor = event.data.cursor;
          if (position === undefined) position = readyCursor;
          arm();
          queue.push({ kind: 'status', status: { state: 'connected', heartbeatMs } });
        } else if (event.type === 'resync') {
          // The old position is useless now; what follows this connection's ready is what counts.
          position = readyCursor ?? position;
        } else if (frame.id !== undefined && parseCursor(frame.id).ok) {
          position = frame.id;
        }
        queue.push({ kind: 'event', event, ...(position === undefined ? {} : { id: position }) });
      };
      const parser = createParser({
        onEvent,
        onError(error) {
          if (error.type === 'max-buffer-size-exceeded') {
            overflow = true;
            badFrame(`frame larger than ${tuning.maxFrameChars} characters`);
          }
        },
        maxBufferSize: tuning.maxFrameChars,
      });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (signal.aborted) return retry('aborted');
          return retry(silent ? `no data for ${tuning.silenceFactor} heartbeats` : `stream error (${errorText(error)})`);
        }
        if (chunk.done) return retry('stream ended');
        arm();
        // A large read (a backlog after a burst) is parsed a piece at a time, its events handed on
        // after each piece, so the consumer can pace itself instead of receiving thousands at once.
        const text = decoder.decode(chunk.value, { stream: true });
        for (let at = 0; at < text.length; at += FEED_CHARS) {
          try {
            parser.feed(text.slice(at, at + FEED_CHARS));
          } catch {
            overflow = true;
          }
          if (overflow) {
            overflow = false;
            parser.reset();
          }
          yield* queue.splice(0);
        }
      }
    } finally {
      env.clearTimeout(watchdog);
      signal.removeEventListener('abort', abortConn);
      conn.abort();
    }
  }

  async function* run(): AsyncGenerator<StreamItem> {
    const status = (s: StreamStatus): StreamItem => ({ kind: 'status', status: s });
    const onOnline = () => wait.wake();
    env.onlineEvents?.addEventListener('online', onOnline);
    try {
      let attempt = 0;
      while (!signal.aborted) {
        yield status({ state: 'connecting', attempt });
        const outcome = yield* connectOnce();
        if (signal.aborted) return;
        if (outcome.kind === 'unauthorized') {
          yield status({ state: 'unauthorized', httpStatus: outcome.httpStatus });
          return;
        }
        if (outcome.upFor >= tuning.stableMs) attempt = 0;
        const delay = backoffDelay(attempt, env.random, tuning.backoff);
        attempt++;
        const at = env.now() + delay;
        const state = env.isOnline() ? 'reconnecting' : 'offline';
        yield status({ state, at, attempt, reason: outcome.reason });
        if (signal.aborted) return;
        await wait.sleep(delay);
      }
    } finally {
      env.onlineEvents?.removeEventListener('online', onOnline);
    }
  }

  return makeSubscription({ name: 'subscribe', run, retryNow: () => wait.wake(), lastEventId: () => position, stats });
}

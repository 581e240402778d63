import { parseCursor, parseEventData } from '../protocol/index.ts';
import type { Environment } from './environment.ts';
import { makeLoop, type AttemptContext, type AttemptOutcome } from './loop.ts';
import { mediaType, redirectRefusal } from './response.ts';
import { makeSseParser, type SseFrame } from './sse.ts';
import { errorText, identityHeaders, serviceUrl, type Identity } from './rpc.ts';
import {
  makeSubscription,
  type StreamBatch,
  type StreamItem,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionStats,
} from './subscription.ts';
import { clampHeartbeat, DEFAULT_STREAM_TUNING, type StreamTuning } from './tuning.ts';

export { DEFAULT_STREAM_TUNING, type StreamTuning } from './tuning.ts';

/** Characters of stream text parsed in one go. */
const FEED_CHARS = 16 * 1024;

const EVENT_STREAM = 'text/event-stream';

const retry = (reason: string): AttemptOutcome => ({ kind: 'retry', reason });

/**
 * The self-healing event stream on the shared loop: fetch + an event-stream parser, its own
 * position, a connect timeout and a silence watchdog, and a stop on 401/403.
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

  const badFrame = (reason: string) => {
    stats.badFrames++;
    options.onBadFrame?.(reason);
    if (!warned) {
      warned = true;
      console.warn(`[hero-messaging] dropped a bad event frame: ${reason}`);
    }
  };

  // Every early return leaves the body to the loop, which aborts the request after each attempt.
  async function* connect({
    signal: connection,
    watchdog,
    expectAnswer,
  }: AttemptContext): AsyncGenerator<StreamBatch, AttemptOutcome> {
    expectAnswer();
    const headers: Record<string, string> = { Accept: EVENT_STREAM, ...identityHeaders(identity) };
    if (position) headers['Last-Event-ID'] = position;
    let res: Response;
    try {
      res = await env.fetch(serviceUrl(identity, 'events'), {
        headers,
        signal: connection,
        cache: 'no-store',
        redirect: 'manual',
      });
    } catch (error) {
      return retry(`network error (${errorText(error)})`);
    }
    const redirected = redirectRefusal(res);
    if (redirected) return retry(redirected);
    if (res.status === 401 || res.status === 403)
      return { kind: 'stop', status: { state: 'unauthorized', httpStatus: res.status } };
    if (!res.ok || !res.body) return retry(`HTTP ${res.status}`);
    const contentType = res.headers.get('content-type');
    if (mediaType(contentType) !== EVENT_STREAM) {
      const given =
        contentType === null ? 'no Content-Type' : `Content-Type is ${JSON.stringify(contentType)}`;
      return retry(`not an event stream: ${given}, expected ${EVENT_STREAM}`);
    }
    stats.connections++;
    const silence = `no data for ${tuning.silenceFactor} heartbeats`;
    // Up on the answer: a server that sends no `ready` is heard by the default heartbeat.
    let heartbeatMs = tuning.initialHeartbeatMs;
    let resumable = position !== undefined;
    let said = heartbeatMs;
    watchdog.expect(heartbeatMs * tuning.silenceFactor, silence);
    const queue: StreamItem[] = [
      { kind: 'status', status: { state: 'connected', heartbeatMs, resumable } },
    ];

    let readyCursor: string | undefined;
    const onFrame = (frame: SseFrame) => {
      const parsed = parseEventData(frame.data, frame.event);
      if (!parsed.ok) {
        if (parsed.error.kind === 'unknown_type') stats.ignoredFrames++;
        else badFrame(parsed.error.message);
        return;
      }
      const event = parsed.value;
      if (event.type === 'ready') {
        heartbeatMs = clampHeartbeat(event.data.heartbeat_ms, tuning);
        readyCursor = event.data.cursor;
        if (position === undefined) position = readyCursor;
        watchdog.expect(heartbeatMs * tuning.silenceFactor, silence);
      } else if (event.type === 'resync') {
        // The old position is useless now; what follows this connection's ready is what counts.
        position = readyCursor ?? position;
      } else if (frame.id !== undefined && parseCursor(frame.id).ok) {
        position = frame.id;
      }
      // Said again when the connection gains a position to resume from (its `ready`, or a first
      // `id:`), or a heartbeat of its own.
      if ((!resumable && position !== undefined) || heartbeatMs !== said) {
        resumable = position !== undefined;
        said = heartbeatMs;
        queue.push({ kind: 'status', status: { state: 'connected', heartbeatMs, resumable } });
      }
      queue.push({ kind: 'event', event, ...(position === undefined ? {} : { id: position }) });
    };
    const feed = makeSseParser(
      onFrame,
      () => badFrame(`frame larger than ${tuning.maxFrameChars} characters`),
      tuning.maxFrameChars,
    );
    yield queue.splice(0);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return retry(signal.aborted ? 'aborted' : `stream error (${errorText(error)})`);
      }
      if (chunk.done) return retry('stream ended');
      watchdog.activity();
      // A large read (a backlog after a burst) is parsed a piece at a time, its events handed on as
      // one batch after each piece, so the consumer can pace itself instead of receiving thousands at once.
      const text = decoder.decode(chunk.value, { stream: true });
      for (let at = 0; at < text.length; at += FEED_CHARS) {
        feed(text.slice(at, at + FEED_CHARS));
        if (queue.length > 0) yield queue.splice(0);
      }
    }
  }

  const loop = makeLoop(env, tuning, signal, connect);
  return makeSubscription({
    name: 'subscribe',
    signal,
    run: loop.run,
    retryNow: loop.retryNow,
    lastEventId: () => position,
    stats,
  });
}

import { backoffDelay } from './backoff.ts';
import type { Environment } from './environment.ts';
import { errorText } from './rpc.ts';
import type { StreamBatch, StreamStatus } from './subscription.ts';
import { formatDuration, type StreamTuning } from './tuning.ts';
import { makeWakeableWait } from './wait.ts';
import { makeWatchdog, type Watchdog } from './watchdog.ts';

/** How one attempt ended: try again after a wait, or stop for good (the identity was refused). */
export type AttemptOutcome =
  | { kind: 'retry'; reason: string }
  | { kind: 'stop'; status: Extract<StreamStatus, { state: 'unauthorized' }> };

/** What the loop hands each attempt. */
export interface AttemptContext {
  /** Aborts when the subscription ends, the watchdog fires, or the attempt is over. */
  readonly signal: AbortSignal;
  /** Counts the peer's silence; the loop pauses it while the consumer holds an item. */
  readonly watchdog: Watchdog;
  /** A wait that `retryNow`, the `online` event and the page becoming visible end early. */
  sleep(ms: number): Promise<void>;
  /** Starts the watchdog's wait for an answer: past `tuning.connectTimeoutMs` the attempt is abandoned. */
  expectAnswer(): void;
}

/**
 * One connection of a transport: yields its items in batches (`StreamBatch`), a `connected` status
 * once it is established, and returns why it ended. It never throws on purpose; if it does, the loop retries.
 */
export type Attempt = (context: AttemptContext) => AsyncGenerator<StreamBatch, AttemptOutcome>;

export interface Loop {
  run(): AsyncGenerator<StreamBatch>;
  /** Ends the current wait, if there is one. */
  retryNow(): void;
}

/**
 * The supervised loop that every transport runs, so they cannot drift: `connecting`,
 * the attempt, then `reconnecting` (or `offline`) with backoff from `tuning`, reset once a connection
 * stayed up `tuning.stableMs`; `retryNow`, the `online` event and the page becoming visible skip the
 * wait; a refusal ends the loop; abort ends it at once, leaving no timer, listener or request behind.
 */
export function makeLoop(
  env: Environment,
  tuning: StreamTuning,
  signal: AbortSignal,
  attempt: Attempt,
): Loop {
  const wait = makeWakeableWait(env, signal);
  const status = (s: StreamStatus): StreamBatch => [{ kind: 'status', status: s }];

  async function* run(): AsyncGenerator<StreamBatch> {
    let watchdog: Watchdog | undefined;
    const onOnline = () => wait.wake();
    const onVisibility = () => {
      if (!env.isVisible()) return;
      wait.wake();
      // Timers of a hidden page may not have run for minutes: look now.
      watchdog?.check();
    };
    env.onlineEvents?.addEventListener('online', onOnline);
    env.visibilityEvents?.addEventListener('visibilitychange', onVisibility);
    try {
      let failures = 0;
      while (!signal.aborted) {
        yield status({ state: 'connecting', attempt: failures });
        // The consumer may have paused on that item and aborted meanwhile: never connect then.
        if (signal.aborted) return;
        const connection = new AbortController();
        const abort = () => connection.abort();
        signal.addEventListener('abort', abort);
        const dog = makeWatchdog(env, abort);
        watchdog = dog;
        const expectAnswer = () =>
          dog.expect(
            tuning.connectTimeoutMs,
            `no response within ${formatDuration(tuning.connectTimeoutMs)}`,
          );
        const steps = attempt({
          signal: connection.signal,
          watchdog: dog,
          sleep: wait.sleep,
          expectAnswer,
        });
        let upSince: number | undefined;
        let outcome: AttemptOutcome;
        try {
          for (;;) {
            const step = await steps.next();
            if (step.done) {
              outcome = step.value;
              break;
            }
            const batch = step.value;
            if (
              upSince === undefined &&
              batch.some((item) => item.kind === 'status' && item.status.state === 'connected')
            )
              upSince = env.now();
            dog.pause();
            yield batch;
            // The consumer may have aborted while it held the batch: nothing more for it.
            if (signal.aborted) return;
            dog.resume();
          }
        } catch (error) {
          outcome = { kind: 'retry', reason: `internal error (${errorText(error)})` };
        } finally {
          dog.stop();
          watchdog = undefined;
          signal.removeEventListener('abort', abort);
          connection.abort();
          // Runs the attempt's own cleanup when the consumer stopped iterating midway; nothing it throws
          // crosses the loop.
          try {
            await steps.return(undefined as never);
          } catch (error) {
            console.warn(`[hero-messaging] an attempt's cleanup failed: ${errorText(error)}`);
          }
        }
        if (signal.aborted) return;
        if (outcome.kind === 'stop') {
          yield status(outcome.status);
          return;
        }
        if (upSince !== undefined && env.now() - upSince >= tuning.stableMs) failures = 0;
        const delay = backoffDelay(failures, env.random, tuning.backoff);
        failures++;
        yield status({
          state: env.isOnline() ? 'reconnecting' : 'offline',
          at: env.now() + delay,
          attempt: failures,
          reason: dog.fired ?? outcome.reason,
        });
        if (signal.aborted) return;
        await wait.sleep(delay);
      }
    } finally {
      env.onlineEvents?.removeEventListener('online', onOnline);
      env.visibilityEvents?.removeEventListener('visibilitychange', onVisibility);
    }
  }

  return { run, retryNow: () => wait.wake() };
}

import { RpcErrorCode } from '../protocol/index.ts';
import { backoffDelay, CommunicationError } from '../sdk/index.ts';
import type { SessionEnvironment } from './environment.ts';

/** A wait between failed tries, on the island's one backoff (base 1 s, factor 2, cap 30 s, full jitter). */
export interface RetryWait {
  /** Runs `fn` after the next, longer delay, replacing a wait already set; answers the delay. */
  after(fn: () => void): number;
  /** A wait is set. */
  readonly waiting: boolean;
  /** Ends the wait now and runs its function; does nothing when none is set. */
  now(): void;
  /** Back to the shortest delay (after a success). */
  reset(): void;
  /** Failures since the last success. */
  readonly failures: number;
  /** Drops the wait. */
  cancel(): void;
}

export function makeRetryWait(env: SessionEnvironment): RetryWait {
  let attempt = 0;
  let timer: unknown;
  let pending: (() => void) | undefined;
  const cancel = () => {
    if (pending) env.clearTimeout(timer);
    pending = undefined;
  };
  return {
    after(fn) {
      cancel();
      const delay = backoffDelay(attempt++, env.random);
      pending = fn;
      timer = env.setTimeout(() => {
        pending = undefined;
        fn();
      }, delay);
      return delay;
    },
    get waiting() {
      return pending !== undefined;
    },
    now() {
      const fn = pending;
      cancel();
      fn?.();
    },
    reset: () => void (attempt = 0),
    get failures() {
      return attempt;
    },
    cancel,
  };
}

/** An error's message for a log line. */
export const reason = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Whether trying again as it is may help: network trouble or a server error, not a refusal. */
export const worthRetrying = (error: unknown): boolean =>
  !(error instanceof CommunicationError) || error.retryable;

/** Whether the server answered that it has no such method: a smaller server, not a failure. */
export const isMissingMethod = (error: unknown): boolean =>
  error instanceof CommunicationError && error.code === RpcErrorCode.MethodNotFound;

import type { Environment } from './environment.ts';

/** The longest delay a platform timer keeps (2^31 − 1 ms); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Notices a peer that has gone silent. It goes by the clock (`env.now()`), not by when its timer
 * fires: a timer that fires late (a throttled hidden tab, a device that slept) neither kills a peer
 * that was heard meanwhile nor spares one that was not. Time the consumer spends holding an item
 * (`pause` … `resume`) is not silence: nothing is read then, so the peer cannot be heard.
 */
export interface Watchdog {
  /** From now on allow `ms` of silence; past it the watchdog fires, giving `reason`. */
  expect(ms: number, reason: string): void;
  /** The peer was heard: the silence starts again. */
  activity(): void;
  /** Not waiting on the peer (between polling rounds): nothing counts until the next `expect`. */
  idle(): void;
  pause(): void;
  /** Reading again after a pause: the silence starts now. */
  resume(): void;
  /** Compares the clock with the last sign of life now, without waiting for the timer. */
  check(): void;
  /** Why it fired, once it has. */
  readonly fired: string | undefined;
  /** Clears its timer for good. */
  stop(): void;
}

export function makeWatchdog(env: Environment, onFire: () => void): Watchdog {
  let limit = Infinity;
  let reason = '';
  let since = env.now();
  let paused = false;
  let stopped = false;
  let fired: string | undefined;
  let timer: unknown;
  let armed = false;

  const disarm = () => {
    if (armed) env.clearTimeout(timer);
    armed = false;
  };
  // One timer at a time, re-armed only when it fires: activity costs no timer calls.
  const arm = (ms: number) => {
    disarm();
    armed = true;
    timer = env.setTimeout(
      () => {
        armed = false;
        check();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms))),
    );
  };

  function check(): void {
    if (stopped || fired !== undefined || limit === Infinity) return;
    if (paused) {
      if (!armed) arm(limit);
      return;
    }
    const silent = env.now() - since;
    if (silent >= limit) {
      fired = reason;
      disarm();
      onFire();
    } else if (!armed) {
      arm(limit - silent);
    }
  }

  return {
    expect(ms, why) {
      limit = ms;
      reason = why;
      since = env.now();
      disarm();
      check();
    },
    activity() {
      since = env.now();
    },
    idle() {
      limit = Infinity;
      disarm();
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      since = env.now();
    },
    check,
    get fired() {
      return fired;
    },
    stop() {
      stopped = true;
      disarm();
    },
  };
}

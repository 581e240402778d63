import type { Environment } from '../environment.ts';

/** Silence from the leader after which a follower asks it (`ping`), or up to twice as long by chance. */
export const QUIET_MS = 1000;
/** How long a visible follower waits for the answer before it takes over; twice as long in a hidden tab. */
export const ANSWER_MS = 2000;
/** How late past the moment it gave a leader may be to try the stream again before a visible follower takes over. */
export const LATE_MS = 1000;

export interface LeaderWatch {
  /** Watches from now on (a follower). */
  start(): void;
  /** Stops watching, leaving no timer behind (the tab leads or leaves). */
  stop(): void;
  /** The leader said something: it runs. */
  heard(): void;
  /** Another follower asked the leader: its answer will do for this tab too. */
  asked(): void;
  /** The leader waits to try the stream again until `at` (unix ms), or (`undefined`) does not wait. */
  waiting(at: number | undefined): void;
}

/**
 * A follower's watch on its leader, whose script may stop (a debugger, a busy loop, `alert()`, a
 * frozen tab) while it holds the lock, or whose timers the browser may hold back (a hidden tab: once a
 * minute under Chrome's intensive throttling).
 *
 * A leader says nothing unless asked: after a silence of `QUIET_MS` to twice that (by chance, so that
 * the followers do not all ask at once: one that hears another ask waits for that answer), the
 * follower pings, and a leader whose script runs answers at once (a message is not a timer: a hidden,
 * throttled tab answers it too). Without an answer in `ANSWER_MS`, the follower takes over
 * (`takeOver`). A hidden tab waits twice as long, and each waits up to half a second more by chance,
 * so that a visible tab moves first and the others hear its `call` before they move.
 *
 * A leader that is `LATE_MS` past the moment it said it would reconnect has its timers held back: a
 * visible follower takes over, so that the person looking at a tab does not wait on a hidden one (a
 * hidden follower leaves it be: the page becoming visible sends `retry`, which a leader answers at once).
 *
 * Goes by the clock, not by when its timer fires: a timer that fires late (a throttled follower)
 * counts what was heard meanwhile.
 */
export function makeLeaderWatch(
  env: Pick<Environment, 'now' | 'random' | 'setTimeout' | 'clearTimeout' | 'isVisible'>,
  takeOver: (why: string) => void,
  ping: () => void,
): LeaderWatch {
  let heardAt = 0;
  let quietFor = 0;
  // When this tab (or another follower) asked, and how long this tab waits for the answer.
  let askedAt: number | undefined;
  let patience = 0;
  let lateAt: number | undefined;
  let timer: unknown;

  const ask = () => {
    askedAt = env.now();
    patience = ANSWER_MS * (env.isVisible() ? 1 : 2) + env.random() * 500;
  };

  function check(): void {
    timer = undefined;
    const now = env.now();
    if (lateAt !== undefined && now >= lateAt) {
      lateAt = undefined;
      if (env.isVisible()) return takeOver('the leading tab is late to reconnect');
    }
    if (askedAt === undefined) {
      if (now - heardAt >= quietFor) {
        ask();
        ping();
      }
    } else if (now - askedAt >= patience) {
      askedAt = undefined;
      return takeOver('the leading tab did not answer');
    }
    const next = askedAt === undefined ? heardAt + quietFor : askedAt + patience;
    timer = env.setTimeout(check, Math.min(next, lateAt ?? next) - now);
  }

  const heard = () => {
    heardAt = env.now();
    quietFor = QUIET_MS * (1 + env.random());
    askedAt = undefined;
  };
  const stop = () => {
    if (timer !== undefined) env.clearTimeout(timer);
    timer = undefined;
    askedAt = undefined;
    lateAt = undefined;
  };
  return {
    start() {
      stop();
      heard();
      check();
    },
    stop,
    heard,
    asked() {
      if (askedAt === undefined && timer !== undefined) ask();
    },
    waiting(at) {
      lateAt = at === undefined ? undefined : at + LATE_MS;
      if (timer === undefined) return;
      // Looks again now, to be woken at the earlier of the two moments.
      env.clearTimeout(timer);
      check();
    },
  };
}

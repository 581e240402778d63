import type { Environment } from '../environment.ts';

/** Silence from the leader after which a follower asks it (`ping`), or up to twice as long by chance. */
export const QUIET_MS = 1000;
/** How long a visible follower waits for the answer before it takes over; twice as long in a hidden tab. */
export const ANSWER_MS = 2000;

export interface LeaderWatch {
  /** Watches from now on (a follower). */
  start(): void;
  /** Stops watching, leaving no timer behind (the tab leads or leaves). */
  stop(): void;
  /** The leader said something: it runs. */
  heard(): void;
  /** Another follower asked the leader: its answer will do for this tab too. */
  asked(): void;
}

/**
 * A follower's watch on its leader, whose script may stop (a debugger, a busy loop, `alert()`, a
 * frozen tab) while it holds the lock. A leader says nothing unless asked: after a silence of
 * `QUIET_MS` to twice that (by chance, so that the followers do not all ask at once: one that hears
 * another ask waits for that answer), the follower pings, and a leader whose script runs answers at
 * once (a message is not a timer: a hidden, throttled tab answers it too). Without an answer in
 * `ANSWER_MS`, the follower takes over (`takeOver`). A hidden tab waits twice as long, and each waits
 * up to half a second more by chance, so that a visible tab moves first and the others hear its `call`
 * before they move. Goes by the clock, not by when its timer fires: a timer that fires late (a
 * throttled follower) counts what was heard meanwhile.
 */
export function makeLeaderWatch(
  env: Pick<Environment, 'now' | 'random' | 'setTimeout' | 'clearTimeout' | 'isVisible'>,
  actions: { ping(): void; takeOver(): void },
): LeaderWatch {
  let heardAt = 0;
  let quietFor = 0;
  // When this tab (or another follower) asked, and how long this tab waits for the answer.
  let askedAt: number | undefined;
  let patience = 0;
  let timer: unknown;

  const arm = (ms: number) => void (timer = env.setTimeout(check, ms));
  const ask = () => {
    askedAt = env.now();
    patience = ANSWER_MS * (env.isVisible() ? 1 : 2) + env.random() * 500;
  };

  function check(): void {
    const now = env.now();
    if (askedAt === undefined) {
      const quiet = now - heardAt;
      if (quiet < quietFor) return arm(quietFor - quiet);
      ask();
      actions.ping();
      return arm(patience);
    }
    const waited = now - askedAt;
    if (waited < patience) return arm(patience - waited);
    timer = undefined;
    askedAt = undefined;
    actions.takeOver();
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
  };
  return {
    start() {
      stop();
      heard();
      arm(quietFor);
    },
    stop,
    heard,
    asked() {
      if (askedAt === undefined && timer !== undefined) ask();
    },
  };
}

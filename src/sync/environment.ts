import type { Environment } from '../sdk/index.ts';

/**
 * Runs `run` later; answers a function that cancels it. A publication's `run` answers how many
 * changes it published, so that a schedule can tell a burst (many per publication) from a chat;
 * `pending`, if given, answers how many wait for it so far, so that a schedule can tell when they
 * stop coming.
 */
export type Schedule = (run: () => number | void, pending?: () => number) => () => void;

/**
 * What crosses the session's boundary with the world: the SDK's clock, randomness and timers, plus
 * what the page decides (visibility, when to render). `sync/` knows nothing of the DOM: the UI passes
 * the document's visibility and its frame scheduler; tests pass fakes.
 */
export interface SessionEnvironment extends Pick<
  Environment,
  'now' | 'random' | 'setTimeout' | 'clearTimeout'
> {
  /** Whether the person can see the island (chats are marked read only then). Default: always. */
  isVisible: () => boolean;
  /** Where `visibilitychange` events come from. Default: none. */
  visibilityEvents?: EventTarget;
  /** Where `storage` events come from (other tabs' writes to the outbox). Default: none. */
  storageEvents?: EventTarget;
  /** When a change to the store reaches the screen. Default: after the current task. */
  schedulePublish: Schedule;
  /** Resolves in a later task, so the page renders and answers input between slices of a backlog. Default: a 0 ms timer. */
  nextTask: () => Promise<void>;
  /** A fresh nonce for a send. Default `crypto.randomUUID()`. */
  newNonce: () => string;
}

/** The platform's defaults, with `overrides` on top. Timers are looked up at call time, so fake timers are honoured. */
export function sessionEnvironment(
  overrides: Partial<SessionEnvironment> = {},
): SessionEnvironment {
  const g = globalThis;
  const base = {
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (fn: () => void, ms: number): unknown => g.setTimeout(fn, ms),
    clearTimeout: (handle: unknown) => g.clearTimeout(handle as ReturnType<typeof setTimeout>),
    ...overrides,
  };
  return {
    isVisible: () => true,
    schedulePublish: (run) => {
      const timer = base.setTimeout(run, 0);
      return () => base.clearTimeout(timer);
    },
    nextTask: () => new Promise<void>((resolve) => void base.setTimeout(resolve, 0)),
    newNonce: () => crypto.randomUUID(),
    ...base,
  };
}

/** Listens for the page becoming visible; answers the function that stops listening. */
export function onBecomingVisible(env: SessionEnvironment, listener: () => void): () => void {
  const handler = () => {
    if (env.isVisible()) listener();
  };
  env.visibilityEvents?.addEventListener('visibilitychange', handler);
  return () => env.visibilityEvents?.removeEventListener('visibilitychange', handler);
}

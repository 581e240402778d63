import type { Conversation } from '../../src/protocol/index.ts';
import { sessionEnvironment, type SessionEnvironment } from '../../src/sync/index.ts';

/** Publishes every store change as it is made, so assertions see it at once. */
export const atOnce = (run: () => void) => {
  run();
  return () => {};
};

/**
 * A session environment for unit tests under `vi.useFakeTimers()`: the platform timers (faked),
 * jitter fixed at 0.5 (so backoff delays are 500 ms, 1000 ms, …), a visibility the test switches,
 * nonces n1, n2, ….
 */
export function testEnvironment(overrides: Partial<SessionEnvironment> = {}) {
  const visibility = new EventTarget();
  let visible = true;
  let nonces = 0;
  const env = sessionEnvironment({
    random: () => 0.5,
    isVisible: () => visible,
    visibilityEvents: visibility,
    schedulePublish: atOnce,
    newNonce: () => `n${++nonces}`,
    ...overrides,
  });
  return {
    env,
    /** Hides or shows the page, with the `visibilitychange` event a browser sends. */
    setVisible(next: boolean) {
      visible = next;
      visibility.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

/** A conversation row of `bob`'s. */
export const row = (sid: string, overrides: Partial<Conversation> = {}): Conversation => ({
  sid,
  name: '',
  participant_keys: ['alice', 'bob'],
  last_message: '',
  last_message_time: 0,
  unread_count: 0,
  created_at: 1_700_000_000,
  seq: 1,
  ...overrides,
});

/** A schedule that publishes only when the test says (`run`), and tells how many wait. */
export function manualSchedule() {
  const queued: (() => number | void)[] = [];
  return {
    schedule: (flush: () => number | void) => {
      queued.push(flush);
      return () => queued.splice(queued.indexOf(flush), 1);
    },
    /** Runs what is scheduled; answers how many changes each publication said it carried. */
    run: () => queued.splice(0).map((flush) => flush()),
    get pending() {
      return queued.length;
    },
  };
}

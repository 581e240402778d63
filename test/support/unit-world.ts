import type { SessionEnvironment } from '../../src/sync/index.ts';
import { initialState, type ChatState } from '../../src/sync/state.ts';
import { createChatStore } from '../../src/sync/store.ts';
import { createFakeClient } from './fake-client.ts';
import { atOnce, testEnvironment } from './session-env.ts';

/**
 * What one part of the session (snapshotter, read marker, contacts, sender, …) is made with: a fake
 * client that waits for the test's answers, a store of `state` (default: bob's, empty) that publishes
 * at once, the test environment (`testEnvironment`, for fake timers) and the session's abort
 * controller. `parts` spreads into the part's options:
 *
 * @example
 * const { client, store, parts } = createUnitWorld(openChat(initialState('bob'), 'c1'));
 * const contacts = makeContacts(parts);
 */
export function createUnitWorld(
  state: ChatState = initialState('bob'),
  environment: Partial<SessionEnvironment> = {},
) {
  const client = createFakeClient();
  const store = createChatStore(state, { schedule: atOnce });
  const controller = new AbortController();
  const { env, setVisible } = testEnvironment(environment);
  return {
    client,
    store,
    controller,
    env,
    /** Hides or shows the page (see `testEnvironment`). */
    setVisible,
    parts: { client, store, env, signal: controller.signal },
  };
}

import { makeListeners } from '../../src/sdk/listeners.ts';
import type { FakeClient } from './fake-client.ts';

/**
 * Makes `client.subscription` lead or follow as the stream shared across tabs does (`isLeader`,
 * `onLeadershipChange`): it relays the batches it hands on (`onRelay`) only while it leads.
 * Leadership is the test's to give and take (`lead`); nothing is relayed to other tabs (each fake
 * tab is fed by its test), and no other tab shows a chat (`show` is heard by nobody,
 * `shownElsewhere` is always false).
 */
export function shareFakeStream(client: FakeClient, leading: boolean) {
  const sub = client.subscription;
  const leadership = makeListeners<boolean>('a leadership listener');
  let leader = leading;
  Object.defineProperty(sub, 'isLeader', { get: () => leader });
  sub.onLeadershipChange = leadership.add;
  return {
    lead(next: boolean) {
      leader = next;
      leadership.tell(next);
    },
  };
}

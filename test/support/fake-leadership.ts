import type { StreamItem } from '../../src/sdk/index.ts';
import type { FakeClient } from './fake-client.ts';

/**
 * Makes `client.subscription` look shared across tabs (`isSharedSubscription`), as the real one in
 * `src/sdk/tabs` does to its consumer: `isLeader`, `onLeadershipChange`, and `onRelay`, which the
 * leader calls with each item of its stream before its own tab takes it. Leadership is the test's to
 * give and take (`lead`); nothing is relayed to other tabs (each fake tab is fed by its test), and no
 * other tab shows a chat (`show` is heard by nobody, `shownElsewhere` is always false).
 */
export function shareFakeStream(client: FakeClient, leading: boolean) {
  const sub = client.subscription;
  const leadership = new Set<(leading: boolean) => void>();
  const relay = new Set<(item: StreamItem) => void>();
  let leader = leading;
  const listen =
    <T>(set: Set<T>) =>
    (listener: T) => {
      set.add(listener);
      return () => void set.delete(listener);
    };
  const event = sub.event;
  Object.defineProperty(sub, 'isLeader', { get: () => leader });
  Object.assign(sub, {
    onLeadershipChange: listen(leadership),
    onRelay: listen(relay),
    show() {},
    shownElsewhere: () => false,
    event(e: Parameters<typeof event>[0]) {
      if (leader) for (const listener of relay) listener({ kind: 'event', event: e });
      event(e);
    },
  });
  return {
    lead(next: boolean) {
      leader = next;
      for (const listener of leadership) listener(next);
    },
  };
}

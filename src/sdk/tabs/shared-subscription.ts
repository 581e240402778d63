import { defaultEnvironment } from '../environment.ts';
import { makeListeners } from '../listeners.ts';
import {
  makeSubscription,
  type StreamBatch,
  type StreamItem,
  type Subscription,
  type SubscriptionStats,
} from '../subscription.ts';
import { makeFollowing } from './following.ts';
import { makeInbox } from './inbox.ts';
import { makeMembership, makePresence, makeTabLink } from './joining.ts';
import { makeLeading } from './leading.ts';
import { makeRecentIds, type TabState } from './recent.ts';
import { MAX_RELAYED, parseRelayMessage } from './relay.ts';
import type { SharedStreamOptions } from './types.ts';

/**
 * One live stream for every tab of an identity (the contract, src/protocol/README.md, "Shared stream
 * across tabs"). Each tab asks for the lock `name` and listens on the channel `name`; the tab holding
 * the lock runs the real subscription from its own position and posts every item (`makeLeading`); the
 * others hand the relayed items to their consumer, dropping events they already have (a handover may
 * replay a few), and take the lock from a leader that gets no answer (`makeFollowing`). The old leader,
 * once its script runs again, learns it from its lock request and follows. On `pagehide` the tab lets
 * go of lock and channel (back/forward cache); on a persisted `pageshow` it joins again
 * (`makeMembership`).
 */
export function makeSharedSubscription(options: SharedStreamOptions): Subscription {
  const { signal } = options;
  const tabId = options.tabId ?? crypto.randomUUID();
  const warn = options.warn ?? ((message: string) => console.warn(`[hero-messaging] ${message}`));
  const inbox = makeInbox<StreamBatch>();
  // What the parts share: whether the tab leads, its position, and the ids of the last events passed
  // on (a replay across a handover repeats some of them).
  const tab: TabState = {
    leads: false,
    position: options.lastEventId,
    isNew: makeRecentIds(MAX_RELAYED),
  };
  // What this tab's ended streams counted, and the messages it dropped (the first is reported).
  const done: SubscriptionStats = { badFrames: 0, ignoredFrames: 0, connections: 0 };
  const dropped = (what: string) => {
    if (done.badFrames++ === 0) warn(`dropped ${what}`);
  };
  // Told when the tab takes the lead and lets go, and of each item of the real stream it relays.
  const leadership = makeListeners<boolean>('a leadership listener');
  const relayed = makeListeners<StreamItem>('a relay listener');

  const [post, openLink, closeLink] = makeTabLink(options, tabId, warn, hear, () =>
    dropped('a message from another tab that could not be deserialized'),
  );
  const [hello, hearPresence, show, shownElsewhere] = makePresence(post);
  const [lead, hearAsLeader, retryNow, stats] = makeLeading(
    options,
    tab,
    post,
    inbox,
    done,
    leadership,
    relayed,
  );
  const [follow, stopFollowing, hearAsFollower] = makeFollowing(
    tab,
    tabId,
    post,
    inbox,
    defaultEnvironment(options.environment),
    dropped,
    hello,
    // The watch on the leader takes the lock; losing the lock makes the tab follow: the two parts call
    // each other, through the membership made next.
    (why) => takeOver(why),
  );
  const [enter, takeOver] = makeMembership(
    options,
    openLink,
    closeLink,
    lead,
    follow,
    stopFollowing,
    // Back from the cache: the consumer sees the tab connect again.
    () => inbox.push([{ kind: 'status', status: { state: 'connecting', attempt: 0 } }]),
    warn,
  );
  leadership.add((leading) => leading && stopFollowing());

  /** What arrives from another tab, checked, and heard by each part. */
  function hear(data: unknown): void {
    const parsed = parseRelayMessage(data);
    if (!parsed.ok) return dropped(`a message from another tab: ${parsed.error}`);
    for (const reason of parsed.skipped) dropped(reason);
    const message = parsed.value;
    if (message.from === tabId) return;
    hearPresence(message);
    hearAsFollower(message);
    hearAsLeader(message);
  }

  async function* run(): AsyncGenerator<StreamBatch> {
    if (signal.aborted) return;
    const leave = enter();
    try {
      for (;;) {
        const batch = await inbox.take(signal);
        if (batch === undefined) return;
        yield batch;
        if (batch.some((item) => item.kind === 'status' && item.status.state === 'unauthorized'))
          return;
      }
    } finally {
      leave();
      inbox.close();
    }
  }

  return makeSubscription({
    name: 'subscribe',
    signal,
    run,
    retryNow,
    lastEventId: () => tab.position,
    stats,
    leadership: {
      get isLeader() {
        return tab.leads;
      },
      onLeadershipChange: leadership.add,
      onRelay: relayed.add,
      show,
      shownElsewhere,
    },
  });
}

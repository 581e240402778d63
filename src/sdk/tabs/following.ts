import type { Environment } from '../environment.ts';
import type { StreamBatch, StreamItem } from '../subscription.ts';
import type { Inbox } from './inbox.ts';
import { hasHad, type TabState } from './recent.ts';
import type { Post, RelayMessage } from './relay.ts';
import { makeLeaderWatch } from './watch.ts';

/** What the tab asked the leader and where it stood then; whether a status was relayed since. */
export interface Question {
  /** Asked on joining, or in answer to a new leader's call. */
  by: 'join' | 'call';
  at: string | undefined;
  heard?: boolean;
}

type State = Extract<RelayMessage, { type: 'state' }>;

/**
 * The following side of a tab: it takes what the leader relays, and watches that the leader runs.
 * `dropped` counts and reports a message dropped (the message, and why); `hello` posts the tab's
 * `hello`; `takeOver` takes the lock from a leader that does not answer, or is late (`why`).
 */
export function makeFollowing(
  tab: TabState,
  tabId: string,
  post: Post,
  inbox: Inbox<StreamBatch>,
  env: Pick<Environment, 'now' | 'random' | 'setTimeout' | 'clearTimeout' | 'isVisible'>,
  dropped: (what: string) => void,
  hello: () => void,
  takeOver: (why: string) => void,
): [follow: () => void, stop: () => void, hear: (message: RelayMessage) => void] {
  // The tab that leads, as its `call` or its `state` said: a follower takes items from it only.
  let leader: string | undefined;
  // Whether the tab waits for the leader's state, and what it asked (see `Question`).
  let asked: Question | undefined;
  const watch = makeLeaderWatch(
    env,
    (why) => tab.leads || takeOver(why),
    () => post({ type: 'ping' }),
  );

  /** Asks the leader (`from`, unknown to a tab that joins) where it stands, as `by` says. */
  function ask(by: Question['by'], from?: string): void {
    leader = from;
    asked = { by, at: tab.position };
    hello();
  }

  /** Hands the consumer what the leader relayed, as one batch, less what it was handed already. */
  function receive(items: readonly StreamItem[]): void {
    const batch = items.filter((item) => {
      if (item.kind === 'status') {
        if (asked) asked.heard = true;
        // Reconnecting or offline: the leader waits until `at`.
        const { status } = item;
        watch.waiting('at' in status ? status.at : undefined);
        return true;
      }
      if (item.id === undefined) return true;
      // An event the new leader replays after a handover that this tab has already passed on.
      const type = item.event.type;
      if (type !== 'ready' && type !== 'resync' && !tab.isNew(item.id)) return false;
      tab.position = item.id;
      return true;
    });
    if (batch.length > 0) inbox.push(batch);
  }

  /** The leader's answer to what this tab asked: where it stands, and maybe a snapshot to take. */
  function answered(state: State): void {
    if (tab.leads || state.to !== tabId || !asked) return;
    const question = asked;
    asked = undefined;
    leader = state.from;
    watch.heard();
    receive(question.heard ? state.items.filter((item) => item.kind !== 'status') : state.items);
    const at = missedAt(question, state);
    if (at !== undefined)
      inbox.push([
        {
          kind: 'event',
          event: {
            type: 'resync',
            data: { reason: 'joined the shared stream behind its position' },
          },
          id: at,
        },
      ]);
  }

  return [
    // Asks the leader where it stands, as a tab that joins, and watches it.
    () => {
      ask('join');
      watch.start();
    },
    // Stops watching the leader (the tab leads, or leaves).
    () => {
      asked = undefined;
      watch.stop();
    },
    // Hears another tab: the leader's items, state, call and beats, and other followers' pings.
    (message) => {
      if (message.from === leader) watch.heard();
      switch (message.type) {
        case 'items':
          // Before the leader is known (a tab that has just joined), what it relays is not for this tab yet.
          if (tab.leads || leader === undefined) return;
          if (message.from !== leader)
            return dropped(
              `a message from another tab: items from ${message.from}, which does not lead`,
            );
          return receive(message.items);
        case 'state':
          return answered(message);
        case 'call':
          // A new leader: say who follows, and hear where it stands (it relayed nothing for this tab yet).
          if (tab.leads) return;
          ask('call', message.from);
          return watch.heard();
        case 'bye':
          if (message.from === leader) leader = undefined;
          return;
        case 'ping':
          // Another follower asked the leader: its answer will do for this tab too.
          if (!tab.leads) watch.asked();
          return;
      }
    },
  ];
}

/**
 * Where the leader's `state` says a tab missed events that nothing replays, so that its consumer must
 * take a snapshot even if it would take a ready as a resumption; `undefined` when it missed none. A
 * tab that joined missed them if it stands behind the leader's position (shown again from the cache),
 * measured from where it stood when it asked, as what was relayed since moved it on. A tab that
 * answered a new leader's call missed them if that leader withheld an event from it before it knew
 * the tab followed.
 */
export function missedAt(question: Question, state: Pick<State, 'items' | 'withheld'>) {
  // The position of the `ready` the leader sent.
  const ready = state.items.find(
    (item): item is Extract<StreamItem, { kind: 'event' }> =>
      item.kind === 'event' && item.event.type === 'ready',
  )?.id;
  if (question.by === 'join')
    return ready !== undefined && question.at !== undefined && !hasHad(question.at, ready)
      ? ready
      : undefined;
  const { withheld } = state;
  return withheld !== undefined && !hasHad(question.at, withheld) ? (ready ?? withheld) : undefined;
}

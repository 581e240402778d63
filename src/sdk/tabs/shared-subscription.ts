import { defaultEnvironment } from '../environment.ts';
import {
  makeSubscription,
  STAT_KEYS,
  type StreamBatch,
  type StreamItem,
  type StreamStatus,
  type Subscription,
  type SubscriptionStats,
} from '../subscription.ts';
import { makeInbox } from './inbox.ts';
import { messageTask, type TabChannel } from './platform.ts';
import { hasHad, makeRecentIds } from './recent.ts';
import { MAX_RELAYED, parseRelayMessage, RELAY_VERSION, type RelayMessage } from './relay.ts';
import type { SharedStreamOptions, SharedSubscription } from './types.ts';
import { makeLeaderWatch } from './watch.ts';

/** Why a leader's lock request was aborted when another tab took the lock. */
const LOST = 'lost';

/**
 * One live stream for every tab of an identity (the contract, src/protocol/README.md, "Shared stream
 * across tabs"). Each tab asks for the lock `name` and listens on the channel `name`; the tab holding
 * the lock runs the real subscription from its own position and posts every item; the others hand the
 * relayed items to their consumer, dropping events they already have (a handover may replay a few).
 * A follower that gets no answer from its leader takes the lock from it (`makeLeaderWatch`); the old
 * leader, once its script runs again, learns it from its lock request and follows. On `pagehide` the
 * tab lets go of lock and channel (back/forward cache); on a persisted `pageshow` it joins again.
 */
export function makeSharedSubscription(options: SharedStreamOptions): SharedSubscription {
  const { signal, locks } = options;
  const env = defaultEnvironment(options.environment);
  const tabId = options.tabId ?? crypto.randomUUID();
  const warn = options.warn ?? ((message: string) => console.warn(`[hero-messaging] ${message}`));
  const inbox = makeInbox<StreamBatch>();
  const done: SubscriptionStats = { badFrames: 0, ignoredFrames: 0, connections: 0 };
  const leadershipListeners = new Set<(leading: boolean) => void>();
  const relayListeners = new Set<(item: StreamItem) => void>();

  let position = options.lastEventId;
  // The ids of the last events passed on: a replay across a handover repeats some of them.
  const isNew = makeRecentIds(MAX_RELAYED);
  let real: Subscription | undefined;
  let leading = false;
  // The tab that leads, as its `call` or its `state` said: a follower takes items from it only.
  let leader: string | undefined;
  let lastStatus: StreamStatus = { state: 'connecting', attempt: 0 };
  let lastReady: { cursor: string; heartbeat_ms: number } | undefined;
  let channel: TabChannel | undefined;
  // Whether this tab is in (joined, and not gone by pagehide or unmount).
  let joined = false;
  // This tab's lock request: in line, or held while it leads. Aborted with `LOST` once another tab took the lock.
  let request: AbortController | undefined;
  // Whether this tab waits for the leader's state, asked on joining or by a new leader's call; where it
  // stood when it asked; whether a status was relayed since (then the state's is no news).
  let asked: { by: 'join' | 'call'; at: string | undefined; heard?: boolean } | undefined;
  let warned = false;
  // The chat this tab shows the person (`show`), and what each other tab said it shows.
  let showing: string | undefined;
  const shownBy = new Map<string, string | undefined>();

  /** Counts what was dropped (`what`: a message or an item, and why); the first is logged. */
  const dropped = (what: string) => {
    done.badFrames++;
    if (warned) return;
    warned = true;
    warn(`dropped ${what}`);
  };

  type Outgoing = RelayMessage extends infer M
    ? M extends RelayMessage
      ? Omit<M, 'v' | 'from'>
      : never
    : never;
  const post = (message: Outgoing) => {
    try {
      channel?.postMessage({ v: RELAY_VERSION, from: tabId, ...message });
    } catch (error) {
      // A channel closed under us (the page is going away): nobody is left to tell.
      if (!signal.aborted) warn(`could not post to the other tabs: ${(error as Error).message}`);
    }
  };

  // What the leader relays is posted once per task: a backlog of thousands of events costs a few posts.
  const tasks = options.nextTask ? { run: options.nextTask, close() {} } : messageTask();
  let outgoing: StreamItem[] = [];
  const flushRelay = () => {
    const items = outgoing;
    outgoing = [];
    for (let at = 0; at < items.length; at += MAX_RELAYED)
      post({ type: 'items', items: items.slice(at, at + MAX_RELAYED) });
  };
  // The tabs known to follow (their `hello`, less their `bye`): a leader alone posts no events.
  const peers = new Set<string>();
  // The position of the last event this leader posted to nobody: a tab it did not know yet missed it.
  let withheld: string | undefined;
  const relay = (item: StreamItem) => {
    if (item.kind === 'event' && peers.size === 0) {
      withheld = item.id ?? withheld;
      return;
    }
    // A status goes out at once (with what waits before it): it is rare, and the last one may be the
    // last word of a tab about to close.
    if (item.kind === 'status') {
      outgoing.push(item);
      return flushRelay();
    }
    if (outgoing.push(item) === 1) tasks.run(flushRelay);
  };
  /** Tells each listener; one that throws is logged and the others still hear. */
  function tell<T>(listeners: Set<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        console.error('[hero-messaging] a shared-stream listener failed', error);
      }
    }
  }

  const setLeading = (next: boolean) => {
    if (next !== leading) tell(leadershipListeners, (leading = next));
  };

  const watch = makeLeaderWatch(
    env,
    (why) => {
      if (leading || !joined) return;
      warn(`${why}: this tab takes over the stream`);
      queue(true);
    },
    () => post({ type: 'ping' }),
  );

  /** Hands the consumer what the leader relayed, as one batch, less what this tab has passed on already. */
  function receive(items: readonly StreamItem[]): void {
    const batch = items.filter((item) => {
      if (item.kind === 'status') {
        if (asked) asked.heard = true;
        const { status } = item;
        watch.waiting(
          status.state === 'reconnecting' || status.state === 'offline' ? status.at : undefined,
        );
      }
      if (item.kind === 'event' && item.id !== undefined) {
        // An event the new leader replays after a handover that this tab has already passed on.
        const type = item.event.type;
        if (type !== 'ready' && type !== 'resync' && !isNew(item.id)) return false;
        position = item.id;
      }
      return true;
    });
    if (batch.length > 0) inbox.push(batch);
  }

  function onMessage(data: unknown): void {
    const parsed = parseRelayMessage(data);
    if (!parsed.ok) return dropped(`a message from another tab: ${parsed.error}`);
    for (const reason of parsed.skipped) dropped(reason);
    const message = parsed.value;
    if (message.from === tabId) return;
    if (message.from === leader) watch.heard();
    switch (message.type) {
      case 'items':
        // Before the leader is known (a tab that has just joined), what it relays is not for this tab yet.
        if (leading || leader === undefined) return;
        if (message.from !== leader)
          return dropped(
            `a message from another tab: items from ${message.from}, which does not lead`,
          );
        return receive(message.items);
      case 'bye':
        peers.delete(message.from);
        shownBy.delete(message.from);
        if (message.from === leader) leader = undefined;
        return;
      case 'showing':
        shownBy.set(message.from, message.sid);
        return;
      case 'call':
        // A new leader: say who follows, and hear where it stands (it relayed nothing for this tab yet).
        if (leading) return;
        leader = message.from;
        watch.heard();
        asked = { by: 'call', at: position };
        return hello();
      case 'hello': {
        peers.add(message.from);
        shownBy.set(message.from, message.showing);
        if (!leading) return;
        // What is waiting to be relayed goes first, so the channel keeps the order of the stream.
        flushRelay();
        // What a tab joining mid-stream is told: the status, and the `ready` of the live connection
        // (gone by before it listened) with the leader's position, so that its consumer takes a snapshot.
        const items: StreamItem[] = [{ kind: 'status', status: lastStatus }];
        if (lastReady)
          items.push({
            kind: 'event',
            event: { type: 'ready', data: lastReady },
            ...(position === undefined ? {} : { id: position }),
          });
        post({
          type: 'state',
          to: message.from,
          items,
          ...(withheld === undefined ? {} : { withheld }),
        });
        return;
      }
      case 'state': {
        if (leading || message.to !== tabId || !asked) return;
        const { by, at, heard } = asked;
        asked = undefined;
        leader = message.from;
        watch.heard();
        receive(heard ? message.items.filter((item) => item.kind !== 'status') : message.items);
        // Nothing replays what this tab missed, so its consumer must take a snapshot, even if it would
        // take a ready as a resumption: a tab joining behind the leader's position (shown again from the
        // cache; measured from where it stood when it asked, as what was relayed since moved it on), or
        // one answering a call that the new leader withheld an event from before it knew it followed.
        const ready = message.items.find(
          (item) => item.kind === 'event' && item.event.type === 'ready',
        );
        const missed =
          by === 'join'
            ? ready?.kind === 'event' &&
              ready.id !== undefined &&
              at !== undefined &&
              !hasHad(at, ready.id)
            : message.withheld !== undefined && !hasHad(at, message.withheld);
        if (missed) {
          const id =
            ready?.kind === 'event' && ready.id !== undefined ? ready.id : message.withheld;
          inbox.push([
            {
              kind: 'event',
              event: {
                type: 'resync',
                data: { reason: 'joined the shared stream behind its position' },
              },
              ...(id === undefined ? {} : { id }),
            },
          ]);
        }
        return;
      }
      case 'retry':
        if (leading) real?.retryNow();
        return;
      case 'ping':
        // What waits to be relayed goes first: an answer says the leader has posted all it has.
        if (!leading) return watch.asked();
        flushRelay();
        return post({ type: 'beat' });
      case 'beat':
        return;
    }
  }

  async function lead(member: AbortSignal): Promise<void> {
    if (member.aborted) return;
    const stop = new AbortController();
    const abort = () => stop.abort();
    member.addEventListener('abort', abort, { once: true });
    const subscription = options.subscribe({
      signal: stop.signal,
      lastEventId: position,
      onBadFrame: options.onBadFrame,
    });
    real = subscription;
    // The tabs that followed the last leader are not known yet: they answer this with `hello`.
    post({ type: 'call' });
    asked = undefined;
    withheld = undefined;
    watch.stop();
    setLeading(true);
    const pump = async () => {
      for await (const batch of subscription.batches()) {
        if (stop.signal.aborted) return;
        for (const item of batch) {
          // Keep what a tab joining later must be told.
          if (item.kind === 'status') {
            lastStatus = item.status;
            if (item.status.state !== 'connected') lastReady = undefined;
          } else {
            if (item.id !== undefined) {
              position = item.id;
              isNew(item.id);
            }
            if (item.event.type === 'ready') lastReady = item.event.data;
          }
          relay(item);
          tell(relayListeners, item);
        }
        inbox.push(batch);
        await inbox.drained(stop.signal);
      }
      // The real stream ends only when the server refuses the identity; the consumer ends with it.
      if (!stop.signal.aborted && lastStatus.state !== 'unauthorized') inbox.close();
    };
    const failed = (error: unknown) => {
      console.error('[hero-messaging] the shared stream failed', error);
      inbox.close();
    };
    // Letting go (pagehide, unmount) releases the lock at once; the real stream unwinds meanwhile, and
    // a failure while it does is still logged, never left unhandled.
    const pumping = pump().catch((error: unknown) => {
      if (!stop.signal.aborted) failed(error);
    });
    try {
      await Promise.race([
        pumping,
        new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true })),
      ]);
    } finally {
      member.removeEventListener('abort', abort);
      stop.abort();
      for (const key of STAT_KEYS) done[key] += subscription.stats[key];
      if (real === subscription) real = undefined;
      // What a leader that lost the lock still held, the new leader's stream brings: the followers
      // take items from that one only.
      if (member.reason === LOST) outgoing = [];
      else flushRelay();
      setLeading(false);
    }
  }

  /** Asks for the lock: in line, or taking it from a leader that does not answer (`steal`). */
  function queue(steal = false): void {
    request?.abort();
    const mine = new AbortController();
    request = mine;
    locks
      .request(options.name, steal ? { steal } : { signal: mine.signal }, () => lead(mine.signal))
      .catch((error: unknown) => {
        // Leaving the line (pagehide, unmount, a takeover) rejects with an AbortError, as does another tab
        // taking the lock from this one: that one leads now. Anything else is worth a line.
        if (mine.signal.aborted) return;
        if ((error as Error).name === 'AbortError') return lose();
        warn(`the tab lock failed: ${(error as Error).message}`);
      });
  }

  /** Another tab took the lock: stop leading (the real stream ends), and follow it like a tab that joins. */
  function lose(): void {
    request?.abort(LOST);
    if (!joined) return;
    askLeader();
    queue();
  }

  function hello(): void {
    post({ type: 'hello', showing });
  }

  /** Asks the leader where it stands, and watches it. */
  function askLeader(): void {
    leader = undefined;
    asked = { by: 'join', at: position };
    hello();
    watch.start();
  }

  function join(name: string): void {
    joined = true;
    channel = new options.BroadcastChannel(name);
    channel.onmessage = (event) => onMessage(event.data);
    channel.onmessageerror = () =>
      dropped('a message from another tab that could not be deserialized');
    askLeader();
    queue();
  }

  function leave(): void {
    joined = false;
    request?.abort();
    request = undefined;
    watch.stop();
    if (channel) {
      post({ type: 'bye' });
      channel.onmessage = null;
      channel.onmessageerror = null;
      channel.close();
      channel = undefined;
    }
  }

  async function* run(): AsyncGenerator<StreamBatch> {
    const { name } = options;
    if (signal.aborted) return;
    const onPageHide = () => leave();
    const onPageShow = (event: Event) => {
      if (!(event as PageTransitionEvent).persisted || joined || signal.aborted) return;
      inbox.push([{ kind: 'status', status: { state: 'connecting', attempt: 0 } }]);
      join(name);
    };
    options.pageEvents?.addEventListener('pagehide', onPageHide);
    options.pageEvents?.addEventListener('pageshow', onPageShow);
    join(name);
    try {
      for (;;) {
        const batch = await inbox.take(signal);
        if (batch === undefined) return;
        yield batch;
        if (batch.some((item) => item.kind === 'status' && item.status.state === 'unauthorized'))
          return;
      }
    } finally {
      options.pageEvents?.removeEventListener('pagehide', onPageHide);
      options.pageEvents?.removeEventListener('pageshow', onPageShow);
      leave();
      tasks.close();
      inbox.close();
    }
  }

  // Each figure counts what every real stream of this tab saw, the running one included.
  const stats = {} as SubscriptionStats;
  for (const key of STAT_KEYS)
    Object.defineProperty(stats, key, {
      get: () => done[key] + (real?.stats[key] ?? 0),
      enumerable: true,
    });
  const shared = makeSubscription({
    name: 'subscribe',
    signal,
    run,
    retryNow: () => (leading ? real?.retryNow() : post({ type: 'retry' })),
    lastEventId: () => position,
    stats,
  }) as SharedSubscription;
  const listen =
    <T>(listeners: Set<T>) =>
    (listener: T) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    };
  Object.defineProperty(shared, 'isLeader', { get: () => leading });
  return Object.assign(shared, {
    onLeadershipChange: listen(leadershipListeners),
    onRelay: listen(relayListeners),
    show(sid: string | undefined) {
      if (sid === showing) return;
      showing = sid;
      post({ type: 'showing', sid });
    },
    shownElsewhere: (sid: string) => [...shownBy.values()].includes(sid),
  });
}

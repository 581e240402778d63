import { findRow, rowSlice } from './rows.ts';
import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';
import {
  LIMITS,
  type ChatMessage,
  type Conversation,
  type ServerEvent,
} from '../protocol/index.ts';
import {
  isSharedSubscription,
  type CommunicationClient,
  type StreamItem,
  type StreamStatus,
  type Subscription,
} from '../sdk/index.ts';
import { makeContacts } from './contacts.ts';
import { makeEditor, type Editor } from './editor.ts';
import { onBecomingVisible, sessionEnvironment, type SessionEnvironment } from './environment.ts';
import { applyConversation } from './conversations.ts';
import { keepNewest, openChat, prependOlder } from './open-chat.ts';
import { adoptOutbox, loadOutbox, type OutboxStorage } from './outbox.ts';
import { makeReadMarker } from './read-marker.ts';
import { makeSender, type SendResult } from './sender.ts';
import { makeSnapshotter } from './snapshotter.ts';
import { initialState } from './state.ts';
import {
  listProblemOf,
  makeSessionHealth,
  type ConnectionStatus,
  type ListProblem,
} from './status.ts';
import { createChatStore, type ChatStore } from './store.ts';
import { runStreamLoop } from './stream-loop.ts';
import { makeTypingNotice, makeTypists } from './typing.ts';
import { reportingSuccess } from './watch-client.ts';

export interface SessionOptions {
  client: CommunicationClient;
  /** Default `sse`; `poll` is the baseline and the fallback behind buffering proxies. */
  transport?: 'sse' | 'poll';
  /** Where the outbox lives. Default: none (unsent messages do not survive a reload). */
  storage?: OutboxStorage;
  /** Storage key of this identity's outbox (see `outboxKey`). */
  outboxKey?: string;
  /** Where an older version kept this identity's outbox (see `legacyOutboxKey`): moved to `outboxKey` at the start. Default: none. */
  legacyOutboxKey?: string;
  /** This tab's id in the outbox shared by the identity's tabs. Default: a random UUID. */
  tabId?: string;
  /** Messages per page. Default 50. */
  pageSize?: number;
  /** Delay before `mark_read` goes out, so a burst makes one call. Default 300 ms. */
  markReadDelayMs?: number;
  /**
   * Read receipts: the other participants learn how far the person has read, and the person sees how
   * far they have. Off means neither. Default true.
   */
  receipts?: boolean;
  /** Clock, randomness, timers, visibility and the render schedule; defaults in `sessionEnvironment`. */
  environment?: Partial<SessionEnvironment>;
}

/** One mounted island's live state and actions. */
export interface ChatSession {
  readonly store: ChatStore;
  readonly status: Accessor<ConnectionStatus>;
  /** The conversation list has been fetched at least once: until then, an empty list says nothing. */
  readonly loaded: Accessor<boolean>;
  /** Why the list is not in while the stream is up, until a list lands; undefined otherwise. */
  readonly listProblem: Accessor<ListProblem | undefined>;
  /** Opens a chat (or none) and fetches its newest messages. */
  open(sid: string | undefined): void;
  /** Sends `content` to the open chat; answers why not (a code) when it cannot. */
  send(content: string): SendResult;
  retry(nonce: string): void;
  discard(nonce: string): void;
  /** Fetches the page before the oldest message shown. */
  loadOlder(): Promise<void>;
  /** Forgets all but the newest `keep` messages of the open chat (they are paged back in by `loadOlder`). */
  forgetOlder(keep: number): void;
  /** Starts a conversation (a DM with one person reuses the existing one); resolves its sid. */
  startConversation(participantKeys: string[], name?: string): Promise<string>;
  /** Skips the reconnect wait. */
  retryNow(): void;
  /** Edits and deletes the person's own messages. */
  readonly editor: Editor;
  /** Who is typing in conversation `sid` now, in the order first heard (reactive). */
  typing(sid: string): readonly string[];
  /** The person pressed a key in the open chat's composer, which holds text: the others are told, now and then. */
  typed(): void;
  /** Whether read receipts are on (see `SessionOptions.receipts`). */
  readonly receipts: boolean;
  /**
   * Calls `listener` with each new message from someone else, in ONE tab per person (the leader of
   * the shared stream, or this tab when it has its own stream): for side effects such as a desktop
   * notification. Returns the function that stops it.
   */
  onIncoming(listener: (message: ChatMessage) => void): () => void;
  /**
   * Whether another tab of the person shows chat `sid` to them now (open, and its page visible), as
   * that tab said over the shared stream; false where tabs do not share one.
   */
  shownElsewhere(sid: string): boolean;
  /** Stops the stream, every timer and listener. */
  dispose(): void;
}

/** `makeChatSession` plus disposal with the current Solid owner. */
export function createChatSession(options: SessionOptions): ChatSession {
  const session = makeChatSession(options);
  if (getOwner()) onCleanup(session.dispose);
  return session;
}

/** The session: the units below, wired to one store, one stream and one status. */
export function makeChatSession(options: SessionOptions): ChatSession {
  const env = sessionEnvironment(options.environment);
  const me = options.client.identity.publicKey;
  const pageSize = options.pageSize ?? LIMITS.pageDefault;
  const controller = new AbortController();
  const { signal } = controller;
  // A reply from the server while the stream waits says it is back: reconnect now (and refetch).
  const client = reportingSuccess(options.client, () => wakeUp());
  const [loaded, setLoaded] = createSignal(false);
  const [streamUp, setStreamUp] = createSignal(false);
  const [listProblem, setListProblem] = createSignal<ListProblem>();
  if (options.legacyOutboxKey && options.outboxKey)
    adoptOutbox(options.storage, options.legacyOutboxKey, options.outboxKey, env.now());
  const store = createChatStore(
    initialState(me, loadOutbox(options.storage, options.outboxKey ?? '', env.now())),
    { schedule: env.schedulePublish },
  );
  const health = makeSessionHealth(() => {
    flush();
    contacts.ensure();
  });
  const sender = makeSender({
    ...options,
    client,
    store,
    env,
    signal,
    onLeftBehind: () => flush(),
  });
  const readMarker = makeReadMarker({
    client,
    store,
    env,
    signal,
    delayMs: options.markReadDelayMs,
    receipts: options.receipts,
  });
  const editor = makeEditor({ client, store, sender, env, signal });
  const typists = makeTypists(env);
  const typingNotice = makeTypingNotice({ client, env, signal });
  const contacts = makeContacts({ client, store, env, signal });
  const snapshotter = makeSnapshotter({
    client,
    store,
    env,
    signal,
    pageSize,
    onTaken({ list, sid }) {
      if (list) {
        // The rows, "loaded" and Live render together, in the store's next publication: a task of its
        // own (or the next task at the latest), so checking and merging thousands of rows is one task
        // and painting them the next, and neither holds the page long. Not Live if the store went
        // stale meanwhile, or a newer list was asked for while this one was on its way.
        const taken = staleness;
        const superseded = snapshotter.listWanted;
        store.withNextPublication(() => {
          // With the rows, not before them: the empty list would say "Can't reach the server" meanwhile.
          setListProblem(undefined);
          setLoaded(true);
          if (taken === staleness && !superseded) health.update({ fresh: true });
        });
        void env.nextTask().then(() => signal.aborted || store.publish());
        // Names for the rows and the chat header as soon as there are rows to name.
        contacts.ensure();
      }
      if (sid && sid === store.state().open?.sid) readMarker.soon();
    },
    onRefused: () => health.update({ refused: true }),
    onRetryAt(at, error) {
      // Kept through the tries that follow, until a list lands.
      if (at > 0) setListProblem(listProblemOf(error));
      health.update({ snapshotRetryAt: at });
    },
  });

  const subscription: Subscription =
    options.transport === 'poll'
      ? options.client.poll({ signal, openChat: () => store.state().open?.sid })
      : options.client.subscribe({ signal });
  const shared = isSharedSubscription(subscription) ? subscription : undefined;

  // Side effects owed once per person happen in the tab that owns them: the leader, or a tab on its own.
  const owns = () => !shared || shared.isLeader;
  /** The outbox flush (see `SharedOutbox`): only while live, only in the owning tab. */
  const flush = () => {
    if (owns() && health.status().state === 'live') sender.flushDue();
  };
  const stopLeading = shared?.onLeadershipChange((leading) => leading && flush());

  const incoming = new Set<(message: ChatMessage) => void>();
  const arrived = (item: StreamItem) => {
    if (
      item.kind !== 'event' ||
      item.event.type !== 'chatmessage.new' ||
      item.event.data.sender_public_key === me
    )
      return;
    for (const listener of incoming) {
      try {
        listener(item.event.data);
      } catch (error) {
        // A listener's bug must not end the stream.
        console.error('[hero-messaging] an incoming-message listener failed', error);
      }
    }
  };
  const stopRelay = shared?.onRelay(arrived);
  // The other tabs learn which chat this one shows the person: none while its page is hidden.
  const showing = () => shared?.show(env.isVisible() ? store.state().open?.sid : undefined);
  env.visibilityEvents?.addEventListener('visibilitychange', showing);

  function wakeUp(): void {
    if (health.waiting) subscription.retryNow();
    if (snapshotter.waiting) snapshotter.retryNow();
  }

  // Whether the next connection resumes from a position (replay) or starts afresh; whether one is up.
  let resuming = false;
  let up = false;
  // Counts the times the store went stale: a snapshot taken before the last of them is not the server's view.
  let staleness = 0;
  const stale = (stream?: StreamStatus, refetch = false) => {
    staleness++;
    health.update(stream ? { stream, fresh: false } : { fresh: false });
    if (refetch) snapshotter.request(true);
  };

  function onEvent(event: ServerEvent): void {
    // `ready` gave the stream its position and heartbeat; the snapshot follows the connection itself.
    if (event.type === 'ready') return;
    if (event.type === 'resync') return stale(undefined, true);
    // Ephemeral: who is typing is not the store's, and never part of a snapshot.
    if (event.type === 'conversation.typing')
      return event.data.key === me ? undefined : typists.heard(event.data.sid, event.data.key);
    if (event.type === 'chatmessage.new')
      typists.wrote(event.data.conversation_sid, event.data.sender_public_key);
    snapshotter.observe(event);
    const before = store.state();
    store.apply(event);
    const open = store.state().open;
    if (!open) return;
    // Someone else wrote in the open chat, or the server counts something unread in it (its count
    // comes after the message): read, while the person looks at it.
    if (
      (event.type === 'chatmessage.new' &&
        event.data.conversation_sid === open.sid &&
        event.data.sender_public_key !== me) ||
      (event.type === 'conversation.updated' && event.data.sid === open.sid)
    ) {
      readMarker.soon();
    }
    if (
      event.type === 'conversation.updated' &&
      event.data.sid === open.sid &&
      !findRow(before.conversations, open.sid)
    ) {
      // The open chat just became visible to us (added to it): its history was not on the stream.
      snapshotter.request(false);
    }
  }

  function onItem(item: StreamItem): void {
    // Disposed while the stream loop held a batch: the rest of it is for nobody.
    if (signal.aborted) return;
    if (!shared) arrived(item);
    if (item.kind === 'event') return onEvent(item.event);
    const stream = item.status;
    const wasUp = up;
    up = stream.state === 'connected';
    setStreamUp(up);
    // Typing heard on a stream that dropped may have stopped meanwhile, unheard.
    if (!up) typists.clear();
    if (stream.state === 'connected') {
      // A connection that did not resume from a position (the first, or any from a server without
      // ids) carries only what happens from now on: what happened before it, the snapshot must bring,
      // and one asked for before the stream was up (the one at mount) may have been taken too early.
      if (!wasUp && (!resuming || !health.facts.fresh)) return stale(stream, true);
    } else {
      // The next connection resumes from a position (replay) or starts afresh (poll, or no position yet):
      // without replay to bring it up to date, the store is stale until the next snapshot.
      resuming = subscription.lastEventId !== undefined;
      if (!resuming) return stale(stream);
    }
    health.update({ stream });
  }

  // The first row never waits for the stream: the snapshot is asked for now, beside it (after the
  // code that created the session has opened its chat, so that one run fetches both).
  let mounted = false;
  queueMicrotask(() => {
    mounted = true;
    if (signal.aborted) return;
    snapshotter.request(true);
    showing();
  });

  void runStreamLoop(subscription, env, onItem).then(() => {
    // The loop only ends on abort or refusal; anything else must not leave a stale "live" behind.
    if (!signal.aborted) health.update({ ended: true });
  });

  const stopWatchingVisibility = onBecomingVisible(env, () => {
    subscription.retryNow();
    readMarker.soon();
  });

  /** Something the person did: a good moment to end the stream's wait, should the server be back. */
  const byPerson =
    <A extends unknown[], R>(action: (...args: A) => R) =>
    (...args: A): R => {
      wakeUp();
      return action(...args);
    };

  return {
    store,
    status: health.status,
    loaded,
    listProblem: () => (streamUp() ? listProblem() : undefined),
    open: byPerson((sid: string | undefined) => {
      if (store.state().open?.sid === sid) return;
      store.update((s) => openChat(s, sid));
      // Before the snapshot at mount has started, that one fetches the chat too.
      if (sid && mounted) snapshotter.request(false);
      if (mounted) showing();
    }),
    send: byPerson((content: string) => {
      const sid = store.state().open?.sid;
      const result = sender.send(sid, content);
      if (result.ok) typingNotice.sent(sid!);
      return result;
    }),
    retry: byPerson((nonce: string) => sender.retry(nonce)),
    discard: byPerson((nonce: string) => sender.discard(nonce)),
    loadOlder: byPerson(async () => {
      const open = store.state().open;
      const first = open?.messages[0];
      if (!open || !open.hasOlder || !first) return;
      if (first.seq !== undefined) {
        const older = await client.listMessages(
          { sid: open.sid, before_seq: first.seq, limit: pageSize },
          signal,
        );
        return store.update((s) => prependOlder(s, open.sid, older, older.length >= pageSize));
      }
      // A server without seq pages no further back than its newest `LIMITS.pageMax` messages: ask for
      // a longer page of the newest, and take what comes before the first one shown.
      const limit = Math.min(LIMITS.pageMax, open.messages.length + pageSize);
      const newest = await client.listMessages({ sid: open.sid, limit }, signal);
      const older = newest.slice(
        0,
        Math.max(
          0,
          newest.findIndex((m) => m.sid === first.sid),
        ),
      );
      store.update((s) =>
        prependOlder(s, open.sid, older, newest.length >= limit && limit < LIMITS.pageMax),
      );
    }),
    forgetOlder(keep) {
      store.update((s) => keepNewest(s, keep));
    },
    startConversation: byPerson(async (participantKeys: string[], name?: string) => {
      const keys = [...new Set([me, ...participantKeys])];
      const title = name?.trim() ?? '';
      if (keys.length === 2 && title === '') {
        const existing = rowSlice(store.state().conversations).find(
          (c: Conversation) =>
            c.name === '' &&
            c.participant_keys.length === 2 &&
            keys.every((k) => c.participant_keys.includes(k)),
        );
        if (existing) return existing.sid;
      }
      const conversation = await client.setConversation(
        { participant_keys: keys, ...(title ? { name: title } : {}) },
        signal,
      );
      store.update((s) => applyConversation(s, conversation));
      return conversation.sid;
    }),
    retryNow() {
      subscription.retryNow();
      snapshotter.retryNow();
    },
    editor,
    typing: typists.in,
    typed() {
      const sid = store.state().open?.sid;
      if (sid) typingNotice.typed(sid);
    },
    receipts: options.receipts !== false,
    onIncoming(listener) {
      incoming.add(listener);
      return () => void incoming.delete(listener);
    },
    shownElsewhere: (sid) => shared?.shownElsewhere(sid) ?? false,
    dispose() {
      controller.abort();
      store.dispose();
      snapshotter.dispose();
      readMarker.dispose();
      typists.clear();
      contacts.dispose();
      sender.dispose();
      stopWatchingVisibility();
      env.visibilityEvents?.removeEventListener('visibilitychange', showing);
      stopLeading?.();
      stopRelay?.();
      incoming.clear();
    },
  };
}

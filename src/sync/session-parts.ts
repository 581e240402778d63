import { createSignal, type Accessor } from 'solid-js';
import { LIMITS, type ChatMessage } from '../protocol/index.ts';
import {
  makeListeners,
  type CommunicationClient,
  type Listeners,
  type StreamItem,
  type Subscription,
} from '../sdk/index.ts';
import { makeContacts, type Contacts } from './contacts.ts';
import { makeEditor, type Editor } from './editor.ts';
import { onBecomingVisible, sessionEnvironment, type SessionEnvironment } from './environment.ts';
import { adoptOutbox, loadOutbox } from './outbox.ts';
import { makeReadMarker, type ReadMarker } from './read-marker.ts';
import { makeSender, type Sender } from './sender.ts';
import type { SessionOptions } from './session.ts';
import { makeSnapshotter, type Snapshotter } from './snapshotter.ts';
import { initialState } from './state.ts';
import {
  listProblemOf,
  makeSessionHealth,
  type ListProblem,
  type SessionHealth,
} from './status.ts';
import { createChatStore, type ChatStore } from './store.ts';
import { makeItemHandler, runStreamLoop } from './stream-loop.ts';
import { makeTypingNotice, makeTypists, type Typists, type TypingNotice } from './typing.ts';
import { reportingSuccess } from './watch-client.ts';

// The steps `makeChatSession` wires, in the order it takes them: what every step is made with, the
// store, the stream, the units, and the mount.

/** What every step of the session is made with: its options, environment, identity and lifetime. */
export interface SessionContext {
  options: SessionOptions;
  env: SessionEnvironment;
  /** The person's public key. */
  me: string;
  pageSize: number;
  /** Aborted by `dispose`: every request, retry and timer ends with it. */
  signal: AbortSignal;
  /** The client, whose every answer from the server is also told to `answered`. */
  client: CommunicationClient;
  answered: Listeners<void>;
}

/** The units of the session, each with one job (see their modules). */
export interface SessionUnits {
  health: SessionHealth;
  list: ListState;
  sender: Sender;
  readMarker: ReadMarker;
  editor: Editor;
  typists: Typists;
  typingNotice: TypingNotice;
  contacts: Contacts;
  snapshotter: Snapshotter;
  /** The `onIncoming` listeners. */
  incoming: Listeners<ChatMessage>;
}

export type SessionParts = SessionContext & {
  store: ChatStore;
  subscription: Subscription;
} & SessionUnits;

export function sessionContext(options: SessionOptions, signal: AbortSignal): SessionContext {
  const answered = makeListeners<void>('a listener of the server’s answers');
  return {
    options,
    env: sessionEnvironment(options.environment),
    me: options.client.identity.publicKey,
    pageSize: options.pageSize ?? LIMITS.pageDefault,
    signal,
    client: reportingSuccess(options.client, () => answered.tell()),
    answered,
  };
}

/** The store, with the outbox kept from before (an older version's, moved to the current key first). */
export function openStore({ options, env, me }: SessionContext): ChatStore {
  if (options.legacyOutboxKey && options.outboxKey)
    adoptOutbox(options.storage, options.legacyOutboxKey, options.outboxKey, env.now());
  return createChatStore(
    initialState(me, loadOutbox(options.storage, options.outboxKey ?? '', env.now())),
    { schedule: env.schedulePublish },
  );
}

/** The stream: made now, started at mount. The units ask it which tab leads. */
export function subscribe({ options, signal }: SessionContext, store: ChatStore): Subscription {
  return options.transport === 'poll'
    ? options.client.poll({ signal, openChat: () => store.state().open?.sid })
    : options.client.subscribe({ signal });
}

/** What the session says of the conversation list: whether it came once, and why it is not in. */
export interface ListState {
  readonly loaded: Accessor<boolean>;
  setLoaded(loaded: boolean): void;
  setStreamUp(up: boolean): void;
  /** Why the list is not in while the stream is up; undefined otherwise. */
  readonly problem: Accessor<ListProblem | undefined>;
  setProblem(problem: ListProblem | undefined): void;
}

function makeListState(): ListState {
  const [loaded, setLoaded] = createSignal(false);
  const [streamUp, setStreamUp] = createSignal(false);
  const [problem, setProblem] = createSignal<ListProblem>();
  return {
    loaded,
    setLoaded,
    setStreamUp,
    problem: () => (streamUp() ? problem() : undefined),
    setProblem,
  };
}

type ListLanding = Pick<SessionParts, 'store' | 'env' | 'signal' | 'health' | 'list' | 'contacts'>;

/**
 * A list snapshot landed. The rows, "loaded" and Live render together, in the store's next
 * publication: a task of its own (or the next task at the latest), so checking and merging thousands
 * of rows is one task and painting them the next, and neither holds the page long. Not Live if the
 * store went stale meanwhile, or a newer list was asked for while this one was on its way.
 */
function listLanded(
  { store, env, signal, health, list, contacts }: ListLanding,
  snapshotter: Pick<Snapshotter, 'listWanted'>,
): void {
  const taken = health.staleness;
  const superseded = snapshotter.listWanted;
  store.withNextPublication(() => {
    // With the rows, not before them: the empty list would say "Can't reach the server" meanwhile.
    list.setProblem(undefined);
    list.setLoaded(true);
    if (taken === health.staleness && !superseded) health.update({ fresh: true });
  });
  void env.nextTask().then(() => signal.aborted || store.publish());
  // Names for the rows and the chat header as soon as there are rows to name.
  contacts.ensure();
}

/**
 * The outbox flush (see `SharedOutbox`), owed once per person: only while live, and only in the tab
 * that leads the stream (a tab with a stream of its own leads it).
 */
function flushOutbox({
  subscription,
  health,
  sender,
}: Pick<SessionParts, 'subscription' | 'health' | 'sender'>): void {
  if (subscription.isLeader && health.status().state === 'live') sender.flushDue();
}

export function makeUnits(
  context: SessionContext,
  store: ChatStore,
  subscription: Subscription,
): SessionUnits {
  const { options, client, env, signal, pageSize } = context;
  const health = makeSessionHealth();
  const list = makeListState();
  const sender: Sender = makeSender({
    ...options,
    client,
    store,
    env,
    signal,
    // Another tab closed mid-send: what it left is due, in the tab that flushes the outbox.
    onLeftBehind: () => flushOutbox({ subscription, health, sender }),
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
  const snapshotter: Snapshotter = makeSnapshotter({
    client,
    store,
    env,
    signal,
    pageSize,
    onTaken(taken) {
      if (taken.list) listLanded({ store, env, signal, health, list, contacts }, snapshotter);
      const { sid } = taken;
      if (sid && sid === store.state().open?.sid) readMarker.soon();
    },
    onRefused: () => health.update({ refused: true }),
    onRetryAt(at, error) {
      // Kept through the tries that follow, until a list lands.
      if (at > 0) list.setProblem(listProblemOf(error));
      health.update({ snapshotRetryAt: at });
    },
  });
  const incoming = makeListeners<ChatMessage>('an incoming-message listener');
  return {
    health,
    list,
    sender,
    readMarker,
    editor,
    typists,
    typingNotice,
    contacts,
    snapshotter,
    incoming,
  };
}

/** Hands each new message from someone else to the `onIncoming` listeners (the leader hears them). */
function tellIncoming({ me, incoming }: SessionParts, item: StreamItem): void {
  if (
    item.kind !== 'event' ||
    item.event.type !== 'chatmessage.new' ||
    item.event.data.sender_public_key === me
  )
    return;
  incoming.tell(item.event.data);
}

/** Tells the other tabs which chat this one shows the person: none while its page is hidden. */
function showOpenChat({ env, store, subscription }: SessionParts): void {
  subscription.show(env.isVisible() ? store.state().open?.sid : undefined);
}

/** A sign that the server is back (an answer, or the person acting): end the stream's and the snapshot's waits. */
export function wakeUp({ health, subscription, snapshotter }: SessionParts): void {
  if (health.waiting) subscription.retryNow();
  if (snapshotter.waiting) snapshotter.retryNow();
}

/**
 * Starts the session: what is owed once per person, in the leader; the other tabs told which chat this
 * one shows; the first snapshot beside the stream; the stream loop; the page becoming visible. Answers
 * whether the first snapshot has started, and how to stop what it started.
 */
export function mount(parts: SessionParts) {
  const { env, signal, subscription, health, contacts, readMarker, snapshotter } = parts;
  // Owed once per person: the leader flushes the outbox as it goes live, or as it takes the lead.
  health.onLive(() => {
    flushOutbox(parts);
    contacts.ensure();
  });
  const stopLeading = subscription.onLeadershipChange((leading) => leading && flushOutbox(parts));
  const stopRelay = subscription.onRelay((item) => tellIncoming(parts, item));
  const showing = () => showOpenChat(parts);
  env.visibilityEvents?.addEventListener('visibilitychange', showing);
  // A reply from the server while the stream waits says it is back: reconnect now (and refetch).
  parts.answered.add(() => wakeUp(parts));

  // The first row never waits for the stream: the snapshot is asked for now, beside it (after the
  // code that created the session has opened its chat, so that one run fetches both).
  let mounted = false;
  queueMicrotask(() => {
    mounted = true;
    if (signal.aborted) return;
    snapshotter.request(true);
    showing();
  });
  void runStreamLoop(subscription, env, makeItemHandler(parts)).then(() => {
    // The loop only ends on abort or refusal; anything else must not leave a stale "live" behind.
    if (!signal.aborted) health.update({ ended: true });
  });
  const stopWatchingVisibility = onBecomingVisible(env, () => {
    subscription.retryNow();
    readMarker.soon();
  });
  return {
    get mounted() {
      return mounted;
    },
    showing,
    stop() {
      stopWatchingVisibility();
      env.visibilityEvents?.removeEventListener('visibilitychange', showing);
      stopLeading();
      stopRelay();
    },
  };
}

export type Mounted = ReturnType<typeof mount>;

/** Stops every unit: its timers, retries and listeners. */
export function disposeUnits(parts: SessionParts): void {
  parts.store.dispose();
  parts.snapshotter.dispose();
  parts.readMarker.dispose();
  parts.typists.clear();
  parts.contacts.dispose();
  parts.sender.dispose();
  parts.incoming.clear();
}

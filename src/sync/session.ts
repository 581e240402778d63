import { createSignal, getOwner, onCleanup, type Accessor } from 'solid-js';
import { LIMITS, type Conversation, type ServerEvent } from '../protocol/index.ts';
import { backoffDelay, CommunicationError, type CommunicationClient, type StreamStatus, type Subscription } from '../sdk/index.ts';
import {
  applyConversation,
  applyEvent,
  applySnapshot,
  clearUnread,
  discardSend,
  openChat,
  prependOlder,
  queueSend,
  retrySend,
  sendFailed,
  sendSucceeded,
} from './merge.ts';
import { dueForRetry, loadOutbox, saveOutbox, type OutboxStorage } from './outbox.ts';
import { sendFailure } from './send-failure.ts';
import { initialState, type Snapshot } from './state.ts';
import { connectionStatus, type ConnectionStatus } from './status.ts';
import { createChatStore, type ChatStore } from './store.ts';
import { nextTask, timeSlicer } from './tasks.ts';

/** Longest stretch of event handling before the browser gets a turn (renders, input). */
const SLICE_MS = 10;

export interface SessionOptions {
  client: CommunicationClient;
  /** Default `sse`; `poll` is the baseline and the fallback behind buffering proxies. */
  transport?: 'sse' | 'poll';
  /** Where the outbox lives. Default: none (unsent messages do not survive a reload). */
  storage?: OutboxStorage;
  /** Storage key of this identity's outbox (see `outboxKey`). */
  outboxKey?: string;
  /** Messages per page. Default 50. */
  pageSize?: number;
  /** Delay before `mark_read` goes out, so a burst makes one call. Default 300 ms. */
  markReadDelayMs?: number;
  now?: () => number;
  /** Jitter of the snapshot retry backoff. Default `Math.random`. */
  random?: () => number;
  newNonce?: () => string;
  /** Default `true`: at most one render per frame however many events arrive (see `StoreOptions`). */
  batch?: boolean;
  /** Whether the person can see the island (marks read only then). Default: the document's visibility. */
  isVisible?: () => boolean;
  /** Source of `visibilitychange`. Default: `document` where there is one. */
  visibilityEvents?: EventTarget;
}

/** One mounted island's live state and actions (DESIGN §6–§8). */
export interface ChatSession {
  readonly store: ChatStore;
  readonly status: Accessor<ConnectionStatus>;
  /** Opens a chat (or none) and fetches its newest messages. */
  open(sid: string | undefined): void;
  /** Sends `content` to the open chat; answers a readable reason when it cannot. */
  send(content: string): { ok: true } | { ok: false; error: string };
  retry(nonce: string): void;
  discard(nonce: string): void;
  /** Fetches the page before the oldest message shown. */
  loadOlder(): Promise<void>;
  /** Starts a conversation (a DM with one person reuses the existing one); resolves its sid. */
  startConversation(participantKeys: string[], name?: string): Promise<string>;
  /** Skips the reconnect wait. */
  retryNow(): void;
  /** Stops the stream, every timer and listener. */
  dispose(): void;
}

/** `makeChatSession` plus disposal with the current Solid owner. */
export function createChatSession(options: SessionOptions): ChatSession {
  const session = makeChatSession(options);
  if (getOwner()) onCleanup(session.dispose);
  return session;
}

export function makeChatSession(options: SessionOptions): ChatSession {
  const { client } = options;
  const me = client.identity.publicKey;
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? LIMITS.pageDefault;
  const newNonce = options.newNonce ?? (() => crypto.randomUUID());
  const doc = typeof document === 'undefined' ? undefined : document;
  const isVisible = options.isVisible ?? (() => doc?.visibilityState !== 'hidden');
  const visibilityEvents = options.visibilityEvents ?? doc;
  const controller = new AbortController();
  const { signal } = controller;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  const store = createChatStore(initialState(me, loadOutbox(options.storage, options.outboxKey ?? '')), { batch: options.batch });
  const update: ChatStore['update'] = (change) => {
    const before = store.current().outbox;
    store.update(change);
    const after = store.current().outbox;
    if (after !== before && options.outboxKey) saveOutbox(options.storage, options.outboxKey, after);
  };

  const [status, setStatus] = createSignal<ConnectionStatus>({ state: 'connecting' });
  let stream: StreamStatus = { state: 'connecting', attempt: 0 };
  let listFresh = false;
  const showStatus = () => setStatus(connectionStatus(stream, listFresh));

  // Snapshots: one at a time; events that arrive meanwhile are applied and kept to re-apply on top.
  let inFlight: ServerEvent[] | undefined;
  let wantList = false;
  let wantChat = false;
  let snapshotAttempt = 0;
  let snapshotRetry: ReturnType<typeof setTimeout> | undefined;

  function requestSnapshot(list: boolean): void {
    wantList ||= list;
    wantChat = true;
    if (!inFlight) void runSnapshot();
  }

  async function runSnapshot(): Promise<void> {
    const list = wantList;
    const sid = store.current().open?.sid;
    wantList = false;
    wantChat = false;
    inFlight = [];
    try {
      const [conversations, messages] = await Promise.all([
        list ? client.listConversations(signal) : undefined,
        sid ? client.listMessages({ sid, limit: pageSize }, signal) : undefined,
      ]);
      const snapshot: Snapshot = { conversations };
      if (sid && messages) snapshot.chat = { sid, messages, hasOlder: messages.length >= pageSize };
      const buffered = inFlight;
      inFlight = undefined;
      update((s) => applySnapshot(s, snapshot, buffered));
      snapshotAttempt = 0;
      if (list && stream.state === 'connected') {
        listFresh = true;
        showStatus();
        onLive();
      }
      if (sid && sid === store.current().open?.sid) markReadSoon();
    } catch (error) {
      inFlight = undefined;
      if (signal.aborted) return;
      wantList ||= list;
      wantChat = true;
      if (error instanceof CommunicationError && error.code === -32001) {
        stream = { state: 'unauthorized', httpStatus: 401 };
        showStatus();
        return;
      }
      if (error instanceof CommunicationError && (error.code === -32003 || error.code === -32004) && sid) {
        // The open chat is gone or not ours: close it, keep the rest.
        update((s) => (s.open?.sid === sid ? openChat(s, undefined) : s));
      }
      const delay = backoffDelay(snapshotAttempt++, options.random ?? Math.random);
      console.warn(`[hero-messaging] snapshot failed, retrying in ${delay} ms: ${(error as Error).message}`);
      snapshotRetry = later(() => {
        snapshotRetry = undefined;
        if (!inFlight && (wantList || wantChat)) void runSnapshot();
      }, delay);
      return;
    }
    if (wantList || wantChat) void runSnapshot();
  }

  function onEvent(event: ServerEvent): void {
    if (event.type === 'ready' || event.type === 'resync') {
      listFresh = false;
      showStatus();
      requestSnapshot(true);
      return;
    }
    inFlight?.push(event);
    const before = store.current();
    update((s) => applyEvent(s, event));
    const open = store.current().open;
    if (!open) return;
    if (event.type === 'chatmessage.new' && event.data.conversation_sid === open.sid && event.data.sender_public_key !== me) {
      markReadSoon();
    }
    if (
      event.type === 'conversation.updated' &&
      event.data.sid === open.sid &&
      !before.conversations.some((c) => c.sid === open.sid)
    ) {
      // The open chat just became visible to us (added to it): its history was not on the stream.
      requestSnapshot(false);
    }
  }

  function onStreamStatus(next: StreamStatus): void {
    stream = next;
    if (next.state !== 'connected') listFresh = false;
    showStatus();
  }

  let markReadTimer: ReturnType<typeof setTimeout> | undefined;
  function markReadSoon(): void {
    const sid = store.current().open?.sid;
    if (!sid || !isVisible()) return;
    const row = store.current().conversations.find((c) => c.sid === sid);
    if (!row || row.unread_count === 0) return;
    update((s) => clearUnread(s, sid));
    if (markReadTimer) return;
    markReadTimer = later(() => {
      markReadTimer = undefined;
      const current = store.current().open?.sid;
      if (current) client.markRead({ sid: current }, signal).catch(() => {});
    }, options.markReadDelayMs ?? 300);
  }

  // Sends go out one at a time, so the server stores them in the order they were written.
  let sending: Promise<void> = Promise.resolve();
  function deliver(nonce: string): void {
    sending = sending.then(() => deliverNow(nonce));
  }

  async function deliverNow(nonce: string): Promise<void> {
    const pending = store.current().outbox.find((p) => p.nonce === nonce);
    if (!pending || pending.state !== 'sending' || signal.aborted) return;
    try {
      const message = await client.sendMessage({ sid: pending.conversation_sid, content: pending.content, nonce }, signal);
      update((s) => sendSucceeded(s, message));
    } catch (error) {
      if (signal.aborted) return;
      const retryable = error instanceof CommunicationError ? error.retryable : true;
      update((s) => sendFailed(s, nonce, sendFailure(error), retryable));
    }
  }

  function onLive(): void {
    for (const pending of dueForRetry(store.current().outbox, now())) {
      update((s) => retrySend(s, pending.nonce));
      deliver(pending.nonce);
    }
    if (store.current().contacts.length === 0) {
      client
        .listContacts(signal)
        .then((contacts) => update((s) => ({ ...s, contacts })))
        .catch(() => {});
    }
  }

  const subscription: Subscription =
    options.transport === 'poll'
      ? client.poll({ signal, openChat: () => store.current().open?.sid })
      : client.subscribe({ signal });

  void (async () => {
    // A backlog read in one go (after a burst or a reconnect) arrives as one long run of microtasks;
    // it is cut into short tasks so the page keeps rendering and answering input meanwhile.
    const slice = timeSlicer(SLICE_MS);
    try {
      for await (const item of subscription) {
        if (item.kind === 'status') onStreamStatus(item.status);
        else onEvent(item.event);
        if (slice.due()) {
          await nextTask();
          slice.reset();
        }
      }
    } catch (error) {
      console.error('[hero-messaging] the subscription loop failed', error);
    }
    // The loop only ends on abort or refusal; anything else must not leave a stale "live" behind.
    if (!signal.aborted && (stream as StreamStatus).state !== 'unauthorized') {
      stream = { state: 'offline', at: 0, attempt: 0, reason: 'subscription ended' };
      listFresh = false;
      showStatus();
    }
  })();

  const onVisibility = () => {
    if (!isVisible()) return;
    subscription.retryNow();
    markReadSoon();
  };
  visibilityEvents?.addEventListener('visibilitychange', onVisibility);

  return {
    store,
    status,
    open(sid) {
      if (store.current().open?.sid === sid) return;
      update((s) => openChat(s, sid));
      if (sid) requestSnapshot(false);
    },
    send(content) {
      const text = content.trim();
      const sid = store.current().open?.sid;
      if (!sid) return { ok: false, error: 'no chat is open' };
      if (text.length < LIMITS.contentMin) return { ok: false, error: 'the message is empty' };
      if (text.length > LIMITS.contentMax) return { ok: false, error: `the message is longer than ${LIMITS.contentMax} characters` };
      const nonce = newNonce();
      update((s) => queueSend(s, { nonce, conversation_sid: sid, content: text, created_at: now(), state: 'sending' }));
      deliver(nonce);
      return { ok: true };
    },
    retry(nonce) {
      update((s) => retrySend(s, nonce));
      deliver(nonce);
    },
    discard(nonce) {
      update((s) => discardSend(s, nonce));
    },
    async loadOlder() {
      const open = store.current().open;
      const first = open?.messages[0];
      if (!open || !open.hasOlder || !first) return;
      const older = await client.listMessages({ sid: open.sid, before_seq: first.seq, limit: pageSize }, signal);
      update((s) => prependOlder(s, open.sid, older, older.length >= pageSize));
    },
    async startConversation(participantKeys, name) {
      const keys = [...new Set([me, ...participantKeys])];
      const title = name?.trim() ?? '';
      if (keys.length === 2 && title === '') {
        const existing = store.current().conversations.find(
          (c: Conversation) => c.name === '' && c.participant_keys.length === 2 && keys.every((k) => c.participant_keys.includes(k)),
        );
        if (existing) return existing.sid;
      }
      const conversation = await client.setConversation({ participant_keys: keys, ...(title ? { name: title } : {}) }, signal);
      update((s) => applyConversation(s, conversation));
      return conversation.sid;
    },
    retryNow() {
      subscription.retryNow();
      if (snapshotRetry !== undefined) {
        clearTimeout(snapshotRetry);
        timers.delete(snapshotRetry);
        snapshotRetry = undefined;
        if (!inFlight) void runSnapshot();
      }
    },
    dispose() {
      controller.abort();
      store.dispose();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      visibilityEvents?.removeEventListener('visibilitychange', onVisibility);
    },
  };
}

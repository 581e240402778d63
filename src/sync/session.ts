import { getOwner, onCleanup, type Accessor } from 'solid-js';
import { LIMITS, type ChatMessage, type Conversation } from '../protocol/index.ts';
import type { CommunicationClient } from '../sdk/index.ts';
import type { Editor } from './editor.ts';
import type { SessionEnvironment } from './environment.ts';
import { applyConversation } from './conversations.ts';
import { keepNewest, openChat, prependOlder } from './open-chat.ts';
import type { OutboxStorage } from './outbox.ts';
import { rowSlice } from './rows.ts';
import type { SendResult } from './sender.ts';
import {
  disposeUnits,
  makeUnits,
  mount,
  openStore,
  sessionContext,
  subscribe,
  wakeUp,
  type Mounted,
  type SessionParts,
} from './session-parts.ts';
import type { ConnectionStatus, ListProblem } from './status.ts';
import type { ChatStore } from './store.ts';

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

/**
 * The session: one store, one subscription and the units that keep them, wired in the order they
 * start. Each step below is a function of its own, read top to bottom.
 */
export function makeChatSession(options: SessionOptions): ChatSession {
  const controller = new AbortController();
  const context = sessionContext(options, controller.signal);
  const store = openStore(context);
  const subscription = subscribe(context, store);
  const units = makeUnits(context, store, subscription);
  const parts: SessionParts = { ...context, store, subscription, ...units };
  const mounted = mount(parts);
  return sessionApi(parts, mounted, () => {
    controller.abort();
    disposeUnits(parts);
    mounted.stop();
  });
}

/** The public face of the session: what the island and its host call. */
function sessionApi(parts: SessionParts, mounted: Mounted, dispose: () => void): ChatSession {
  const { options, store, subscription, health, list, sender, snapshotter, typingNotice } = parts;
  /** Something the person did: a good moment to end the stream's wait, should the server be back. */
  const byPerson =
    <A extends unknown[], R>(action: (...args: A) => R) =>
    (...args: A): R => {
      wakeUp(parts);
      return action(...args);
    };
  return {
    store,
    status: health.status,
    loaded: list.loaded,
    listProblem: list.problem,
    open: byPerson((sid: string | undefined) => {
      if (store.state().open?.sid === sid) return;
      store.update((s) => openChat(s, sid));
      // Before the snapshot at mount has started, that one fetches the chat too.
      if (sid && mounted.mounted) snapshotter.request(false);
      if (mounted.mounted) mounted.showing();
    }),
    send: byPerson((content: string) => {
      const sid = store.state().open?.sid;
      const result = sender.send(sid, content);
      if (result.ok) typingNotice.sent(sid!);
      return result;
    }),
    retry: byPerson((nonce: string) => sender.retry(nonce)),
    discard: byPerson((nonce: string) => sender.discard(nonce)),
    loadOlder: byPerson(() => loadOlder(parts)),
    forgetOlder(keep) {
      store.update((s) => keepNewest(s, keep));
    },
    startConversation: byPerson((participantKeys: string[], name?: string) =>
      startConversation(parts, participantKeys, name),
    ),
    retryNow() {
      subscription.retryNow();
      snapshotter.retryNow();
    },
    editor: parts.editor,
    typing: parts.typists.in,
    typed() {
      const sid = store.state().open?.sid;
      if (sid) typingNotice.typed(sid);
    },
    receipts: options.receipts !== false,
    onIncoming: parts.incoming.add,
    shownElsewhere: (sid) => subscription.shownElsewhere(sid),
    dispose,
  };
}

/** Fetches the page before the oldest message shown. */
async function loadOlder({ client, store, signal, pageSize }: SessionParts): Promise<void> {
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
}

/** Starts a conversation: a direct chat with one person reuses the one there is. */
async function startConversation(
  { me, client, store, signal }: SessionParts,
  participantKeys: string[],
  name?: string,
): Promise<string> {
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
}

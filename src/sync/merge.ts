import type { ChatMessage, Conversation, ServerEvent } from '../protocol/index.ts';
import { findRow, putRow, removeRow, rowsOf, unreadSum } from './rows.ts';
import type { SendFailure } from './send-failure.ts';
import type { Bubble, ChatState, OpenChat, PendingSend, Snapshot } from './state.ts';

/**
 * The merge rules of DESIGN §7: pure functions from (state, input) to a new state. Every row carries
 * the `seq` of its last change, so replays, duplicates and snapshots taken at any moment are harmless.
 */

/** Inserts `message` by seq unless its sid is there; returns the same array when nothing changed. */
function insertBySeq(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const last = messages[messages.length - 1];
  // The common case, a new message after the newest: one seq is one message, so it cannot be there.
  if (!last || last.seq < message.seq) return [...messages, message];
  let i = messages.length;
  while (i > 0 && messages[i - 1]!.seq > message.seq) i--;
  if (messages.some((m) => m.sid === message.sid)) return messages;
  return [...messages.slice(0, i), message, ...messages.slice(i)];
}

function dropConfirmed(outbox: PendingSend[], me: string, messages: readonly ChatMessage[]): PendingSend[] {
  const confirmed = new Set(messages.filter((m) => m.sender_public_key === me && m.nonce).map((m) => m.nonce));
  return confirmed.size === 0 ? outbox : outbox.filter((p) => !confirmed.has(p.nonce));
}

/** What a message changes besides the open chat's list: its row's preview and unread, and the outbox. */
function applyMessageElsewhere(state: ChatState, message: ChatMessage): ChatState {
  let { conversations, outbox } = state;
  const row = findRow(conversations, message.conversation_sid);
  if (row && message.seq > row.seq) {
    const counts = message.sender_public_key !== state.me && state.open?.sid !== row.sid;
    const patched: Conversation = {
      ...row,
      last_message: message.content,
      last_message_time: message.created_at * 1000,
      seq: message.seq,
      unread_count: row.unread_count + (counts ? 1 : 0),
    };
    conversations = putRow(conversations, patched);
  }
  if (message.sender_public_key === state.me && message.nonce) {
    outbox = outbox.filter((p) => p.nonce !== message.nonce);
  }
  if (conversations === state.conversations && outbox.length === state.outbox.length) return state;
  return { ...state, conversations, outbox };
}

export function applyMessage(state: ChatState, message: ChatMessage): ChatState {
  const next = applyMessageElsewhere(state, message);
  const open = next.open;
  if (!open || open.sid !== message.conversation_sid) return next;
  // A message older than the loaded window arrives with the older pages, not as a hole.
  const belowWindow = open.hasOlder && open.messages.length > 0 && message.seq < open.messages[0]!.seq;
  if (belowWindow) return next;
  const messages = insertBySeq(open.messages, message);
  return messages === open.messages ? next : { ...next, open: { ...open, messages } };
}

/**
 * A state whose open chat still lacks `tail` at its end: messages newer than its newest, whose other
 * effects (row, preview, outbox) are applied already. Everything but `state.open.messages` is current.
 * `tail` is owned by the run: it is appended to in place.
 */
export interface Appending {
  readonly state: ChatState;
  readonly tail: ChatMessage[];
}

/** Starts a run on `state`. */
export const appending = (state: ChatState): Appending => ({ state, tail: [] });

/**
 * `applyEvent` on a run: a new message at the end of the open chat goes to the tail; one that goes
 * anywhere else in it appends the tail first; the rest (other chats' messages, rows) never touches it.
 */
export function appendEvent(run: Appending, event: ServerEvent): Appending {
  const { state, tail } = run;
  const open = state.open;
  if (event.type !== 'chatmessage.new' || open?.sid !== event.data.conversation_sid) return { state: applyEvent(state, event), tail };
  const newest = tail[tail.length - 1] ?? open.messages[open.messages.length - 1];
  if (newest && newest.seq >= event.data.seq) return appending(applyEvent(appended(run), event));
  tail.push(event.data);
  return { state: applyMessageElsewhere(state, event.data), tail };
}

/** The state of a run, its tail appended (one copy of the open chat's messages). */
export function appended({ state, tail }: Appending): ChatState {
  if (tail.length === 0 || !state.open) return state;
  return { ...state, open: { ...state.open, messages: state.open.messages.concat(tail) } };
}

/**
 * `events.reduce(applyEvent, state)`, with one difference in cost: new messages at the end of the open
 * chat are appended with one copy for the run, so a burst of k into a chat of n is O(n + k), not O(n·k).
 */
export function applyEvents(state: ChatState, events: readonly ServerEvent[]): ChatState {
  return appended(events.reduce(appendEvent, appending(state)));
}

export function applyConversation(state: ChatState, conversation: Conversation): ChatState {
  const row = findRow(state.conversations, conversation.sid);
  if (!conversation.participant_keys.includes(state.me)) {
    // Removed from it: the row goes.
    if (!row || conversation.seq <= row.seq) return state;
    return { ...state, conversations: removeRow(state.conversations, conversation.sid) };
  }
  if (row && conversation.seq <= row.seq) return state;
  return { ...state, conversations: putRow(state.conversations, conversation) };
}

export function applyRead(state: ChatState, read: { sid: string; reader_key: string; seq: number }): ChatState {
  if (read.reader_key !== state.me) return state;
  const row = findRow(state.conversations, read.sid);
  if (!row || read.seq <= row.seq) return state;
  // seq breaks ties of equal last_message_time, as on the server, so the row may move.
  return { ...state, conversations: putRow(state.conversations, { ...row, unread_count: 0, seq: read.seq }) };
}

/** Applies one stream event; `ready` and `resync` concern the supervisor, not the state. */
export function applyEvent(state: ChatState, event: ServerEvent): ChatState {
  switch (event.type) {
    case 'chatmessage.new':
      return applyMessage(state, event.data);
    case 'conversation.updated':
      return applyConversation(state, event.data);
    case 'conversation.read':
      return applyRead(state, event.data);
    default:
      return state;
  }
}

/**
 * Replaces what the snapshot fetched wholesale (the outbox is kept, less what it confirms), then
 * applies the events that arrived while it was in flight, by the same rules.
 */
export function applySnapshot(state: ChatState, snapshot: Snapshot, eventsInFlight: readonly ServerEvent[] = []): ChatState {
  let next = state;
  if (snapshot.conversations) {
    next = { ...next, conversations: rowsOf(snapshot.conversations.filter((c) => c.participant_keys.includes(state.me))) };
  }
  const chat = snapshot.chat;
  if (chat && next.open?.sid === chat.sid) {
    let messages = [...chat.messages].sort((a, b) => a.seq - b.seq);
    let hasOlder = chat.hasOlder;
    // Messages never change once stored: older ones already loaded stay, when the page joins them
    // without a gap, so a reconnect does not take away history the reader scrolled up to.
    const first = messages[0];
    const current = next.open.messages;
    if (first && current.some((m) => m.sid === first.sid)) {
      const older = current.filter((m) => m.seq < first.seq);
      if (older.length > 0) {
        messages = [...older, ...messages];
        hasOlder = next.open.hasOlder;
      }
    }
    next = {
      ...next,
      open: { sid: chat.sid, messages, loaded: true, hasOlder },
      outbox: dropConfirmed(next.outbox, state.me, chat.messages),
    };
  }
  return applyEvents(next, eventsInFlight);
}

/** Opens a chat (or keeps it when it is open already); its messages come with the next snapshot. */
export function openChat(state: ChatState, sid: string | undefined): ChatState {
  if (state.open?.sid === sid) return state;
  const open: OpenChat | undefined = sid === undefined ? undefined : { sid, messages: [], loaded: false, hasOlder: false };
  return { ...state, open };
}

/** Older messages fetched with `before_seq`, put in front. */
export function prependOlder(state: ChatState, sid: string, older: readonly ChatMessage[], hasOlder: boolean): ChatState {
  const open = state.open;
  if (!open || open.sid !== sid) return state;
  let messages = open.messages;
  for (const message of older) messages = insertBySeq(messages, message);
  return { ...state, open: { ...open, messages, hasOlder } };
}

/** The open chat's unread shown as 0 right away; the server learns it through `mark_read`. */
export function clearUnread(state: ChatState, sid: string): ChatState {
  const row = findRow(state.conversations, sid);
  if (!row || row.unread_count === 0) return state;
  return { ...state, conversations: putRow(state.conversations, { ...row, unread_count: 0 }) };
}

export function queueSend(state: ChatState, pending: PendingSend): ChatState {
  return { ...state, outbox: [...state.outbox, pending] };
}

/** The server stored it: the bubble becomes the server's message, the preview follows. */
export function sendSucceeded(state: ChatState, message: ChatMessage): ChatState {
  return applyMessage(state, message);
}

export function sendFailed(state: ChatState, nonce: string, failure: SendFailure, retryable: boolean): ChatState {
  if (!state.outbox.some((p) => p.nonce === nonce)) return state;
  return {
    ...state,
    outbox: state.outbox.map((p) => (p.nonce === nonce ? { ...p, state: 'failed' as const, failure, retryable } : p)),
  };
}

/** A failed send tried again, by tab `owner` from `since` (unix ms). */
export function retrySend(state: ChatState, nonce: string, owner?: string, since?: number): ChatState {
  return {
    ...state,
    outbox: state.outbox.map((p) =>
      p.nonce === nonce
        ? { nonce: p.nonce, conversation_sid: p.conversation_sid, content: p.content, created_at: p.created_at, state: 'sending' as const, owner, since }
        : p,
    ),
  };
}

export function discardSend(state: ChatState, nonce: string): ChatState {
  return { ...state, outbox: state.outbox.filter((p) => p.nonce !== nonce) };
}

/**
 * The open chat as bubbles: confirmed by seq, then the unconfirmed ones in the order written.
 * With a `cache` (one per identity), a message or pending send that did not change keeps its Bubble
 * object, so renderers can compare by reference. With the `previous` bubbles of the same cache and
 * the messages they were made of, a message at the same place is not even looked up: a burst appended
 * to a long chat costs a comparison per message it had.
 */
export function bubblesOf(
  state: ChatState,
  cache?: WeakMap<object, Bubble>,
  previous?: { messages: readonly ChatMessage[]; bubbles: readonly Bubble[] },
): Bubble[] {
  const open = state.open;
  if (!open) return [];
  const before = previous?.messages ?? [];
  const cached = <T extends object>(source: T, make: (source: T) => Bubble): Bubble => {
    let bubble = cache?.get(source);
    if (!bubble) {
      bubble = make(source);
      cache?.set(source, bubble);
    }
    return bubble;
  };
  const bubbles: Bubble[] = open.messages.map((message, i) =>
    before[i] === message ? previous!.bubbles[i]! : cached(message, (m) => ({
      key: m.sender_public_key === state.me && m.nonce ? `n:${m.nonce}` : `s:${m.sid}`,
      sid: m.sid,
      seq: m.seq,
      sender_public_key: m.sender_public_key,
      content: m.content,
      time: m.created_at * 1000,
      status: 'sent',
      nonce: m.nonce,
    })),
  );
  for (const pending of state.outbox) {
    if (pending.conversation_sid !== open.sid) continue;
    bubbles.push(
      cached(pending, (p) => ({
        key: `n:${p.nonce}`,
        sid: undefined,
        seq: undefined,
        sender_public_key: state.me,
        content: p.content,
        time: p.created_at,
        status: p.state,
        failure: p.failure,
        nonce: p.nonce,
      })),
    );
  }
  return bubbles;
}

/** Unread over every conversation but the open one (which always shows 0). */
export function totalUnread(state: ChatState): number {
  const open = state.open && findRow(state.conversations, state.open.sid);
  return unreadSum(state.conversations) - (open?.unread_count ?? 0);
}

import type { ChatMessage, Conversation, Receipt, ServerEvent } from '../protocol/index.ts';
import { findRow, putRow, removeRow, rowsOf, unreadSum, type Row } from './rows.ts';
import type { SendFailure } from './send-failure.ts';
import type { Bubble, ChatState, OpenChat, PendingSend, Snapshot } from './state.ts';

/**
 * The merge rules: pure functions from (state, input) to a new state. Every row and message carries
 * the `seq` of its last change, so replays, duplicates and snapshots taken at any moment are harmless.
 * From a server without `seq`, messages are told apart by `sid` and ordered by `created_at`, then in
 * the order the server gave them (its list, its stream), and a row remembers the sids it has counted
 * (`Row.counted`), so that a message that arrives both on the stream and in a snapshot is shown and
 * counted once.
 */

/** How many sids a row without `seq` remembers: far more than a snapshot's flight ever overlaps. */
const COUNTED_MAX = 100;

/**
 * Order in a chat: by `seq` where both messages have one, else by `created_at` (0 for two of the same
 * second, which keep the order they came in: a sort is stable, and `insertMessage` puts a message
 * after those of its second). Not by `sid` within a second: a server's sids need not follow time.
 */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  if (a.seq !== undefined && b.seq !== undefined) return a.seq - b.seq;
  return a.created_at - b.created_at;
}

/** Whether `message`'s sid is among the newest of `messages` that sort level with it (a copy would). */
function amongLevel(messages: readonly ChatMessage[], message: ChatMessage): boolean {
  for (let i = messages.length - 1; i >= 0 && compareMessages(messages[i]!, message) >= 0; i--) {
    if (messages[i]!.sid === message.sid) return true;
  }
  return false;
}

/** Inserts `message` in order unless its sid is there; returns the same array when nothing changed. */
function insertMessage(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const last = messages[messages.length - 1];
  // The common case, a new message after the newest: it sorts after every message, so its sid (which
  // sorts it level with itself) cannot be there.
  if (!last || compareMessages(last, message) < 0) return [...messages, message];
  let i = messages.length;
  while (i > 0 && compareMessages(messages[i - 1]!, message) > 0) i--;
  if (messages.some((m) => m.sid === message.sid)) return messages;
  return [...messages.slice(0, i), message, ...messages.slice(i)];
}

/**
 * A conversation from the server as a row, filling in what the server left out from the row it
 * replaces: the preview (or, for a conversation without messages, its creation time), the unread
 * count (a server without one leaves the island to count what arrives), and the sids counted so far.
 */
export function rowOf(conversation: Conversation, previous?: Row): Row {
  const row: Row = {
    ...conversation,
    last_message: conversation.last_message ?? previous?.last_message ?? '',
    last_message_time:
      conversation.last_message_time ??
      previous?.last_message_time ??
      conversation.created_at * 1000,
    unread_count: conversation.unread_count ?? previous?.unread_count ?? 0,
  };
  if (conversation.seq === undefined && previous?.counted) row.counted = previous.counted;
  if (conversation.last_message === undefined && previous?.preview_sid !== undefined)
    row.preview_sid = previous.preview_sid;
  return row;
}

const complete = (c: Conversation) =>
  c.seq !== undefined &&
  c.unread_count !== undefined &&
  c.last_message !== undefined &&
  c.last_message_time !== undefined;

/**
 * A read receipt from the stream: the reader's entry in the row is replaced, and the row takes the
 * event's seq (the server counts receipts in a conversation's seq), so an older copy changes nothing.
 * Receipts are kept in the order of `participant_keys`, as the server lists them.
 */
export function applySeen(
  state: ChatState,
  seen: { sid: string; receipt: Receipt; seq: number },
): ChatState {
  const row = findRow(state.conversations, seen.sid);
  if (!row || (row.seq !== undefined && seen.seq <= row.seq)) return state;
  const byReader = new Map((row.read_by ?? []).map((r) => [r.reader_key, r]));
  byReader.set(seen.receipt.reader_key, seen.receipt);
  const read_by = row.participant_keys.flatMap((key) => byReader.get(key) ?? []);
  return {
    ...state,
    conversations: putRow(state.conversations, { ...row, read_by, seq: seen.seq }),
  };
}

/** Which version of a message is newer: its last edit or deletion, or its creation. */
const versionOf = (m: ChatMessage) => m.updated_seq ?? m.seq ?? -1;

/** The newer of two copies of one message (`held` when they are the same version). */
const newer = (held: ChatMessage | undefined, copy: ChatMessage) =>
  held && versionOf(held) >= versionOf(copy) ? held : copy;

/**
 * A message edited or deleted: the open chat shows its newest version (an older copy, replayed or from
 * a snapshot, changes nothing). Its row follows with the `conversation.updated` the server sends.
 */
export function applyUpdate(state: ChatState, message: ChatMessage): ChatState {
  const open = state.open;
  if (open?.sid !== message.conversation_sid) return state;
  const i = open.messages.findIndex((m) => m.sid === message.sid);
  const held = open.messages[i];
  if (!held || versionOf(held) >= versionOf(message)) return state;
  const messages = [...open.messages];
  // The bubble keeps its key (an own message is keyed by the nonce it was sent with).
  messages[i] = { ...message, ...(held.nonce === undefined ? {} : { nonce: held.nonce }) };
  return { ...state, open: { ...open, messages } };
}

/** Whether `message` changes `row` (newer by seq), and how; the same row when it does not. */
function rowAfter(row: Row, message: ChatMessage, counts: boolean): Row {
  if (message.seq !== undefined && row.seq !== undefined) {
    if (message.seq <= row.seq) return row;
    return {
      ...row,
      last_message: message.content,
      last_message_time: message.created_at * 1000,
      seq: message.seq,
      unread_count: row.unread_count + (counts ? 1 : 0),
    };
  }
  // No seq: the preview follows the newest message by time, to the second as `created_at` goes. In
  // the same second, only a message not seen yet after one the stream brought is known to be newer;
  // after the server's own row it may be older, and the `conversation.updated` that follows every
  // message says. The unread count takes a message it has not counted yet.
  const seen = row.counted?.includes(message.sid) ?? false;
  const time = message.created_at * 1000;
  const shown = Math.floor(row.last_message_time / 1000) * 1000;
  const newer = time > shown || (time === shown && !seen && row.preview_sid !== undefined);
  const last_message_time = newer ? Math.max(time, row.last_message_time) : row.last_message_time;
  const last_message = newer ? message.content : row.last_message;
  if (seen && last_message === row.last_message && last_message_time === row.last_message_time)
    return row;
  const patched: Row = {
    ...row,
    last_message,
    last_message_time,
    ...(newer ? { preview_sid: message.sid } : {}),
  };
  if (!seen) {
    patched.unread_count += counts ? 1 : 0;
    patched.counted = [...(row.counted ?? []).slice(1 - COUNTED_MAX), message.sid];
  }
  return patched;
}

/** Whether the island has had `message` already: in the open chat, or counted in its row. */
function had(state: ChatState, message: ChatMessage): boolean {
  const open = state.open;
  if (open?.sid === message.conversation_sid && open.messages.some((m) => m.sid === message.sid))
    return true;
  return (
    findRow(state.conversations, message.conversation_sid)?.counted?.includes(message.sid) ?? false
  );
}

/**
 * An own message without `nonce` (a server that does not echo it), seen for the first time, takes the
 * nonce of the oldest unconfirmed send of its conversation with the same content: the person sees one
 * bubble, theirs, in the place of the pending one.
 */
function claimPending(state: ChatState, message: ChatMessage): ChatMessage {
  if (
    message.nonce !== undefined ||
    message.sender_public_key !== state.me ||
    state.outbox.length === 0
  )
    return message;
  const pending = state.outbox.find(
    (p) => p.conversation_sid === message.conversation_sid && p.content === message.content,
  );
  if (!pending || had(state, message)) return message;
  return { ...message, nonce: pending.nonce };
}

function dropConfirmed(
  outbox: PendingSend[],
  me: string,
  messages: readonly ChatMessage[],
): PendingSend[] {
  const confirmed = new Set(
    messages.filter((m) => m.sender_public_key === me && m.nonce).map((m) => m.nonce),
  );
  return confirmed.size === 0 ? outbox : outbox.filter((p) => !confirmed.has(p.nonce));
}

/** What a message changes besides the open chat's list: its row's preview and unread, and the outbox. */
function applyMessageElsewhere(state: ChatState, message: ChatMessage): ChatState {
  let { conversations, outbox } = state;
  const row = findRow(conversations, message.conversation_sid);
  if (row) {
    const counts = message.sender_public_key !== state.me && state.open?.sid !== row.sid;
    const patched = rowAfter(row, message, counts);
    if (patched !== row) conversations = putRow(conversations, patched);
  }
  if (message.sender_public_key === state.me && message.nonce) {
    outbox = outbox.filter((p) => p.nonce !== message.nonce);
  }
  if (conversations === state.conversations && outbox.length === state.outbox.length) return state;
  return { ...state, conversations, outbox };
}

export function applyMessage(state: ChatState, message: ChatMessage): ChatState {
  message = claimPending(state, message);
  const next = applyMessageElsewhere(state, message);
  const open = next.open;
  if (!open || open.sid !== message.conversation_sid) return next;
  // A message older than the loaded window arrives with the older pages, not as a hole.
  const belowWindow =
    open.hasOlder && open.messages.length > 0 && compareMessages(message, open.messages[0]!) < 0;
  if (belowWindow) return next;
  const messages = insertMessage(open.messages, message);
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
  if (
    event.type === 'chatmessage.updated' &&
    open?.sid === event.data.conversation_sid &&
    tail.length > 0
  )
    return appending(applyEvent(appended(run), event));
  if (event.type !== 'chatmessage.new' || open?.sid !== event.data.conversation_sid)
    return { state: applyEvent(state, event), tail };
  const newest = tail[tail.length - 1] ?? open.messages[open.messages.length - 1];
  const order = newest ? compareMessages(newest, event.data) : -1;
  // Level with the newest (without seq: the same second) goes at the end too, unless it is a copy.
  const atEnd =
    order < 0 ||
    (order === 0 &&
      event.data.seq === undefined &&
      !amongLevel(open.messages, event.data) &&
      !amongLevel(tail, event.data));
  if (!atEnd) return appending(applyEvent(appended(run), event));
  const message = claimPending(state, event.data);
  tail.push(message);
  return { state: applyMessageElsewhere(state, message), tail };
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

/** Whether `conversation` is news for `row`: newer by seq, or (without seq) not older by its last message. */
function newerThan(conversation: Conversation, row: Row): boolean {
  if (conversation.seq !== undefined && row.seq !== undefined) return conversation.seq > row.seq;
  return (
    conversation.last_message_time === undefined ||
    conversation.last_message_time >= row.last_message_time
  );
}

export function applyConversation(state: ChatState, conversation: Conversation): ChatState {
  const row = findRow(state.conversations, conversation.sid);
  if (!conversation.participant_keys.includes(state.me)) {
    // Removed from it: the row goes.
    if (!row || !newerThan(conversation, row)) return state;
    return { ...state, conversations: removeRow(state.conversations, conversation.sid) };
  }
  if (row && !newerThan(conversation, row)) return state;
  return { ...state, conversations: putRow(state.conversations, rowOf(conversation, row)) };
}

export function applyRead(
  state: ChatState,
  read: { sid: string; reader_key: string; seq: number },
): ChatState {
  if (read.reader_key !== state.me) return state;
  const row = findRow(state.conversations, read.sid);
  if (!row || (row.seq !== undefined && read.seq <= row.seq)) return state;
  // seq breaks ties of equal last_message_time, as on the server, so the row may move.
  return {
    ...state,
    conversations: putRow(state.conversations, { ...row, unread_count: 0, seq: read.seq }),
  };
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
    case 'chatmessage.updated':
      return applyUpdate(state, event.data);
    case 'conversation.seen':
      return applySeen(state, event.data);
    default:
      return state;
  }
}

/**
 * Replaces what the snapshot fetched wholesale (the outbox is kept, less what it confirms), then
 * applies the events that arrived while it was in flight, by the same rules.
 */
export function applySnapshot(
  state: ChatState,
  snapshot: Snapshot,
  eventsInFlight: readonly ServerEvent[] = [],
): ChatState {
  let next = state;
  if (snapshot.conversations) {
    const mine = snapshot.conversations.filter((c) => c.participant_keys.includes(state.me));
    // What the server left out of a row comes from the row it replaces (looked up only then: the
    // first list of thousands need not build the index by sid).
    const rows = mine.map((c) =>
      rowOf(c, complete(c) ? undefined : findRow(state.conversations, c.sid)),
    );
    next = { ...next, conversations: rowsOf(rows) };
  }
  const chat = snapshot.chat;
  if (chat && next.open?.sid === chat.sid) {
    const current = next.open.messages;
    // A message edited or deleted since the snapshot was taken keeps its newer version.
    const held = new Map(current.map((m) => [m.sid, m]));
    let messages = chat.messages.map((m) => newer(held.get(m.sid), m)).sort(compareMessages);
    let hasOlder = chat.hasOlder;
    // Older messages already loaded stay, when the page joins them without a gap, so a reconnect
    // does not take away history the reader scrolled up to. Not after a refetch of everything (the
    // stream could not catch up) from a server that numbers messages: one of them may have been edited
    // or deleted unseen, and they are paged back in as they are now.
    const first = messages[0];
    const joint = first ? current.findIndex((m) => m.sid === first.sid) : -1;
    const mayHaveChanged = snapshot.conversations !== undefined && first?.seq !== undefined;
    if (joint >= 0) {
      const older = current.slice(0, joint);
      if (older.length > 0 && mayHaveChanged) hasOlder = true;
      else if (older.length > 0) {
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
  const open: OpenChat | undefined =
    sid === undefined ? undefined : { sid, messages: [], loaded: false, hasOlder: false };
  return { ...state, open };
}

/**
 * The open chat keeps only its newest `keep` messages: memory stays bounded however many arrive while
 * it is open. Only messages with `seq`, which can be paged back in (`hasOlder`); a chat from a server
 * without `seq` keeps all it has.
 */
export function keepNewest(state: ChatState, keep: number): ChatState {
  const open = state.open;
  if (
    !open ||
    open.messages.length <= keep ||
    open.messages[open.messages.length - keep]!.seq === undefined
  )
    return state;
  return { ...state, open: { ...open, messages: open.messages.slice(-keep), hasOlder: true } };
}

/** Older messages (from before the first one shown), put in front; those shown already are left out. */
export function prependOlder(
  state: ChatState,
  sid: string,
  older: readonly ChatMessage[],
  hasOlder: boolean,
): ChatState {
  const open = state.open;
  if (!open || open.sid !== sid) return state;
  const shown = new Set(open.messages.map((m) => m.sid));
  const messages = [
    ...older.filter((m) => !shown.has(m.sid)).sort(compareMessages),
    ...open.messages,
  ];
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

/**
 * The server stored the send of `nonce` as `message`: the bubble becomes the server's message, the
 * preview follows. A server that does not echo the nonce is matched by the send: the answer takes the
 * nonce, unless a copy from the stream took the pending send's place already.
 */
export function sendSucceeded(state: ChatState, message: ChatMessage, nonce: string): ChatState {
  const waiting = message.nonce === undefined && state.outbox.some((p) => p.nonce === nonce);
  return applyMessage(state, waiting ? { ...message, nonce } : message);
}

export function sendFailed(
  state: ChatState,
  nonce: string,
  failure: SendFailure,
  retryable: boolean,
): ChatState {
  if (!state.outbox.some((p) => p.nonce === nonce)) return state;
  return {
    ...state,
    outbox: state.outbox.map((p) =>
      p.nonce === nonce ? { ...p, state: 'failed' as const, failure, retryable } : p,
    ),
  };
}

/** A failed send tried again, by tab `owner` from `since` (unix ms). */
export function retrySend(
  state: ChatState,
  nonce: string,
  owner?: string,
  since?: number,
): ChatState {
  return {
    ...state,
    outbox: state.outbox.map((p) =>
      p.nonce === nonce
        ? {
            nonce: p.nonce,
            conversation_sid: p.conversation_sid,
            content: p.content,
            created_at: p.created_at,
            state: 'sending' as const,
            owner,
            since,
          }
        : p,
    ),
  };
}

/** A message not sent yet takes its new text (it goes out with it, or with an edit right after, see `Sender`). */
export function editPending(state: ChatState, nonce: string, content: string): ChatState {
  if (!state.outbox.some((p) => p.nonce === nonce)) return state;
  return { ...state, outbox: state.outbox.map((p) => (p.nonce === nonce ? { ...p, content } : p)) };
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
    before[i] === message
      ? previous!.bubbles[i]!
      : cached(message, (m) => ({
          key: m.sender_public_key === state.me && m.nonce ? `n:${m.nonce}` : `s:${m.sid}`,
          sid: m.sid,
          seq: m.seq,
          sender_public_key: m.sender_public_key,
          content: m.content,
          time: m.created_at * 1000,
          status: 'sent',
          nonce: m.nonce,
          ...(m.deleted ? { deleted: true } : m.edited_at !== undefined ? { edited: true } : {}),
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
        unsaved: p.unsaved,
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

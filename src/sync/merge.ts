import type { ChatMessage, ServerEvent } from '../protocol/index.ts';
import { applyConversation, applyOwnRead, applyReceipt } from './conversations.ts';
import { findRow, putRow, type Row } from './rows.ts';
import type { ChatState } from './state.ts';

/**
 * The merge rules for what the stream brings: pure functions from (state, event) to a new state, one
 * event at a time (`applyEvent`) or a burst at once (`applyEvents`); a conversation's row has its own
 * rules in conversations.ts, a snapshot in snapshot.ts. Every row and message carries the `seq` of its
 * last change, so replays, duplicates and snapshots taken at any moment are harmless.
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
  const last = messages.at(-1);
  // The common case, a new message after the newest: it sorts after every message, so its sid (which
  // sorts it level with itself) cannot be there.
  if (!last || compareMessages(last, message) < 0) return [...messages, message];
  let i = messages.length;
  while (i > 0 && compareMessages(messages[i - 1]!, message) > 0) i--;
  if (messages.some((m) => m.sid === message.sid)) return messages;
  return [...messages.slice(0, i), message, ...messages.slice(i)];
}

/** Which version of a message is newer: its last edit or deletion, or its creation. */
export const versionOf = (m: ChatMessage) => m.updated_seq ?? m.seq ?? -1;

/**
 * `chatmessage.updated`, a message edited or deleted: the open chat shows its newest version (an
 * older copy, replayed or from a snapshot, changes nothing). Its row follows with the
 * `conversation.updated` the server sends.
 */
export function applyUpdatedMessage(state: ChatState, message: ChatMessage): ChatState {
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

/**
 * `chatmessage.new`: the message takes its place in the open chat (unless it is there already, or
 * older than the page loaded), its row's preview and unread follow, and a send it confirms leaves the
 * outbox.
 */
export function applyNewMessage(state: ChatState, message: ChatMessage): ChatState {
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

/** Applies one stream event; `ready` and `resync` concern the supervisor, not the state. */
export function applyEvent(state: ChatState, event: ServerEvent): ChatState {
  switch (event.type) {
    case 'chatmessage.new':
      return applyNewMessage(state, event.data);
    case 'conversation.updated':
      return applyConversation(state, event.data);
    case 'conversation.read':
      return applyOwnRead(state, event.data);
    case 'chatmessage.updated':
      return applyUpdatedMessage(state, event.data);
    case 'conversation.seen':
      return applyReceipt(state, event.data);
    default:
      return state;
  }
}

/**
 * A burst of events on its way into `state`: every effect applied but the newest messages of the open
 * chat, which wait in `tail` (newer than its newest, in order) to be appended with one copy. Everything
 * but `state.open.messages` is current. `tail` belongs to the burst: it is appended to in place.
 */
export interface Burst {
  readonly state: ChatState;
  readonly tail: ChatMessage[];
}

/** A burst on `state`, nothing waiting yet. */
export const startBurst = (state: ChatState): Burst => ({ state, tail: [] });

/**
 * `applyEvent` within a burst: a new message at the end of the open chat waits in the tail; one that
 * goes anywhere else in it appends the tail first; the rest (other chats' messages, rows) never
 * touches it.
 */
export function applyToBurst(burst: Burst, event: ServerEvent): Burst {
  const { state, tail } = burst;
  const open = state.open;
  const appendFirst = () => startBurst(applyEvent(endBurst(burst), event));
  if (event.type === 'chatmessage.updated' && open?.sid === event.data.conversation_sid)
    return appendFirst();
  if (event.type !== 'chatmessage.new' || open?.sid !== event.data.conversation_sid)
    return { state: applyEvent(state, event), tail };
  const newest = tail.at(-1) ?? open.messages.at(-1);
  const order = newest ? compareMessages(newest, event.data) : -1;
  // Level with the newest (without seq: the same second) goes at the end too, unless it is a copy.
  const atEnd =
    order < 0 ||
    (order === 0 &&
      event.data.seq === undefined &&
      !amongLevel(open.messages, event.data) &&
      !amongLevel(tail, event.data));
  if (!atEnd) return appendFirst();
  const message = claimPending(state, event.data);
  tail.push(message);
  return { state: applyMessageElsewhere(state, message), tail };
}

/** The state at the end of a burst: its tail appended to the open chat (one copy of its messages). */
export function endBurst({ state, tail }: Burst): ChatState {
  if (tail.length === 0 || !state.open) return state;
  return { ...state, open: { ...state.open, messages: state.open.messages.concat(tail) } };
}

/**
 * `events.reduce(applyEvent, state)`, with one difference in cost: new messages at the end of the open
 * chat are appended with one copy for the burst, so k of them into a chat of n cost O(n + k), not
 * O(n·k).
 */
export function applyEvents(state: ChatState, events: readonly ServerEvent[]): ChatState {
  return endBurst(events.reduce(applyToBurst, startBurst(state)));
}

import type { Conversation, Receipt } from '../protocol/index.ts';
import { findRow, putRow, removeRow, type Row } from './rows.ts';
import type { ChatState } from './state.ts';

/**
 * The rules for a conversation's row from the server: the conversation as it is now, a read by the
 * person elsewhere, a read receipt. Every row carries the `seq` of its last change, so replays and
 * older copies change nothing.
 */

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

/** Whether `conversation` has every field of a row, so that it needs nothing from the row it replaces. */
export const isComplete = (c: Conversation) =>
  c.seq !== undefined &&
  c.unread_count !== undefined &&
  c.last_message !== undefined &&
  c.last_message_time !== undefined;

/** Whether `conversation` is news for `row`: newer by seq, or (without seq) not older by its last message. */
function newerThan(conversation: Conversation, row: Row): boolean {
  if (conversation.seq !== undefined && row.seq !== undefined) return conversation.seq > row.seq;
  return (
    conversation.last_message_time === undefined ||
    conversation.last_message_time >= row.last_message_time
  );
}

/** `conversation.updated`: the row takes the server's conversation, or goes when the person left it. */
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

/** `conversation.read` by the person (in another tab or device): the row shows nothing unread. */
export function applyOwnRead(
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

/**
 * `conversation.seen`, a read receipt: the reader's entry in the row is replaced, and the row takes the
 * event's seq (the server counts receipts in a conversation's seq), so an older copy changes nothing.
 * Receipts are kept in the order of `participant_keys`, as the server lists them.
 */
export function applyReceipt(
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

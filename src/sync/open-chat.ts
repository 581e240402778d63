import type { ChatMessage } from '../protocol/index.ts';
import { compareMessages } from './merge.ts';
import { findRow, putRow } from './rows.ts';
import type { ChatState, OpenChat } from './state.ts';

// What the person does to the open chat: opens it, pages older messages in, lets the oldest go, reads it.

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
  if (!open || open.messages.length <= keep || open.messages.at(-keep)!.seq === undefined)
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

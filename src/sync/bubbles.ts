import type { ChatMessage } from '../protocol/index.ts';
import { findRow, unreadSum } from './rows.ts';
import type { Bubble, ChatState } from './state.ts';

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

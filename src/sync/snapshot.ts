import type { ChatMessage, ServerEvent } from '../protocol/index.ts';
import { isComplete, rowOf } from './conversations.ts';
import { applyEvents, compareMessages, versionOf } from './merge.ts';
import { findRow, rowsOf } from './rows.ts';
import type { ChatState, PendingSend, Snapshot } from './state.ts';

/** The newer of two copies of one message (`held` when they are the same version). */
const newer = (held: ChatMessage | undefined, copy: ChatMessage) =>
  held && versionOf(held) >= versionOf(copy) ? held : copy;

/** The outbox less the sends that `messages` (the person's, by nonce) show the server stored. */
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
      rowOf(c, isComplete(c) ? undefined : findRow(state.conversations, c.sid)),
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

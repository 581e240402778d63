import type { Bubble } from './state.ts';

/** Where the unread part of an open chat starts, as far as the loaded messages tell. */
export interface FirstUnread {
  /** Index in `bubbles` of the oldest unread message; -1 when none is loaded. */
  index: number;
  /** All `count` unread messages are loaded, so `index` is the first unread one (not merely the oldest loaded). */
  complete: boolean;
}

/**
 * The first unread message of a chat opened with `count` unread: the `count`-th newest message from
 * others among those the server had stored when the chat was opened (`seq <= seqAtOpen`, the row's
 * `seq` then). Own messages never count as unread, and later ones are newer than the divider anyway.
 */
export function firstUnread(bubbles: readonly Bubble[], me: string, count: number, seqAtOpen: number): FirstUnread {
  let index = -1;
  let found = 0;
  for (let i = bubbles.length - 1; i >= 0 && found < count; i--) {
    const b = bubbles[i]!;
    if (b.seq === undefined || b.seq > seqAtOpen || b.sender_public_key === me) continue;
    index = i;
    found++;
  }
  return { index, complete: count > 0 && found === count };
}

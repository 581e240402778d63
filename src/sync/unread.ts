import type { Bubble } from './state.ts';

/** Where the unread part of an open chat starts, as far as the loaded messages tell. */
export interface FirstUnread {
  /** Index in `bubbles` of the oldest unread message; -1 when none is loaded. */
  index: number;
  /** All `count` unread messages are loaded, so `index` is the first unread one (not merely the oldest loaded). */
  complete: boolean;
}

/** Where a chat stood when it was opened: its row's `seq` (absent from a server without one) and last activity (unix ms). */
export interface OpenedAt {
  seq: number | undefined;
  time: number;
}

/**
 * The first unread message of a chat opened with `count` unread: the `count`-th newest message from
 * others among those the server had stored when the chat was opened (`seq <= at.seq`; without seq,
 * not newer than the row's last activity then). Own messages never count as unread, and later ones
 * are newer than the divider anyway.
 */
export function firstUnread(
  bubbles: readonly Bubble[],
  me: string,
  count: number,
  at: OpenedAt,
): FirstUnread {
  let index = -1;
  let found = 0;
  const before = (b: Bubble) =>
    b.seq !== undefined && at.seq !== undefined ? b.seq <= at.seq : b.time <= at.time;
  for (let i = bubbles.length - 1; i >= 0 && found < count; i--) {
    const b = bubbles[i]!;
    if (b.sid === undefined || !before(b) || b.sender_public_key === me) continue;
    index = i;
    found++;
  }
  return { index, complete: count > 0 && found === count };
}

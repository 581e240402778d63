import { parseCursor } from '../../protocol/index.ts';

/** Whether a tab at position `held` has had the event at `id`: the same epoch, and not before it. */
export function hasHad(held: string | undefined, id: string): boolean {
  const a = parseCursor(held);
  const b = parseCursor(id);
  return a.ok && b.ok && a.value.epoch === b.value.epoch && b.value.seq <= a.value.seq;
}

/**
 * The ids of the last `max` events a tab passed on, oldest first: the function answers whether `id`
 * is not one of them, and remembers it. Matched by id, not by position: an id from the future (forged)
 * must not hold back the events that really follow it.
 */
export function makeRecentIds(max: number): (id: string) => boolean {
  const recent = new Set<string>();
  return (id) => {
    if (recent.has(id)) return false;
    recent.add(id);
    if (recent.size > max) recent.delete(recent.values().next().value!);
    return true;
  };
}

/**
 * What the parts of a tab share: whether it leads, where its consumer stands, and the events passed on
 * to it lately.
 */
export interface TabState {
  /** Whether this tab runs the real stream now. */
  leads: boolean;
  /** The position of the last event passed on (`<epoch>:<seq>`). */
  position: string | undefined;
  /** Whether event `id` was not passed on lately (see `makeRecentIds`); remembers it. */
  isNew(id: string): boolean;
}

import { comesAfter, type ListPosition } from '../../src/protocol/index.ts';

/**
 * Every conversation of a world in list order (newest activity first, then the greater sid), kept
 * sorted as messages arrive, so that a page of `conversation.list` starts by binary search instead of
 * a sort of the whole list. A message moves one entry: O(log n) to find, one array move to place.
 */
export class ActivityOrder {
  private readonly entries: ListPosition[] = [];
  private readonly times = new Map<string, number>();

  /** Puts conversation `sid` at `time` (unix ms), moving it from where it was. */
  set(sid: string, time: number): void {
    const old = this.times.get(sid);
    if (old === time) return;
    if (old !== undefined)
      this.entries.splice(this.indexAfter({ last_message_time: old, sid }) - 1, 1);
    const position = { last_message_time: time, sid };
    this.entries.splice(this.indexAfter(position), 0, position);
    this.times.set(sid, time);
  }

  /** The sids in list order, from the first that comes after `position` (from the top when absent). */
  *after(position?: ListPosition): Generator<string> {
    for (let i = position ? this.indexAfter(position) : 0; i < this.entries.length; i++)
      yield this.entries[i]!.sid;
  }

  /** The index of the first entry that comes after `position`. */
  private indexAfter(position: ListPosition): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comesAfter(this.entries[mid]!, position)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

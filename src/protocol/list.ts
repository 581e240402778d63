/**
 * Where a conversation is in the list order of `conversation.list`: newest `last_message_time` first,
 * and of two with the same time, the greater `sid` first (as strings compare). A page of the list is
 * asked for as the rows after the position of the last row held (`before`).
 */
export interface ListPosition {
  /** unix ms */
  last_message_time: number;
  sid: string;
}

/** The position of a row: its `last_message_time`, or `created_at` × 1000 for one without (no message yet). */
export function listPositionOf(row: {
  sid: string;
  last_message_time?: number;
  created_at: number;
}): ListPosition {
  return { last_message_time: row.last_message_time ?? row.created_at * 1000, sid: row.sid };
}

/** Whether `a` comes after `b` in list order. */
export function comesAfter(a: ListPosition, b: ListPosition): boolean {
  return (
    a.last_message_time < b.last_message_time ||
    (a.last_message_time === b.last_message_time && a.sid < b.sid)
  );
}

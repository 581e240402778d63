import type { Conversation } from '../protocol/index.ts';

/**
 * A conversation as the list holds it: the preview and the unread count always present (a server may
 * leave them out, see `rowOf` in conversations.ts), and, from a server without `seq`, the sids of the latest
 * messages already counted in it, so that a message seen twice (on the stream and in a snapshot)
 * counts once.
 */
export type Row = Conversation & {
  last_message: string;
  /** unix ms; a conversation without messages sorts by when it was created. */
  last_message_time: number;
  unread_count: number;
  counted?: readonly string[];
  /** Without `seq`: the message whose content the preview shows, when one from the stream set it. */
  preview_sid?: string;
};

/**
 * The conversation list as a persistent (immutable) structure: two treaps over the same rows, one in
 * list order (newest activity first) and one by `sid`. Every change copies only the path it touches,
 * so a message that moves one row to the top costs O(log n), not a sort of the whole list, and an
 * old version stays valid for whoever still holds it. Each node also counts the rows and the unread
 * messages below it, so the row at an index, the index of a row and the unread total are O(log n).
 *
 * A row's priority is a hash of its sid: the shape of a treap depends only on its rows, so two lists
 * with the same rows are equal node for node, whatever the history that built them.
 */
export interface Rows {
  readonly order: Node | undefined;
  readonly bySid: Node | undefined;
}

interface Node {
  readonly row: Row;
  readonly priority: number;
  readonly left: Node | undefined;
  readonly right: Node | undefined;
  readonly size: number;
  readonly unread: number;
}

type Compare = (a: Row, b: Row) => number;

/**
 * List order: last activity, then the latest change (`seq`), then `sid` so that the order is total. The
 * server's list breaks a tie of times by `sid` alone (a position only a message moves, for paging); here
 * the row that changed last goes on top.
 */
const bySid: Compare = (a, b) => (a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0);
export const byActivity: Compare = (a, b) =>
  b.last_message_time - a.last_message_time || (b.seq ?? 0) - (a.seq ?? 0) || bySid(a, b);

/** FNV-1a of the sid: a deterministic priority. */
function priorityOf(sid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sid.length; i++) h = Math.imul(h ^ sid.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Which of two rows sits higher in a treap: priority first, the sid breaks a tie of hashes. */
const above = (p: number, sid: string, q: number, qsid: string) => p > q || (p === q && sid < qsid);

const sizeOf = (n: Node | undefined) => n?.size ?? 0;
const unreadOf = (n: Node | undefined) => n?.unread ?? 0;

function node(row: Row, priority: number, left: Node | undefined, right: Node | undefined): Node {
  return {
    row,
    priority,
    left,
    right,
    size: sizeOf(left) + 1 + sizeOf(right),
    unread: unreadOf(left) + row.unread_count + unreadOf(right),
  };
}

/** Rows below `row` to the left, the rest to the right. */
function split(t: Node | undefined, row: Row, cmp: Compare): [Node | undefined, Node | undefined] {
  if (!t) return [undefined, undefined];
  if (cmp(t.row, row) < 0) {
    const [l, r] = split(t.right, row, cmp);
    return [node(t.row, t.priority, t.left, l), r];
  }
  const [l, r] = split(t.left, row, cmp);
  return [l, node(t.row, t.priority, r, t.right)];
}

function join(a: Node | undefined, b: Node | undefined): Node | undefined {
  if (!a) return b;
  if (!b) return a;
  if (above(a.priority, a.row.sid, b.priority, b.row.sid))
    return node(a.row, a.priority, a.left, join(a.right, b));
  return node(b.row, b.priority, join(a, b.left), b.right);
}

function insert(t: Node | undefined, row: Row, priority: number, cmp: Compare): Node {
  if (!t) return node(row, priority, undefined, undefined);
  if (above(priority, row.sid, t.priority, t.row.sid)) {
    const [l, r] = split(t, row, cmp);
    return node(row, priority, l, r);
  }
  return cmp(row, t.row) < 0
    ? node(t.row, t.priority, insert(t.left, row, priority, cmp), t.right)
    : node(t.row, t.priority, t.left, insert(t.right, row, priority, cmp));
}

function remove(t: Node | undefined, row: Row, cmp: Compare): Node | undefined {
  if (!t) return undefined;
  const c = cmp(row, t.row);
  if (c === 0) return join(t.left, t.right);
  return c < 0
    ? node(t.row, t.priority, remove(t.left, row, cmp), t.right)
    : node(t.row, t.priority, t.left, remove(t.right, row, cmp));
}

/** The treap of rows already in `cmp` order, in O(n) (a Cartesian tree built with a stack). */
function build(sorted: readonly Row[]): Node | undefined {
  // Mutable while building; frozen in spirit once returned.
  type Draft = { row: Row; priority: number; left?: Draft; right?: Draft };
  const stack: Draft[] = [];
  for (const row of sorted) {
    const d: Draft = { row, priority: priorityOf(row.sid) };
    // The rows it rises above become its left subtree, the last of them its root.
    let top = stack.at(-1);
    while (top && above(d.priority, d.row.sid, top.priority, top.row.sid)) {
      d.left = stack.pop();
      top = stack.at(-1);
    }
    if (top) top.right = d;
    stack.push(d);
  }
  const finish = (d: Draft | undefined): Node | undefined =>
    d ? node(d.row, d.priority, finish(d.left), finish(d.right)) : undefined;
  return finish(stack[0]);
}

export const emptyRows: Rows = { order: undefined, bySid: undefined };

/**
 * The rows of a snapshot; a sid that comes twice keeps its last row. The list order is built now; the
 * treap by sid, half the work, the first time it is read (the first lookup or change), not in the task
 * that puts thousands of rows on screen.
 */
export function rowsOf(list: readonly Row[]): Rows {
  const unique = [...new Map(list.map((c) => [c.sid, c])).values()];
  const order = build([...unique].sort(byActivity));
  let sids: Node | undefined | null = null;
  return {
    order,
    get bySid() {
      return sids === null ? (sids = build(unique.sort(bySid))) : sids;
    },
  };
}

export function rowCount(rows: Rows): number {
  return sizeOf(rows.order);
}

/** The row of `sid`, in O(log n). */
export function findRow(rows: Rows, sid: string): Row | undefined {
  let t = rows.bySid;
  while (t) {
    if (sid === t.row.sid) return t.row;
    t = sid < t.row.sid ? t.left : t.right;
  }
  return undefined;
}

/** Puts `row` in (replacing the row of the same sid), in O(log n). */
export function putRow(rows: Rows, row: Row): Rows {
  const old = findRow(rows, row.sid);
  if (old === row) return rows;
  const priority = priorityOf(row.sid);
  const order = insert(
    old ? remove(rows.order, old, byActivity) : rows.order,
    row,
    priority,
    byActivity,
  );
  const sids = insert(old ? remove(rows.bySid, old, bySid) : rows.bySid, row, priority, bySid);
  return { order, bySid: sids };
}

/** Takes the row of `sid` out, in O(log n). */
export function removeRow(rows: Rows, sid: string): Rows {
  const old = findRow(rows, sid);
  if (!old) return rows;
  return { order: remove(rows.order, old, byActivity), bySid: remove(rows.bySid, old, bySid) };
}

/** The row at `index` in list order, in O(log n). */
export function rowAt(rows: Rows, index: number): Row | undefined {
  let t = rows.order;
  let i = index;
  while (t) {
    const left = sizeOf(t.left);
    if (i < left) t = t.left;
    else if (i === left) return t.row;
    else {
      i -= left + 1;
      t = t.right;
    }
  }
  return undefined;
}

/** Where the row of `sid` is in list order, or -1; O(log n). */
export function indexOfRow(rows: Rows, sid: string): number {
  const row = findRow(rows, sid);
  if (!row) return -1;
  let t = rows.order;
  let index = 0;
  while (t) {
    const c = byActivity(row, t.row);
    if (c === 0) return index + sizeOf(t.left);
    if (c < 0) t = t.left;
    else {
      index += sizeOf(t.left) + 1;
      t = t.right;
    }
  }
  return -1;
}

/** Rows `start` (inclusive) to `end` (exclusive) in list order, in O(log n + k). */
export function rowSlice(rows: Rows, start = 0, end = rowCount(rows)): Row[] {
  const out: Row[] = [];
  const walk = (t: Node | undefined, offset: number) => {
    if (!t || offset >= end || offset + t.size <= start) return;
    const at = offset + sizeOf(t.left);
    walk(t.left, offset);
    if (at >= start && at < end) out.push(t.row);
    walk(t.right, at + 1);
  };
  walk(rows.order, 0);
  return out;
}

/** Sum of every row's unread count, in O(1). */
export function unreadSum(rows: Rows): number {
  return unreadOf(rows.order);
}

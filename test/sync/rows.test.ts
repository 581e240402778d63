// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FullConversation as Conversation } from '../../src/protocol/index.ts';
import {
  byActivity,
  emptyRows,
  findRow,
  indexOfRow,
  putRow,
  removeRow,
  rowAt,
  rowCount,
  rowsOf,
  rowSlice,
  unreadSum,
  type Rows,
} from '../../src/sync/rows.ts';

const row = (sid: string, time: number, seq: number, unread = 0): Conversation => ({
  sid,
  name: '',
  participant_keys: ['alice', 'bob'],
  last_message: `at ${time}`,
  last_message_time: time,
  unread_count: unread,
  created_at: 1,
  seq,
});

type Op =
  | { kind: 'put'; sid: number; time: number; seq: number; unread: number }
  | { kind: 'remove'; sid: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('put' as const),
      sid: fc.nat(40),
      time: fc.nat(20),
      seq: fc.nat(1000),
      unread: fc.nat(5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), sid: fc.nat(40) }) },
);

/** The obvious model: a map by sid, sorted in full for every question. */
function model(ops: Op[]): Map<string, Conversation> {
  const m = new Map<string, Conversation>();
  for (const op of ops) {
    if (op.kind === 'put') m.set(`c${op.sid}`, row(`c${op.sid}`, op.time, op.seq, op.unread));
    else m.delete(`c${op.sid}`);
  }
  return m;
}

function apply(ops: Op[]): Rows {
  let rows = emptyRows;
  for (const op of ops)
    rows =
      op.kind === 'put'
        ? putRow(rows, row(`c${op.sid}`, op.time, op.seq, op.unread))
        : removeRow(rows, `c${op.sid}`);
  return rows;
}

describe('the conversation rows', () => {
  it('answer like a list sorted in full after every change', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const rows = apply(ops);
        const expected = [...model(ops).values()].sort(byActivity);
        expect(rowSlice(rows)).toEqual(expected);
        expect(rowCount(rows)).toBe(expected.length);
        expect(unreadSum(rows)).toBe(expected.reduce((n, c) => n + c.unread_count, 0));
        expected.forEach((c, i) => {
          expect(rowAt(rows, i)).toEqual(c);
          expect(indexOfRow(rows, c.sid)).toBe(i);
          expect(findRow(rows, c.sid)).toEqual(c);
        });
        expect(rowAt(rows, expected.length)).toBeUndefined();
        expect(indexOfRow(rows, 'nope')).toBe(-1);
        const start = Math.floor(expected.length / 3);
        expect(rowSlice(rows, start, start + 5)).toEqual(expected.slice(start, start + 5));
      }),
    );
  });

  it('have one shape for one set of rows, whatever history built them', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        expect(apply(ops)).toEqual(rowsOf([...model(ops).values()]));
      }),
    );
  });

  it('leave an older version as it was', () => {
    const before = rowsOf([row('a', 1, 1), row('b', 2, 2)]);
    const after = putRow(before, row('a', 3, 3, 4));
    expect(rowSlice(before).map((c) => c.sid)).toEqual(['b', 'a']);
    expect(rowSlice(after).map((c) => c.sid)).toEqual(['a', 'b']);
    expect(unreadSum(before)).toBe(0);
    expect(unreadSum(after)).toBe(4);
  });

  it('keep the last row of a sid that a snapshot lists twice', () => {
    const rows = rowsOf([row('a', 1, 1), row('a', 5, 5)]);
    expect(rowSlice(rows)).toEqual([row('a', 5, 5)]);
  });

  it('move a row to the top of 10,000 by touching a few dozen nodes, not the list', () => {
    const many = rowsOf(Array.from({ length: 10_000 }, (_, i) => row(`c${i}`, i, i)));
    const moved = putRow(many, row('c17', 20_000, 20_000));
    expect(rowAt(moved, 0)?.sid).toBe('c17');
    // Nodes shared with the old version are the same objects: count the new ones.
    const nodes = (rows: Rows) => {
      const seen = new Set<object>();
      const walk = (t: Rows['order']) => {
        if (!t) return;
        seen.add(t);
        walk(t.left);
        walk(t.right);
      };
      walk(rows.order);
      walk(rows.bySid);
      return seen;
    };
    const old = nodes(many);
    const fresh = [...nodes(moved)].filter((n) => !old.has(n));
    expect(fresh.length).toBeLessThan(200);
  });
});

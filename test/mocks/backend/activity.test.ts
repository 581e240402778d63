// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comesAfter, type ListPosition } from '../../../src/protocol/index.ts';
import { ActivityOrder } from '../../../mocks/backend/activity.ts';

/** The obvious model: every conversation's latest time, sorted in full for every question. */
function sorted(times: Map<string, number>): ListPosition[] {
  return [...times]
    .map(([sid, last_message_time]) => ({ last_message_time, sid }))
    .sort((a, b) => (comesAfter(a, b) ? 1 : comesAfter(b, a) ? -1 : 0));
}

describe('the dev backend list order', () => {
  it('lists what a full sort lists, from any position, however conversations move', () => {
    const setArb = fc.record({ sid: fc.nat(30).map((n) => `c${n}`), time: fc.nat(12) });
    fc.assert(
      fc.property(
        fc.array(setArb, { maxLength: 120 }),
        fc.record({ last_message_time: fc.nat(13), sid: fc.nat(31).map((n) => `c${n}`) }),
        (sets, from) => {
          const order = new ActivityOrder();
          const times = new Map<string, number>();
          for (const { sid, time } of sets) {
            order.set(sid, time);
            times.set(sid, time);
          }
          const all = sorted(times);
          expect([...order.after()]).toEqual(all.map((p) => p.sid));
          expect([...order.after(from)]).toEqual(
            all.filter((p) => comesAfter(p, from)).map((p) => p.sid),
          );
        },
      ),
    );
  });
});

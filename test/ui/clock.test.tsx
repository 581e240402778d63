import { waitFor } from '@solidjs/testing-library';
import { expect, it } from 'vitest';
import { listTime } from '../../src/ui/format.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount, rowOf } from '../support/island.ts';

// The times the list shows (the clock today, the weekday this week) follow the island's clock, the session's environment, ticked
// by one timer for the whole island.

it('writes the list’s times by the clock it is given, and moves them on with one timer', async () => {
  const world = createFakeWorld();
  // The wire's times are unix seconds.
  const sent = world.send('alice', world.dm.sid, 'hello').created_at * 1000;
  let now = sent + 5 * 60_000;
  // The island's 1 s tick is held here and run by hand; every other timer runs as usual.
  const ticks = new Map<object, () => void>();
  const { host } = mount({
    world,
    lang: () => 'en',
    environment: {
      now: () => now,
      setTimeout: (fn, ms) => {
        if (ms !== 1000) return setTimeout(fn, ms);
        const handle = {};
        ticks.set(handle, fn);
        return handle;
      },
      clearTimeout: (handle) =>
        ticks.delete(handle as object)
          ? undefined
          : clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  });
  const time = () => rowOf(host, world.dm.sid)?.querySelector('.hm-conv-time')?.textContent;
  await waitFor(() => expect(time()).toBe(listTime(sent, now, 'en')));
  const first = time();
  now += 2 * 24 * 60 * 60_000;
  expect(ticks.size).toBe(1);
  const tick = [...ticks.values()][0]!;
  ticks.clear();
  tick();
  await waitFor(() => expect(time()).toBe(listTime(sent, now, 'en')));
  expect(time()).not.toBe(first);
  // It set its next tick, and only one.
  expect(ticks.size).toBe(1);
});

import { waitFor } from '@solidjs/testing-library';
import { afterEach, expect, it } from 'vitest';
import { listTime } from '../../src/ui/format.ts';
import { mountIsland } from '../../src/ui/index.ts';
import { createFakeWorld } from '../support/fake-world.ts';

// The times the list shows (the clock today, the weekday this week) follow the island's clock, the session's environment, ticked
// by one timer for the whole island.

const mounted: (() => void)[] = [];
afterEach(() => {
  for (const dispose of mounted.splice(0)) dispose();
  document.body.innerHTML = '';
  localStorage.clear();
});

it('writes the list’s times by the clock it is given, and moves them on with one timer', async () => {
  const world = createFakeWorld();
  // The wire's times are unix seconds.
  const sent = world.send('alice', world.dm.sid, 'hello').created_at * 1000;
  let now = sent + 5 * 60_000;
  // The island's 1 s tick is held here and run by hand; every other timer runs as usual.
  const ticks = new Map<object, () => void>();
  const host = document.createElement('div');
  document.body.append(host);
  mounted.push(
    mountIsland(host, {
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'bob',
      client: world.client('bob'),
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
    }),
  );
  const time = () =>
    host.querySelector(`button.hm-conv[data-sid="${world.dm.sid}"] .hm-conv-time`)?.textContent;
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

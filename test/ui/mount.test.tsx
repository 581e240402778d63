import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountIsland } from '../../src/ui/index.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { useFakeTimeouts } from '../support/clock.ts';

afterEach(() => {
  document.body.replaceChildren();
  document.adoptedStyleSheets = [];
});

/** Fake timers (not message tasks), a world, a host element; and the timers pending before the mount. */
function setUp() {
  useFakeTimeouts();
  const world = createFakeWorld();
  const host = document.createElement('div');
  document.body.append(host);
  return { world, host, timersBefore: vi.getTimerCount() };
}

/** Once torn down: nothing left in the host or the document, and after a minute no open stream and no timer. */
async function expectUndone(
  world: ReturnType<typeof createFakeWorld>,
  host: HTMLElement,
  timersBefore: number,
) {
  expect(host.childNodes).toHaveLength(0);
  expect(document.adoptedStyleSheets).toHaveLength(0);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(world.server.connections.filter((conn) => !conn.aborted)).toHaveLength(0);
  expect(vi.getTimerCount()).toBe(timersBefore);
}

describe('mountIsland', () => {
  it('undoes everything it started when rendering throws, then passes the error on', async () => {
    const { world, host, timersBefore } = setUp();
    const options = {
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'bob',
      client: world.client('bob'),
    };
    // A failure in the middle of the first render, after the session has opened its stream.
    const onStatus = () => {
      throw new Error('rendering failed');
    };
    expect(() => mountIsland(host, { ...options, onStatus })).toThrow('rendering failed');
    // Nothing streams on unseen: no open stream, no request.
    await expectUndone(world, host, timersBefore);
    expect(world.server.rpcCalls).toHaveLength(0);
  });

  it('undoes everything when its views fail to render in the next task, and tells onFailure', async () => {
    const { world, host, timersBefore } = setUp();
    const failures: unknown[] = [];
    // The views read the texts as they render; the session does not.
    const strings = () => {
      throw new Error('views failed');
    };
    mountIsland(host, {
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'bob',
      client: world.client('bob'),
      strings,
      onFailure: (error) => failures.push(error),
    });
    // The views come a task after the session started.
    expect(failures).toHaveLength(0);
    await vi.waitFor(() => expect(failures).toHaveLength(1));
    expect((failures[0] as Error).message).toBe('views failed');
    await expectUndone(world, host, timersBefore);
  });
});

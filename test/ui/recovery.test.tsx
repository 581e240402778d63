import { fireEvent, waitFor } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';
import { mount, openChat, rowOf, sendText } from '../support/island.ts';
import { useFakeTimeouts } from '../support/clock.ts';

const bubbleTexts = (host: HTMLElement) =>
  [...host.querySelectorAll('.hm-msg .hm-text')].map((n) => n.textContent);
const state = (host: HTMLElement) => host.querySelector('.hm-status')?.getAttribute('data-state');
const calls = (world: FakeWorld, method: string) =>
  world.server.rpcCalls.filter((c) => c.method === method).length;

async function openLive(host: HTMLElement, sid: string, wait: typeof waitFor = waitFor) {
  await openChat(host, sid, wait);
  await wait(() => expect(state(host)).toBe('live'));
  await wait(() => expect(host.querySelector('.hm-msg')).toBeTruthy());
}

describe('recovering after the stream drops', () => {
  it('recovers by replay: what was sent meanwhile arrives, and no snapshot is fetched again', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openLive(host, world.dm.sid);
    const lists = calls(world, 'conversation.list');
    const pages = calls(world, 'conversation.list_messages');
    world.server.current!.close();
    // Sent while no stream is open: only the replay after Last-Event-ID can bring them.
    world.send('alice', world.dm.sid, 'while away 1');
    world.send('alice', world.dm.sid, 'while away 2');
    await waitFor(() =>
      expect(bubbleTexts(host).slice(-2)).toEqual(['while away 1', 'while away 2']),
    );
    await waitFor(() => expect(state(host)).toBe('live'));
    expect(world.server.connections).toHaveLength(2);
    expect(world.server.connections[1]!.lastEventId).toMatch(/^[0-9a-f]+:\d+$/);
    expect(calls(world, 'conversation.list')).toBe(lists);
    expect(calls(world, 'conversation.list_messages')).toBe(pages);
  });

  it('recovers by resync when its position fell out of the log: the snapshot is fetched again', async () => {
    const world = createFakeWorld({ logSize: 2 });
    const { host } = mount({ world });
    await openLive(host, world.dm.sid);
    const lists = calls(world, 'conversation.list');
    const pages = calls(world, 'conversation.list_messages');
    world.server.current!.close();
    for (let i = 1; i <= 3; i++) world.send('alice', world.dm.sid, `while away ${i}`);
    await waitFor(() =>
      expect(bubbleTexts(host).slice(-3)).toEqual(['while away 1', 'while away 2', 'while away 3']),
    );
    await waitFor(() => expect(state(host)).toBe('live'));
    expect(world.server.connections[1]!.lastEventId).not.toBeNull();
    expect(calls(world, 'conversation.list')).toBe(lists + 1);
    expect(calls(world, 'conversation.list_messages')).toBe(pages + 1);
  });

  describe('while the stream waits to reconnect', () => {
    // A minute of backoff: a reconnect within the test's few fake seconds can only be the early one.
    const slow = {
      environment: { random: () => 0.9 },
      tuning: { backoff: { baseMs: 60_000, factor: 2, capMs: 60_000 } },
    };

    async function waiting() {
      useFakeTimeouts();
      const world = createFakeWorld();
      const { host } = mount({ world, client: world.client('bob', slow) });
      await openLive(host, world.dm.sid, vi.waitFor);
      // Opening the chat marks it read after a debounce: that RPC must be over before the drop.
      await vi.advanceTimersByTimeAsync(1000);
      await vi.waitFor(() => expect(calls(world, 'conversation.mark_read')).toBe(1));
      return { world, host };
    }

    async function dropAndWait(world: FakeWorld, host: HTMLElement) {
      world.server.current!.close();
      await vi.waitFor(() => expect(state(host)).toBe('reconnecting'));
      await vi.advanceTimersByTimeAsync(5000);
      expect(world.server.connections).toHaveLength(1);
    }

    it('a successful RPC makes the stream reconnect at once, not after the backoff', async () => {
      const { world, host } = await waiting();
      // A send that leaves while live and is answered only once the stream waits.
      const release = world.hold('conversation.send_message');
      sendText(host, 'held');
      await vi.waitFor(() => expect(calls(world, 'conversation.send_message')).toBe(1));
      await dropAndWait(world, host);
      release();
      await vi.waitFor(() => expect(world.server.connections).toHaveLength(2));
      await vi.waitFor(() => expect(state(host)).toBe('live'));
    });

    it('a user action makes the stream reconnect at once', async () => {
      const { world, host } = await waiting();
      await dropAndWait(world, host);
      fireEvent.click(rowOf(host, world.group.sid)!);
      await vi.waitFor(() => expect(world.server.connections).toHaveLength(2));
      await vi.waitFor(() => expect(state(host)).toBe('live'));
    });
  });
});

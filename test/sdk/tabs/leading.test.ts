// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '../../../src/sdk/index.ts';
import { message, NAME, seqs, settle, useTabsWorld } from '../../support/shared-tabs.ts';

const world = useTabsWorld();
const { openTab, live, open } = world;

describe('the leading tab: the real stream, relayed in batches, and what a joining tab is told', () => {
  it('a tab joining mid-stream is told the status and gets a ready to take its snapshot from', async () => {
    const a = openTab();
    const connection = await live([a]);
    connection.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    const b = openTab();
    await settle();
    expect(b.out.items).toEqual<StreamItem[]>([
      { kind: 'status', status: { state: 'connected', heartbeatMs: 1000, resumable: true } },
      {
        kind: 'event',
        event: { type: 'ready', data: { cursor: 'fakeepoch:10', heartbeat_ms: 1000 } },
        id: 'fakeepoch:11',
      },
    ]);
    expect(b.sub.lastEventId).toBe('fakeepoch:11');
    connection.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(seqs(b)).toEqual([12]);
    expect(open()).toHaveLength(1);
  });

  it('a joining tab shows the leader reconnecting, with the same moment of the next try', async () => {
    const a = openTab();
    const connection = await live([a]);
    connection.error();
    await settle();
    const b = openTab();
    await settle();
    const leaderSays = a.out.statuses().at(-1)!;
    expect(leaderSays.state).toBe('reconnecting');
    expect(b.out.statuses()).toEqual([leaderSays]);
    expect(b.out.types()).toEqual([]);
  });

  it('relays a burst in a few posts, not one per event, and in order', async () => {
    const [a, b] = [openTab(), openTab()];
    const connection = await live([a!, b!]);
    const listener = new (world.browser.tab().BroadcastChannel)(NAME);
    const posts: { type: string; items?: unknown[] }[] = [];
    listener.onmessage = (event) => posts.push(event.data as { type: string; items?: unknown[] });
    for (let seq = 11; seq <= 510; seq++)
      connection.push({ type: 'chatmessage.new', data: message(seq) });
    await settle();
    expect(seqs(b!)).toEqual(Array.from({ length: 500 }, (_, i) => 11 + i));
    const relayed = posts.filter((p) => p.type === 'items');
    expect(relayed.flatMap((p) => p.items)).toHaveLength(500);
    expect(relayed.length).toBeLessThanOrEqual(10);
    listener.close();
  });

  it('a leader alone posts no events; a tab that joins is relayed to, and one that leaves is not', async () => {
    const a = openTab();
    const connection = await live([a]);
    const listener = new (world.browser.tab().BroadcastChannel)(NAME);
    const events = () =>
      posts
        .filter((p) => p.type === 'items')
        .flatMap((p) => p.items!)
        .filter((i) => (i as StreamItem).kind === 'event').length;
    const posts: { type: string; items?: unknown[] }[] = [];
    listener.onmessage = (event) => posts.push(event.data as { type: string; items?: unknown[] });
    connection.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    expect(seqs(a)).toEqual([11]);
    expect(events()).toBe(0);
    const b = openTab();
    await settle();
    connection.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(seqs(b)).toEqual([12]);
    expect(events()).toBe(1);
    b.close();
    await settle();
    connection.push({ type: 'chatmessage.new', data: message(13) });
    await settle();
    expect(events()).toBe(1);
    listener.close();
  });

  it('tells who leads, and shows the leader each item it relays', async () => {
    const [a, b] = [openTab(), openTab()];
    const changes: boolean[] = [];
    const relayed: string[] = [];
    b!.sub.onLeadershipChange((leading) => changes.push(leading));
    b!.sub.onRelay((item) =>
      relayed.push(item.kind === 'event' ? item.event.type : item.status.state),
    );
    const first = await live([a!, b!]);
    first.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    expect(relayed).toEqual([]);
    a!.close();
    await settle();
    world.server.current!.ready(1000);
    world.server.current!.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(changes).toEqual([true]);
    expect(relayed).toEqual(['connecting', 'connected', 'connected', 'ready', 'chatmessage.new']);
    b!.close();
    await settle();
    expect(changes).toEqual([true, false]);
  });

  it('"Retry now" in a follower reaches the leader', async () => {
    const [a, b] = [openTab(), openTab()];
    const first = await live([a!, b!]);
    first.error();
    await settle();
    expect(b!.out.states().at(-1)).toBe('reconnecting');
    const before = world.server.connections.length;
    b!.sub.retryNow();
    await settle();
    expect(world.server.connections.length).toBe(before + 1);
    // The new connection is up as soon as the server answers it.
    expect(b!.out.states().at(-1)).toBe('connected');
  });
});

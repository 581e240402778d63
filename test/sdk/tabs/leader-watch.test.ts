// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { RelayMessage } from '../../../src/sdk/tabs/index.ts';
import { message, NAME, seqs, settle, useTabsWorld, type Tab } from '../../support/shared-tabs.ts';

// A leader whose script stops (a debugger, a busy loop, alert(), a frozen tab) holds
// the lock, yet must not leave the other tabs deaf.

const world = useTabsWorld();
const { openTab, open } = world;
// Seconds pass here without a word on the stream: a heartbeat long enough that no connection ends for it.
const live = (tabs: Tab[]) => world.live(tabs, 10, 60_000);

const push = (connection: { push: (e: never, id?: string) => void }, seq: number, id?: string) =>
  connection.push({ type: 'chatmessage.new', data: message(seq) } as never, id);

/** Records what is posted on the tabs' channel. */
function listen(): { types: () => string[]; close(): void } {
  const channel = new (world.browser.tab().BroadcastChannel)(NAME);
  const posts: RelayMessage[] = [];
  channel.onmessage = (event) => posts.push(event.data as RelayMessage);
  return { types: () => posts.map((p) => p.type), close: () => channel.close() };
}

describe('a leader that does not answer', () => {
  it('keeps the lead while it answers, however long its stream is quiet, at about one ping and one answer a second', async () => {
    const [a, b, c] = [openTab(), openTab({ random: () => 0.2 }), openTab({ random: () => 0.8 })];
    await live([a!, b!, c!]);
    const channel = listen();
    await settle(10_000);
    expect(a!.sub.isLeader).toBe(true);
    expect(open()).toHaveLength(1);
    const types = channel.types();
    expect(types.filter((t) => t === 'ping').length).toBeGreaterThanOrEqual(5);
    expect(types.filter((t) => t === 'ping').length).toBeLessThanOrEqual(10);
    expect(types.filter((t) => t === 'beat')).toHaveLength(
      types.filter((t) => t === 'ping').length,
    );
    for (const tab of [b!, c!]) expect(tab.warn).not.toHaveBeenCalled();
    channel.close();
  });

  it('is replaced within seconds by a follower, which resumes from its position: nothing is lost or doubled', async () => {
    const [a, b, c] = [openTab(), openTab(), openTab()];
    const first = await live([a!, b!, c!]);
    push(first, 11);
    await settle();
    a!.fake.stall();
    // Its stream still reads 12, but its script posts nothing: nobody else hears it.
    push(first, 12);
    await settle(4000);
    const second = world.server.current!;
    expect(second).not.toBe(first);
    expect(second.lastEventId).toBe('fakeepoch:11');
    const leaders = [b!, c!].filter((t) => t.sub.isLeader);
    expect(leaders).toHaveLength(1);
    const [leader] = leaders as [Tab];
    const follower = leader === b ? c! : b!;
    expect(leader.warn).toHaveBeenCalledWith(
      'the leading tab did not answer: this tab takes over the stream',
    );
    // The server replays from 11.
    second.ready(60_000);
    push(second, 12, 'fakeepoch:12');
    push(second, 13);
    await settle();
    for (const tab of [leader, follower]) {
      expect(seqs(tab)).toEqual([11, 12, 13]);
      expect(tab.out.states().at(-1)).toBe('connected');
    }
    expect(seqs(a!)).toEqual([11, 12]);
  });

  it('learns it lost the lock when its script runs again: its stream ends, and it follows without losing anything', async () => {
    const [a, b] = [openTab(), openTab()];
    const first = await live([a!, b!]);
    a!.fake.stall();
    push(first, 11);
    await settle(4000);
    const second = world.server.current!;
    expect(second).not.toBe(first);
    second.ready(60_000);
    push(second, 11, 'fakeepoch:11');
    push(second, 12);
    await settle();
    expect(b!.sub.isLeader).toBe(true);
    a!.fake.resume();
    await settle();
    // What it relayed while stalled (11) went out as it woke, and b took none of it from a tab that does not lead.
    expect(first.aborted).toBe(true);
    expect(a!.sub.isLeader).toBe(false);
    expect(open()).toEqual([second]);
    expect(seqs(b!)).toEqual([11, 12]);
    push(second, 13);
    await settle();
    // The new leader did not know a followed when it relayed 12: a is told where it stands and to
    // resync, and its consumer takes a snapshot, which has 12.
    expect(a!.out.types()).toEqual([
      'ready',
      'chatmessage.new',
      'ready',
      'resync',
      'chatmessage.new',
    ]);
    expect(seqs(a!)).toEqual([11, 13]);
    expect(seqs(b!)).toEqual([11, 12, 13]);
    expect(a!.out.states().at(-1)).toBe('connected');
  });

  it('a visible follower takes over before a hidden one, which then follows it', async () => {
    const [a, hidden, visible] = [openTab(), openTab({ visible: false }), openTab()];
    await live([a!, hidden!, visible!]);
    a!.fake.stall();
    await settle(6000);
    expect(visible!.sub.isLeader).toBe(true);
    expect(hidden!.sub.isLeader).toBe(false);
    expect(world.server.connections).toHaveLength(2);
    world.server.current!.ready(60_000);
    push(world.server.current!, 11);
    await settle();
    expect(seqs(hidden!)).toEqual([11]);
  });

  it('a tab that joins while the leader is stalled is not left waiting for its answer', async () => {
    const a = openTab();
    await live([a]);
    a.fake.stall();
    const b = openTab();
    await settle(4000);
    expect(b.sub.isLeader).toBe(true);
    world.server.current!.ready(60_000);
    push(world.server.current!, 11);
    await settle();
    expect(b.out.states().at(-1)).toBe('connected');
    expect(seqs(b)).toEqual([11]);
  });
});

describe('a leader whose timers are held back', () => {
  it('is replaced by a visible follower once it is late to reconnect, and the stream is back within seconds', async () => {
    const [a, hidden, visible] = [
      openTab({ throttled: true }),
      openTab({ visible: false }),
      openTab(),
    ];
    const first = await live([a!, hidden!, visible!]);
    first.error();
    await settle();
    const waiting = visible!.out.statuses().at(-1)!;
    expect(waiting.state).toBe('reconnecting');
    // The leader said it would try again within a second; its timer is held back for a minute.
    await settle(2500);
    expect(visible!.sub.isLeader).toBe(true);
    expect(visible!.warn).toHaveBeenCalledWith(
      'the leading tab is late to reconnect: this tab takes over the stream',
    );
    const second = world.server.current!;
    expect(second).not.toBe(first);
    expect(second.lastEventId).toBe('fakeepoch:10');
    second.ready(60_000);
    push(second, 11);
    await settle();
    for (const tab of [a!, hidden!, visible!]) {
      expect(tab.out.states().at(-1)).toBe('connected');
      expect(seqs(tab)).toEqual([11]);
    }
    expect(a!.sub.isLeader).toBe(false);
    expect(open()).toEqual([second]);
  });

  it('is left to reconnect by itself when it does so on time', async () => {
    const [a, b] = [openTab(), openTab()];
    const first = await live([a!, b!]);
    first.error();
    await settle(3000);
    expect(a!.sub.isLeader).toBe(true);
    expect(world.server.connections).toHaveLength(2);
    expect(b!.warn).not.toHaveBeenCalled();
  });

  it('is left be by a hidden follower, whose "Retry now" (sent as its page becomes visible) it answers at once', async () => {
    const [a, hidden] = [openTab({ throttled: true }), openTab({ visible: false })];
    const first = await live([a!, hidden!]);
    first.error();
    await settle(3000);
    expect(a!.sub.isLeader).toBe(true);
    expect(world.server.connections).toHaveLength(1);
    hidden!.sub.retryNow();
    await settle();
    expect(world.server.connections).toHaveLength(2);
    expect(a!.sub.isLeader).toBe(true);
  });
});

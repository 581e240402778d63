// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '../../../src/sdk/index.ts';
import { message, NAME, seqs, settle, useTabsWorld } from '../../support/shared-tabs.ts';

const world = useTabsWorld();
const { openTab, live, open } = world;

describe('joining and leaving: the lock, the channel and the chat each tab shows', () => {
  it('two tabs starting in the same task elect one leader; the other hears everything from the start', async () => {
    const [a, b] = [openTab(), openTab()];
    await live([a!, b!]);
    expect(open()).toHaveLength(1);
    expect([a!.sub.isLeader, b!.sub.isLeader].sort()).toEqual([false, true]);
    for (const tab of [a!, b!])
      expect(tab.out.states()).toEqual(['connecting', 'connected', 'connected']);
  });

  it('a leader that closes its tab hands over as quickly, without waiting for anything', async () => {
    const [a, b] = [openTab(), openTab()];
    const first = await live([a!, b!]);
    a!.close();
    await settle();
    expect(first.aborted).toBe(true);
    expect(b!.sub.isLeader).toBe(true);
    expect(open()).toHaveLength(1);
    expect(world.server.current!.lastEventId).toBe('fakeepoch:10');
  });

  it('tells the other tabs which chat it shows, until it shows another, none, or leaves', async () => {
    const [a, c] = [openTab(), openTab()];
    await live([a!, c!]);
    c!.sub.show('conv_1');
    await settle();
    expect([
      a!.sub.shownElsewhere('conv_1'),
      a!.sub.shownElsewhere('conv_2'),
      c!.sub.shownElsewhere('conv_1'),
    ]).toEqual([true, false, false]);
    // A tab that joins later learns it from the hello of a tab that joins after it.
    const d = openTab();
    await settle();
    expect(d.sub.shownElsewhere('conv_1')).toBe(false);
    c!.fake.hide();
    await settle();
    expect(a!.sub.shownElsewhere('conv_1')).toBe(false);
    c!.fake.show();
    await settle();
    expect(d.sub.shownElsewhere('conv_1')).toBe(true);
    c!.sub.show('conv_2');
    await settle();
    expect([d.sub.shownElsewhere('conv_1'), d.sub.shownElsewhere('conv_2')]).toEqual([false, true]);
    c!.sub.show(undefined);
    await settle();
    expect(d.sub.shownElsewhere('conv_2')).toBe(false);
  });
});

describe('hidden tabs and the back/forward cache', () => {
  it('pagehide lets go of the lock and the stream; pageshow joins again and resumes from the cursor', async () => {
    const a = openTab();
    const first = await live([a]);
    first.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    a.fake.hide();
    await settle();
    expect(first.aborted).toBe(true);
    expect(world.browser.holder(NAME)).toBeUndefined();
    expect(world.browser.openChannels(NAME)).toBe(0);
    a.fake.show();
    await settle();
    const second = world.server.current!;
    expect(second.lastEventId).toBe('fakeepoch:11');
    second.ready(1000);
    await settle();
    expect(a.out.states()).toEqual([
      'connecting',
      'connected',
      'connected',
      'connecting',
      'connecting',
      'connected',
      'connected',
    ]);
    expect(a.out.types()).toEqual(['ready', 'chatmessage.new', 'ready']);
  });

  it('a hidden leader hands over to another tab, and rejoins as a follower when shown', async () => {
    const [a, b] = [openTab(), openTab()];
    const first = await live([a!, b!]);
    a!.fake.hide();
    await settle();
    expect(first.aborted).toBe(true);
    expect(b!.sub.isLeader).toBe(true);
    const second = world.server.current!;
    second.ready(1000);
    second.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    expect(seqs(b!)).toEqual([11]);
    expect(seqs(a!)).toEqual([]); // hidden: in the cache, not listening
    a!.fake.show();
    await settle();
    expect(a!.sub.isLeader).toBe(false);
    expect(open()).toHaveLength(1);
    // Back as a follower: told the status and given a ready, then told to resync, since nothing replays
    // what it missed while hidden: it takes a fresh snapshot.
    expect(a!.out.items.slice(-4)).toEqual<StreamItem[]>([
      { kind: 'status', status: { state: 'connecting', attempt: 0 } },
      { kind: 'status', status: { state: 'connected', heartbeatMs: 1000, resumable: true } },
      {
        kind: 'event',
        event: { type: 'ready', data: { cursor: 'fakeepoch:10', heartbeat_ms: 1000 } },
        id: 'fakeepoch:11',
      },
      {
        kind: 'event',
        event: { type: 'resync', data: { reason: 'joined the shared stream behind its position' } },
        id: 'fakeepoch:11',
      },
    ]);
  });

  it('a pageshow that is not from the cache (a fresh load) changes nothing', async () => {
    const a = openTab();
    await live([a]);
    a.fake.pageEvents.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    await settle();
    expect(world.server.connections).toHaveLength(1);
    expect(a.sub.isLeader).toBe(true);
  });
});

// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { StreamItem } from '../../../src/sdk/index.ts';
import { RELAY_VERSION } from '../../../src/sdk/tabs/index.ts';
import type { FakeTab } from '../../support/fake-tabs.ts';
import { message, NAME, seqs, settle, useTabsWorld } from '../../support/shared-tabs.ts';

const world = useTabsWorld();
const { openTab, live, open } = world;

describe('one stream shared by the tabs of an identity', () => {
  it('ten tabs hold one connection, and each event reaches every tab once, with its cursor', async () => {
    const tabs = Array.from({ length: 10 }, () => openTab());
    const connection = await live(tabs);
    expect(open()).toHaveLength(1);
    expect(tabs.filter((t) => t.sub.isLeader)).toEqual([tabs[0]]);
    connection.push({ type: 'chatmessage.new', data: message(11) });
    connection.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    for (const tab of tabs) {
      expect(tab.out.types()).toEqual(['ready', 'chatmessage.new', 'chatmessage.new']);
      expect(seqs(tab)).toEqual([11, 12]);
      expect(tab.sub.lastEventId).toBe('fakeepoch:12');
    }
  });

  it('two tabs starting in the same task elect one leader; the other hears everything from the start', async () => {
    const [a, b] = [openTab(), openTab()];
    await live([a!, b!]);
    expect(open()).toHaveLength(1);
    expect([a!.sub.isLeader, b!.sub.isLeader].sort()).toEqual([false, true]);
    for (const tab of [a!, b!])
      expect(tab.out.states()).toEqual(['connecting', 'connected', 'connected']);
  });

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

  it('when the leader dies a waiting tab takes over from its cursor; no event is lost or doubled', async () => {
    const [a, b, c] = [openTab(), openTab(), openTab()];
    const first = await live([a!, b!, c!]);
    first.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    a!.fake.crash();
    first.error(); // its connection dies with it
    await settle();
    const second = world.server.current!;
    expect(second).not.toBe(first);
    expect(second.lastEventId).toBe('fakeepoch:11');
    expect(open()).toHaveLength(1);
    const leader = b!.sub.isLeader ? b! : c!;
    const follower = leader === b ? c! : b!;
    expect(leader.sub.isLeader).toBe(true);
    // The server replays from the cursor; an event already relayed (11) comes again: harmless, dropped.
    second.ready(1000);
    second.push({ type: 'chatmessage.new', data: message(11) });
    second.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(seqs(follower)).toEqual([11, 12]);
    expect(follower.out.types()).toEqual(['ready', 'chatmessage.new', 'ready', 'chatmessage.new']);
    expect(seqs(leader)).toEqual([11, 11, 12]); // its own stream, as is; the merge rules dedupe by seq
  });

  /** A tab whose lock request reaches the browser only on `admit()`, and whose posts wait while `hold` is on. */
  function slowTab() {
    const tab = world.browser.tab();
    const requests: (() => void)[] = [];
    const held: (() => void)[] = [];
    const slow = { holding: false };
    const fake: FakeTab = {
      ...tab,
      locks: {
        request: (...args) =>
          new Promise(
            (resolve, reject) =>
              void requests.push(() => void tab.locks.request(...args).then(resolve, reject)),
          ),
      },
      BroadcastChannel: class extends tab.BroadcastChannel {
        override postMessage(message: unknown) {
          if (slow.holding) held.push(() => super.postMessage(message));
          else super.postMessage(message);
        }
      },
    };
    return {
      tab: openTab({ fake }),
      admit: () => requests.splice(0).forEach((request) => request()),
      hold: () => void (slow.holding = true),
      release: () => {
        slow.holding = false;
        held.splice(0).forEach((post) => post());
      },
    };
  }
  const resyncAt = (id: string): StreamItem => ({
    kind: 'event',
    event: { type: 'resync', data: { reason: 'joined the shared stream behind its position' } },
    id,
  });

  /**
   * A leads; `slow` slow tabs join, then C, which never heard their hellos and is first in line for the
   * lock. A closes while the slow tabs' posts are held: C takes over, and its stream delivers 11 before
   * any slow tab's answer to its call arrives, so C knows no follower yet.
   */
  async function handOverAheadOfSlowTabs(slow: number) {
    const a = openTab();
    const first = await live([a]);
    const tabs = Array.from({ length: slow }, () => slowTab());
    await settle();
    const c = openTab();
    await settle();
    for (const tab of tabs) {
      tab.admit();
      tab.hold();
    }
    a.close();
    first.error();
    await settle();
    expect(c.sub.isLeader).toBe(true);
    const second = world.server.current!;
    second.ready(1000);
    second.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    expect(seqs(c)).toEqual([11]);
    return { tabs, second };
  }

  it('a follower the new leader did not know, and so relayed nothing to at first, takes a snapshot: nothing is lost', async () => {
    const {
      tabs: [b],
      second,
    } = await handOverAheadOfSlowTabs(1);
    b!.release();
    await settle();
    // B missed 11: it is told to resync (its consumer takes a snapshot, which has 11), and is then relayed to.
    expect(seqs(b!.tab)).toEqual([]);
    expect(b!.tab.out.items.at(-1)).toEqual(resyncAt('fakeepoch:11'));
    second.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(seqs(b!.tab).at(-1)).toBe(12);
  });

  it('a follower that answers after another one did still learns what the new leader withheld before either', async () => {
    const {
      tabs: [b, d],
      second,
    } = await handOverAheadOfSlowTabs(2);
    // D answers first: C now relays, and 12 reaches B too, which moves B's position past the gap at 11.
    d!.release();
    await settle();
    expect(d!.tab.out.items.at(-1)).toEqual(resyncAt('fakeepoch:11'));
    second.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(seqs(b!.tab)).toEqual([12]);
    b!.release();
    await settle();
    expect(b!.tab.out.types().at(-1)).toBe('resync');
  });

  it('a follower the new leader relayed everything to takes no snapshot after the handover', async () => {
    const [a, b, c] = [openTab(), openTab(), openTab()];
    const first = await live([a!, b!, c!]);
    a!.close();
    first.error();
    await settle();
    const second = world.server.current!;
    second.ready(1000);
    second.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    for (const tab of [b!, c!]) {
      expect(seqs(tab)).toEqual([11]);
      expect(tab.out.types()).not.toContain('resync');
    }
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

  it('relays resync, and followers then resume from the new position', async () => {
    const [a, b] = [openTab(), openTab()];
    const connection = await live([a!, b!], 10);
    world.server.seq = 40;
    connection.push({ type: 'resync', data: { reason: 'position not in the replay log' } });
    await settle();
    expect(b!.out.types()).toEqual(['ready', 'resync']);
    // The connection's ready said 10; after resync that is the position, in every tab.
    expect(b!.sub.lastEventId).toBe('fakeepoch:10');
    expect(a!.sub.lastEventId).toBe('fakeepoch:10');
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

  it('a refused identity ends the subscription in every tab', async () => {
    world.server.failNext(401);
    const [a, b] = [openTab(), openTab()];
    await settle();
    await Promise.all([a!.out.done, b!.out.done]);
    for (const tab of [a!, b!]) expect(tab.out.states().at(-1)).toBe('unauthorized');
    expect(world.browser.holder(NAME)).toBeUndefined();
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

  it('takes items only from the tab that leads: a forged message and a forged refusal from another are dropped (issue 30, item 6)', async () => {
    const [a, b] = [openTab(), openTab()];
    const connection = await live([a!, b!]);
    const other = new (world.browser.tab().BroadcastChannel)(NAME);
    other.postMessage({
      v: RELAY_VERSION,
      type: 'items',
      from: 'x',
      items: [
        {
          kind: 'event',
          event: { type: 'chatmessage.new', data: message(99) },
          id: 'fakeepoch:99',
        },
        { kind: 'status', status: { state: 'unauthorized', httpStatus: 401 } },
      ],
    });
    await settle();
    connection.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    expect(a!.sub.isLeader).toBe(true);
    for (const tab of [a!, b!]) {
      expect(seqs(tab)).toEqual([11]);
      expect(tab.out.states().at(-1)).toBe('connected');
      expect(tab.out.finished).toBe(false);
    }
    expect(b!.sub.stats.badFrames).toBe(1);
    expect(b!.warn.mock.calls[0]![0]).toMatch(
      /^dropped a message from another tab: items from x, which does not lead/,
    );
    other.close();
  });

  it('is not held back by a cursor from the future: later events still pass, and its position follows them (issue 30, item 6)', async () => {
    const a = openTab({ tabId: 'leader' });
    const connection = await live([a]);
    const b = openTab();
    await settle();
    const forger = new (world.browser.tab().BroadcastChannel)(NAME);
    // As the leader itself: a harmless event (a read older than anything) at seq 999999999 of the live epoch.
    const read = { type: 'conversation.read', data: { sid: 'conv_1', reader_key: 'bob', seq: 1 } };
    forger.postMessage({
      v: RELAY_VERSION,
      type: 'items',
      from: 'leader',
      items: [{ kind: 'event', event: read, id: 'fakeepoch:999999999' }],
    });
    await settle();
    connection.push({ type: 'chatmessage.new', data: message(11) });
    connection.push({ type: 'chatmessage.new', data: message(12) });
    await settle();
    expect(seqs(b)).toEqual([11, 12]);
    expect(b.sub.lastEventId).toBe('fakeepoch:12');
    expect(b.out.states().at(-1)).toBe('connected');
    forger.close();
  });

  it('drops malformed relay messages with one readable line, and goes on', async () => {
    const [a, b] = [openTab({ tabId: 'leader' }), openTab()];
    const connection = await live([a!, b!]);
    const stranger = new (world.browser.tab().BroadcastChannel)(NAME);
    stranger.postMessage('hello');
    stranger.postMessage({ v: RELAY_VERSION, type: 'items', from: 'leader' });
    stranger.postMessage({
      v: RELAY_VERSION,
      type: 'items',
      from: 'leader',
      items: [{ kind: 'event', event: { type: 'chatmessage.new', data: { sid: 1 } } }],
    });
    stranger.postMessage({
      v: RELAY_VERSION,
      type: 'items',
      from: 'leader',
      items: [{ kind: 'status', status: { state: 'live' } }],
    });
    await settle();
    connection.push({ type: 'chatmessage.new', data: message(11) });
    await settle();
    expect(b!.out.types()).toEqual(['ready', 'chatmessage.new']);
    expect(b!.warn).toHaveBeenCalledTimes(1);
    expect(b!.warn.mock.calls[0]![0]).toMatch(
      /dropped a message from another tab: relay message of version undefined/,
    );
    expect(b!.sub.stats.badFrames).toBe(4);
    stranger.close();
  });

  it('skips a relayed item it cannot parse (an event of a newer build), counts it, and takes the rest of the batch', async () => {
    const a = openTab({ tabId: 'leader' });
    await live([a]);
    const b = openTab();
    await settle();
    // What a leader of a build with an event type this tab does not know would relay.
    const channel = new (world.browser.tab().BroadcastChannel)(NAME);
    const item = (seq: number) => ({
      kind: 'event',
      event: { type: 'chatmessage.new', data: message(seq) },
      id: `fakeepoch:${seq}`,
    });
    const unknown = {
      kind: 'event',
      event: { type: 'chatmessage.reacted', data: { sid: 'msg_11', emoji: '+1' } },
      id: 'fakeepoch:12',
    };
    channel.postMessage({
      v: RELAY_VERSION,
      type: 'items',
      from: 'leader',
      items: [item(11), unknown, item(13)],
    });
    await settle();
    expect(seqs(b)).toEqual([11, 13]);
    expect(b.sub.lastEventId).toBe('fakeepoch:13');
    expect(b.sub.stats.badFrames).toBe(1);
    expect(b.warn).toHaveBeenCalledTimes(1);
    expect(b.warn.mock.calls[0]![0]).toMatch(
      /^dropped relayed item 1: event\.type: expected one of ready, chatmessage\.new/,
    );
    channel.close();
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

  it('tells the other tabs which chat it shows, until it shows another, none, or leaves (issue 30, item 12)', async () => {
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

  it('leaves no lock, request, channel or connection behind once every tab is closed', async () => {
    const tabs = [openTab(), openTab(), openTab()];
    await live(tabs);
    for (const tab of tabs) tab.close();
    await settle();
    await Promise.all(tabs.map((t) => t.out.done));
    expect(world.browser.holder(NAME)).toBeUndefined();
    expect(world.browser.waiting(NAME)).toBe(0);
    expect(world.browser.openChannels(NAME)).toBe(0);
    expect(open()).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
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

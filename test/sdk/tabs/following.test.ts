// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { StreamItem } from '../../../src/sdk/index.ts';
import { RELAY_VERSION } from '../../../src/sdk/tabs/index.ts';
import { missedAt } from '../../../src/sdk/tabs/following.ts';
import type { FakeTab } from '../../support/fake-tabs.ts';
import { message, NAME, seqs, settle, useTabsWorld } from '../../support/shared-tabs.ts';

const world = useTabsWorld();
const { openTab, live, open } = world;

describe('a following tab: takes what the leader relays once, and a snapshot after a gap', () => {
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

  it('takes items only from the tab that leads: a forged message and a forged refusal from another are dropped', async () => {
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

  it('is not held back by a cursor from the future: later events still pass, and its position follows them', async () => {
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
});

describe('missedAt: whether the leader’s state leaves a gap that only a snapshot fills', () => {
  const ready = (id?: string): StreamItem => ({
    kind: 'event',
    event: { type: 'ready', data: { cursor: 'e:1', heartbeat_ms: 1000 } },
    ...(id === undefined ? {} : { id }),
  });
  const connected: StreamItem = { kind: 'status', status: { state: 'connected', heartbeatMs: 1 } };

  it('a joining tab behind the leader’s position resyncs at it; one level with it, or new, does not', () => {
    const join = (at: string | undefined) => ({ by: 'join' as const, at });
    const state = { items: [connected, ready('e:9')] };
    expect(missedAt(join('e:5'), state)).toBe('e:9');
    expect(missedAt(join('other:20'), state)).toBe('e:9');
    expect(missedAt(join('e:9'), state)).toBeUndefined();
    expect(missedAt(join(undefined), state)).toBeUndefined();
    expect(missedAt(join('e:5'), { items: [connected, ready()] })).toBeUndefined();
  });

  it('a tab answering a call resyncs only when the new leader withheld an event it has not had', () => {
    const call = { by: 'call' as const, at: 'e:5' };
    expect(missedAt(call, { items: [connected, ready('e:9')], withheld: 'e:6' })).toBe('e:9');
    expect(missedAt(call, { items: [connected], withheld: 'e:6' })).toBe('e:6');
    expect(missedAt(call, { items: [connected, ready('e:9')], withheld: 'e:5' })).toBeUndefined();
    expect(missedAt(call, { items: [connected, ready('e:9')] })).toBeUndefined();
  });
});

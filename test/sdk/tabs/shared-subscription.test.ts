// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { RELAY_VERSION } from '../../../src/sdk/tabs/index.ts';
import { message, NAME, seqs, settle, useTabsWorld } from '../../support/shared-tabs.ts';

const world = useTabsWorld();
const { openTab, live, open } = world;

describe('makeSharedSubscription: one stream shared by the tabs of an identity', () => {
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

  it('a refused identity ends the subscription in every tab', async () => {
    world.server.failNext(401);
    const [a, b] = [openTab(), openTab()];
    await settle();
    await Promise.all([a!.out.done, b!.out.done]);
    for (const tab of [a!, b!]) expect(tab.out.states().at(-1)).toBe('unauthorized');
    expect(world.browser.holder(NAME)).toBeUndefined();
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

// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommunicationClient } from '../../../src/sdk/index.ts';
import { normalizeOsisUrl, sharedStreamName } from '../../../src/sdk/tabs/index.ts';
import { createFakeServer } from '../../../mocks/fake-stream/index.ts';
import { collect } from '../../support/collect.ts';
import { createFakeBrowser } from '../../support/fake-tabs.ts';

let controller: AbortController;
beforeEach(() => {
  controller = new AbortController();
});
afterEach(() => controller.abort());

const identity = (baseUrl: string, context = 'ctx', publicKey = 'bob') => ({
  baseUrl,
  context,
  publicKey,
});

describe('the lock and channel name', () => {
  it('names one server however its URL is written, and keeps the key out of sight', () => {
    const base = 'https://host.example/app/page?x=1';
    const names = ['', '/', 'https://host.example', 'https://HOST.example:443/'].map((url) =>
      sharedStreamName(identity(url), base),
    );
    expect(new Set(names).size).toBe(1);
    expect(names[0]).toMatch(/^hero-messaging\/stream\/v4\/[0-9a-f]{16}$/);
    expect(names[0]).not.toContain('bob');
    expect(normalizeOsisUrl('/osis/', base)).toBe('https://host.example/osis');
  });

  it('differs for another server path, context or key (Alice and Bob on one page keep two streams)', () => {
    const base = 'https://host.example/';
    const names = [
      sharedStreamName(identity('/'), base),
      sharedStreamName(identity('/other'), base),
      sharedStreamName(identity('/', 'ctx2'), base),
      sharedStreamName(identity('/', 'ctx', 'alice'), base),
      sharedStreamName(identity('https://elsewhere.example/'), base),
      sharedStreamName(identity('/', 'ct', 'x\nbob'), base),
    ];
    expect(new Set(names).size).toBe(6);
  });
});

describe('client.subscribe with shareAcrossTabs', () => {
  it('falls back to a stream per tab where Web Locks are missing', async () => {
    const server = createFakeServer();
    // Node has BroadcastChannel but no navigator.locks: the platform of an old browser.
    const subscriptions = [0, 1].map(() =>
      createCommunicationClient({
        ...identity('http://osis.test'),
        fetch: server.fetch,
        shareAcrossTabs: true,
      }).subscribe({ signal: controller.signal }),
    );
    // Each leads a stream of its own from the start.
    expect(subscriptions.map((s) => s.isLeader)).toEqual([true, true]);
    const tabs = subscriptions.map(collect);
    await server.nextConnection();
    await server.nextConnection();
    expect(server.connections).toHaveLength(2);
    expect(tabs.map((t) => t.finished)).toEqual([false, false]);
  });

  it('falls back where BroadcastChannel is missing, even with locks', async () => {
    const server = createFakeServer();
    const browser = createFakeBrowser();
    const share = {
      locks: browser.tab().locks,
      BroadcastChannel: undefined,
      base: 'http://osis.test/',
    };
    const globalChannel = globalThis.BroadcastChannel;
    // @ts-expect-error: a browser without BroadcastChannel
    delete globalThis.BroadcastChannel;
    try {
      for (let i = 0; i < 2; i++) {
        collect(
          createCommunicationClient({
            ...identity('http://osis.test'),
            fetch: server.fetch,
            shareAcrossTabs: share,
          }).subscribe({ signal: controller.signal }),
        );
      }
    } finally {
      globalThis.BroadcastChannel = globalChannel;
    }
    await server.nextConnection();
    await server.nextConnection();
    expect(server.connections).toHaveLength(2);
  });

  it('shares one stream among clients of one identity when the platform has both', async () => {
    const server = createFakeServer();
    const browser = createFakeBrowser();
    const subscribe = (key: string) => {
      const tab = browser.tab();
      const share = {
        locks: tab.locks,
        BroadcastChannel: tab.BroadcastChannel,
        pageEvents: tab.pageEvents,
        base: 'http://host.test/',
      };
      const subscription = createCommunicationClient({
        ...identity('http://osis.test', 'ctx', key),
        fetch: server.fetch,
        shareAcrossTabs: share,
      }).subscribe({ signal: controller.signal });
      // A shared one leads only once it holds the lock.
      expect(subscription.isLeader).toBe(false);
      return collect(subscription);
    };
    const bobs = [subscribe('bob'), subscribe('bob'), subscribe('bob')];
    const alice = subscribe('alice');
    const first = await server.nextConnection();
    const second = await server.nextConnection();
    first.ready(1000);
    second.ready(1000);
    await expect
      .poll(() => [...bobs, alice].map((t) => t.types()))
      .toEqual([['ready'], ['ready'], ['ready'], ['ready']]);
    expect(server.connections).toHaveLength(2);
    expect(new Set(server.connections.map((c) => c.headers.get('x-public-key')))).toEqual(
      new Set(['bob', 'alice']),
    );
  });
});

import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { ChatMessage } from '../../src/protocol/index.ts';
import { createCommunicationClient, type Subscription } from '../../src/sdk/index.ts';
import { makeSharedSubscription, RELAY_VERSION } from '../../src/sdk/tabs/index.ts';
import {
  createFakeServer,
  type FakeConnection,
  type FakeServer,
} from '../../mocks/fake-stream/index.ts';
import { collect } from './collect.ts';
import { createFakeBrowser, type FakeBrowser, type FakeTab } from './fake-tabs.ts';

/** The lock and channel name of the tabs a `TabsWorld` opens. */
export const NAME = `hero-messaging/stream/v${RELAY_VERSION}/test`;

/** One tab's shared subscription as its consumer sees it. */
export interface Tab {
  fake: FakeTab;
  sub: Subscription;
  out: ReturnType<typeof collect>;
  warn: ReturnType<typeof vi.fn>;
  /** Whether the tab's page can be seen (its environment's `isVisible`). */
  visible: boolean;
  close(): void;
}

export interface TabOptions {
  lastEventId?: string;
  fake?: FakeTab;
  tabId?: string;
  /** Default true. */
  visible?: boolean;
  /** The randomness of the tab's watch on its leader. Default 0.5 every time. */
  random?: () => number;
  /**
   * The timers of the tab's stream are held back as Chrome holds back those of a tab hidden for
   * long (intensive throttling): each fires at the first wake-up at or after its time, wake-ups once a
   * minute from when the tab opened. Its other timers (the watch on a leader) and its messages are not.
   */
  throttled?: boolean;
}

/** A fake server, a fake browser profile, and tabs of one identity in it, on fake timers. */
export interface TabsWorld {
  readonly server: FakeServer;
  readonly browser: FakeBrowser;
  openTab(options?: TabOptions): Tab;
  /** The connections of the server that have not ended. */
  open(): FakeConnection[];
  /**
   * Settles, then makes the newest connection send `ready` at `seq` (default 10) with `heartbeatMs`
   * (default 1,000: a test that lets seconds pass without a word on the stream needs more, or the
   * connection's watchdog ends it); every tab of `tabs` is then connected.
   */
  live(tabs: Tab[], seq?: number, heartbeatMs?: number): Promise<FakeConnection>;
}

/** A fresh `TabsWorld` for each test of the file; every tab it opened is closed after the test. */
export function useTabsWorld(): TabsWorld {
  let server: FakeServer;
  let browser: FakeBrowser;
  let opened: Tab[] = [];
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    server = createFakeServer();
    browser = createFakeBrowser();
    opened = [];
  });
  afterEach(async () => {
    for (const tab of opened) tab.close();
    await settle();
    vi.useRealTimers();
  });

  return {
    get server() {
      return server;
    },
    get browser() {
      return browser;
    },
    openTab(options = {}) {
      const fake = options.fake ?? browser.tab();
      const controller = new AbortController();
      const since = Date.now();
      const throttled = (fn: () => void, ms: number) =>
        setTimeout(fn, since + Math.ceil((Date.now() + ms - since) / 60_000) * 60_000 - Date.now());
      const client = createCommunicationClient({
        baseUrl: 'http://osis.test',
        context: 'ctx',
        publicKey: 'bob',
        fetch: server.fetch,
        environment: { random: () => 0.5, ...(options.throttled ? { setTimeout: throttled } : {}) },
      });
      const warn = vi.fn();
      const tab: Tab = {
        fake,
        sub: undefined!,
        out: undefined!,
        warn,
        visible: options.visible ?? true,
        close: () => controller.abort(),
      };
      tab.sub = makeSharedSubscription({
        signal: controller.signal,
        lastEventId: options.lastEventId,
        name: NAME,
        subscribe: client.subscribe,
        locks: fake.locks,
        BroadcastChannel: fake.BroadcastChannel,
        pageEvents: fake.pageEvents,
        tabId: options.tabId,
        environment: { random: options.random ?? (() => 0.5), isVisible: () => tab.visible },
        warn,
        nextTask: (fn) => void setTimeout(fn, 0),
      });
      tab.out = collect(tab.sub);
      opened.push(tab);
      return tab;
    },
    open: () => server.connections.filter((c) => !c.ended),
    async live(tabs, seq = 10, heartbeatMs = 1000) {
      await settle();
      const connection = server.current!;
      server.seq = seq;
      connection.ready(heartbeatMs);
      await settle();
      for (const tab of tabs) expect(tab.out.states().at(-1)).toBe('connected');
      return connection;
    },
  };
}

/**
 * Lets the tasks of the next `ms` (default 20) run: lock grants, channel deliveries, stream reads,
 * timers. (A timer of 0 ms set by another timer's callback waits for the clock to move, so the clock
 * moves 1 ms at a time.)
 */
export async function settle(ms = 20): Promise<void> {
  for (let i = 0; i < ms; i++) await vi.advanceTimersByTimeAsync(1);
}

export function message(seq: number): ChatMessage {
  return {
    sid: `msg_${seq}`,
    conversation_sid: 'conv_1',
    sender_public_key: 'alice',
    content: `m${seq}`,
    created_at: 1_700_000_000,
    seq,
  };
}

/** The seqs of the messages `tab`'s consumer took, in order. */
export const seqs = (tab: Tab) =>
  tab.out.events().flatMap((e) => (e.type === 'chatmessage.new' ? [e.data.seq] : []));

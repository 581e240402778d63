import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubblesWith,
  openChat,
  startHarness,
  status,
  waitLive,
  type Harness,
} from './support/harness.ts';

// A leader tab that stalls, is throttled or is lied about never leaves the other
// tabs deaf. Every page of a scenario lives in ONE browser context (one profile: shared locks,
// channels and storage), as the tabs of one person do.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 1000 });
});
afterAll(() => h?.close());

const newContext = () => h.browser.newContext({ viewport: { width: 900, height: 600 } });

/** Tabs of `key`, each live before the next opens, so the first leads; `init` runs in the first only. */
async function tabs(
  context: BrowserContext,
  key: string,
  count: number,
  first: { osisUrl?: string; init?: () => void } = {},
): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    pages.push(
      await h.page(key, {
        browserContext: context,
        osisUrl: first.osisUrl,
        ...(i === 0 ? { init: first.init } : {}),
      }),
    );
    await waitLive(pages[i]!);
  }
  return pages;
}

/** Streams the backend holds open for `key` in the harness's context. */
const streamsOf = (key: string) => h.backend.backend.service.log.subscriberCount(h.context, key);

const state = (page: Page) => status(page).getAttribute('data-state');

let nonces = 0;
const say = (content: string) =>
  h.client('bob').sendMessage({ sid: h.dm.sid, content, nonce: `hardening-${nonces++}` });

describe('a stalled leader', () => {
  it('is replaced within seconds: the others stay live and get every message once, and it follows when it wakes', async () => {
    const context = await newContext();
    const pages = await tabs(context, 'alice', 3);
    for (const page of pages) await openChat(page, h.dm.sid);
    const [leader, ...rest] = pages;
    // The leader's script stops for 20 s, as under a debugger, in a busy loop or behind an alert().
    const stalled = leader!.evaluate(() => {
      const end = Date.now() + 20_000;
      while (Date.now() < end);
    });
    // Long enough for the loop to have begun.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sentAt = Date.now();
    await say('while the leader is stalled');
    for (const page of rest)
      await expect
        .poll(() => bubblesWith(page, 'while the leader is stalled'), { timeout: 8000 })
        .toBe(1);
    console.log(
      JSON.stringify({ scenario: 'tabs.stalled-leader', deliveredToAllMs: Date.now() - sentAt }),
    );
    for (const page of rest) await waitLive(page, 2000);
    await stalled;
    // Awake, it has learnt that it lost the lock: its stream is closed and it follows the new leader.
    await expect.poll(() => streamsOf('alice'), { timeout: 5000 }).toBe(1);
    await waitLive(leader!);
    await expect
      .poll(() => bubblesWith(leader!, 'while the leader is stalled'), { timeout: 5000 })
      .toBe(1);
    await say('after the leader woke');
    for (const page of pages)
      await expect
        .poll(() => bubblesWith(page, 'after the leader woke'), { timeout: 3000 })
        .toBe(1);
    for (const page of pages)
      expect(await bubblesWith(page, 'while the leader is stalled')).toBe(1);
    expect(streamsOf('alice')).toBe(1);
    await context.close();
  });
});

/**
 * Before any script of the page: the document reads as hidden, and `throttle()` then aligns the page's
 * timers as Chrome's intensive throttling does to a tab hidden for five minutes: a timer of 1 ms or
 * more fires at the first wake-up at or after its due time, wake-ups once a minute counted from the
 * call. Left out: everything else a hidden tab does differently (rendering, the other throttling).
 */
function hiddenAndThrottled() {
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => 'hidden',
  });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => true });
  const realSetTimeout = window.setTimeout.bind(window);
  let since: number | undefined;
  (window as unknown as { throttle: () => void }).throttle = () => void (since = performance.now());
  window.setTimeout = ((fn: TimerHandler, ms = 0, ...args: unknown[]) => {
    if (since === undefined || !(ms > 0)) return realSetTimeout(fn, ms, ...args);
    const due = performance.now() + ms - since;
    return realSetTimeout(
      fn,
      Math.ceil(due / 60_000) * 60_000 - (performance.now() - since),
      ...args,
    );
  }) as typeof window.setTimeout;
}

describe('a hidden, throttled leader', () => {
  it('does not hold visible tabs back after a short outage: they are live again within seconds', async () => {
    const proxy = await h.proxy();
    const context = await newContext();
    const pages = await tabs(context, 'alice', 3, { osisUrl: proxy.url, init: hiddenAndThrottled });
    for (const page of pages.slice(1)) await openChat(page, h.dm.sid);
    const [leader, ...rest] = pages;
    await leader!.evaluate(() => (window as unknown as { throttle: () => void }).throttle());
    // Quiet first: a reply to some request of a follower would wake the leader's wait (and hide the flaw).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    proxy.refuse();
    for (const page of rest)
      await expect.poll(() => state(page), { timeout: 5000 }).not.toBe('live');
    await new Promise((resolve) => setTimeout(resolve, 2400));
    proxy.accept();
    const backAt = Date.now();
    for (const page of rest) await waitLive(page, 8000);
    await say('after the outage');
    for (const page of rest)
      await expect.poll(() => bubblesWith(page, 'after the outage'), { timeout: 3000 }).toBe(1);
    console.log(
      JSON.stringify({ scenario: 'tabs.throttled-leader', liveAgainMs: Date.now() - backAt }),
    );
    await context.close();
  });
});

interface Forger {
  name: string;
  version: number;
  leader: string;
  epoch: string;
}

/**
 * Page script in `page`: listens on the tabs' channel (its name is the lock's), and learns the
 * leader's tab id and the live epoch from the next item the leader relays (`trigger` makes one).
 */
async function eavesdrop(page: Page, trigger: () => Promise<unknown>): Promise<Forger> {
  const listening = page.evaluate(async () => {
    const name = (await navigator.locks.query()).held!.find((lock) =>
      lock.name!.startsWith('hero-messaging/stream/'),
    )!.name!;
    const channel = new BroadcastChannel(name);
    return new Promise<Forger>((resolve) => {
      channel.onmessage = (event) => {
        const message = event.data as {
          v: number;
          type: string;
          from: string;
          items?: { kind: string; id?: string }[];
        };
        const id =
          message.type === 'items' ? message.items!.find((item) => item.id)?.id : undefined;
        if (!id) return;
        channel.close();
        resolve({ name, version: message.v, leader: message.from, epoch: id.split(':')[0]! });
      };
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await trigger();
  return listening;
}

/** Page script in `page` posts `items` on the channel as the tab `from`. */
const forge = (page: Page, forger: Forger, from: string, items: unknown[]) =>
  page.evaluate(
    ({ forger, from, items }) => {
      const channel = new BroadcastChannel(forger.name);
      channel.postMessage({ v: forger.version, type: 'items', from, items });
      channel.close();
    },
    { forger, from, items },
  );

describe('relay items posted by page script', () => {
  it('are not taken from a tab that does not lead: no forged message shows, and a forged refusal ends nothing', async () => {
    const context = await newContext();
    const pages = await tabs(context, 'alice', 3);
    for (const page of pages) await openChat(page, h.dm.sid);
    const followers = pages.slice(1);
    const forger = await eavesdrop(followers[1]!, () => say('overheard'));
    const fake = {
      sid: 'forged',
      conversation_sid: h.dm.sid,
      sender_public_key: 'carol',
      content: 'forged by page script',
      created_at: Math.floor(Date.now() / 1000),
    };
    await forge(followers[1]!, forger, 'a-tab-that-does-not-lead', [
      { kind: 'event', event: { type: 'chatmessage.new', data: fake } },
      { kind: 'status', status: { state: 'unauthorized', httpStatus: 401 } },
    ]);
    await say('real, after the forgery');
    for (const page of pages)
      await expect
        .poll(() => bubblesWith(page, 'real, after the forgery'), { timeout: 3000 })
        .toBe(1);
    for (const page of pages) {
      expect(await bubblesWith(page, 'forged by page script')).toBe(0);
      expect(await state(page)).toBe('live');
    }
    await context.close();
  });

  it('cannot wedge a follower with a cursor from the future: later real events still show, and it is live', async () => {
    const context = await newContext();
    const pages = await tabs(context, 'alice', 3);
    for (const page of pages) await openChat(page, h.dm.sid);
    const followers = pages.slice(1);
    const forger = await eavesdrop(followers[1]!, () => say('overheard'));
    // As the leader itself, a harmless event (a read older than anything) at seq 999999999 of the live epoch.
    await forge(followers[1]!, forger, forger.leader, [
      {
        kind: 'event',
        event: { type: 'conversation.read', data: { sid: h.dm.sid, reader_key: 'alice', seq: 1 } },
        id: `${forger.epoch}:999999999`,
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const text of ['first real one after it', 'second real one after it']) {
      await say(text);
      for (const page of followers)
        await expect.poll(() => bubblesWith(page, text), { timeout: 3000 }).toBe(1);
    }
    for (const page of followers) expect(await state(page)).toBe('live');
    await context.close();
  });
});

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bubblesWith, openChat, startHarness, waitLive, type Harness } from './support/harness.ts';
import { row } from './support/locators.ts';

// The tabs of one identity share one stream. Every page of a scenario lives in ONE browser
// context (one profile: shared locks, channels and storage), and the backend is HTTP/1.1 on
// 127.0.0.1, where Chromium allows six connections per host across all tabs.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 1000 });
});
afterAll(() => h?.close());

/** Streams the backend holds open for `key` in the harness's context. */
function streamsOf(key: string): number {
  return h.backend.backend.service.log.subscriberCount(h.context, key);
}

async function tabs(context: BrowserContext, key: string, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  // The first one leads: it is live before the others open.
  pages.push(await h.page(key, { browserContext: context }));
  await waitLive(pages[0]!);
  for (let i = 1; i < count; i++) pages.push(await h.page(key, { browserContext: context }));
  for (const page of pages) await waitLive(page);
  return pages;
}

const preview = (page: Page, sid: string) => row(page, sid).locator('.hm-conv-preview');

let nonces = 0;
const say = (content: string) =>
  h.client('bob').sendMessage({ sid: h.dm.sid, content, nonce: `tabs-${nonces++}` });

describe('one stream per person per browser', () => {
  it('ten tabs of one identity are all live on one stream, all receive a message, and the page can still reach its server', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const pages = await tabs(context, 'alice', 10);
    expect(streamsOf('alice')).toBe(1);
    await say('to ten tabs');
    for (const page of pages)
      await expect
        .poll(() => preview(page, h.dm.sid).textContent(), { timeout: 2000 })
        .toBe('to ten tabs');
    // The host page of the tenth tab talks to its own server: a connection is free for it.
    const health = await pages[9]!.evaluate(async (url) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 5000);
      try {
        const res = await fetch(`${url}/hero_osis_communication/health`, {
          signal: controller.signal,
        });
        return `${res.status} ${await res.text()}`;
      } catch (error) {
        return `failed: ${(error as Error).message}`;
      } finally {
        clearTimeout(timer);
      }
    }, h.backend.url);
    expect(health).toBe('200 {"status":"ok"}');
    expect(streamsOf('alice')).toBe(1);
    await context.close();
    await expect.poll(() => streamsOf('alice')).toBe(0);
  });

  it('closing the leader hands over; a message sent meanwhile reaches every remaining tab exactly once', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const pages = await tabs(context, 'alice', 4);
    for (const page of pages) await openChat(page, h.dm.sid);
    const [leader, ...rest] = pages;
    const closedAt = Date.now();
    const closing = leader!.close();
    await say('during the handover');
    await closing;
    for (const page of rest) {
      await expect.poll(() => bubblesWith(page, 'during the handover'), { timeout: 5000 }).toBe(1);
    }
    console.log(
      JSON.stringify({ scenario: 'tabs.handover', deliveredToAllMs: Date.now() - closedAt }),
    );
    await expect.poll(() => streamsOf('alice')).toBe(1);
    for (const page of rest) await waitLive(page);
    await say('after the handover');
    for (const page of rest)
      await expect.poll(() => bubblesWith(page, 'after the handover'), { timeout: 2000 }).toBe(1);
    for (const page of rest) expect(await bubblesWith(page, 'during the handover')).toBe(1);
    await context.close();
  });

  it('a leader whose tab crashes is replaced, and nothing is lost', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const pages = await tabs(context, 'alice', 3);
    for (const page of pages) await openChat(page, h.dm.sid);
    const [leader, ...rest] = pages;
    const crashed = new Promise((resolve) => leader!.once('crash', resolve));
    const cdp = await context.newCDPSession(leader!);
    void cdp.send('Page.crash').catch(() => {});
    await crashed;
    await say('after a crash');
    for (const page of rest)
      await expect.poll(() => bubblesWith(page, 'after a crash'), { timeout: 5000 }).toBe(1);
    await expect.poll(() => streamsOf('alice')).toBe(1);
    await context.close();
  });

  it('pagehide of the leader lets another tab lead; pageshow brings it back as a follower that catches up', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const pages = await tabs(context, 'alice', 3);
    for (const page of pages) await openChat(page, h.dm.sid);
    const [leader, ...rest] = pages;
    // The events a browser fires when a page enters and leaves the back/forward cache.
    const transition = (page: Page, type: 'pagehide' | 'pageshow') =>
      page.evaluate(
        (t) => window.dispatchEvent(new PageTransitionEvent(t, { persisted: true })),
        type,
      );
    await transition(leader!, 'pagehide');
    await say('while hidden');
    for (const page of rest)
      await expect.poll(() => bubblesWith(page, 'while hidden'), { timeout: 5000 }).toBe(1);
    expect(streamsOf('alice')).toBe(1);
    expect(await bubblesWith(leader!, 'while hidden')).toBe(0);
    await transition(leader!, 'pageshow');
    await waitLive(leader!);
    await expect.poll(() => bubblesWith(leader!, 'while hidden'), { timeout: 5000 }).toBe(1);
    await say('after pageshow');
    for (const page of pages)
      await expect.poll(() => bubblesWith(page, 'after pageshow'), { timeout: 2000 }).toBe(1);
    expect(streamsOf('alice')).toBe(1);
    await context.close();
  });

  it('two identities in one profile keep two streams', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const alice = await tabs(context, 'alice', 2);
    const bob = await tabs(context, 'bob', 2);
    expect([streamsOf('alice'), streamsOf('bob')]).toEqual([1, 1]);
    await h
      .client('carol')
      .sendMessage({ sid: h.group.sid, content: 'to the crew', nonce: `tabs-${nonces++}` });
    for (const page of [...alice, ...bob])
      await expect
        .poll(() => preview(page, h.group.sid).textContent(), { timeout: 2000 })
        .toBe('to the crew');
    await context.close();
  });
});

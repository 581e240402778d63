import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackendServer } from '../../mocks/backend/index.ts';
import { createCommunicationClient } from '../../src/sdk/index.ts';
import { openChat, send, startHarness, waitLive, type Harness } from './support/harness.ts';

// An unsent message is never lost. Every page of a scenario is a tab of one browser profile
// (one browser context: shared localStorage, locks and channels); the server is reached through a
// fault proxy, so "offline" is the proxy refusing connections.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 1000 });
});
afterAll(() => h?.close());

/** The texts of the open chat's failed bubbles. */
const failedTexts = (page: Page) =>
  page.locator('hero-messaging .hm-msg[data-status="failed"] .hm-text').allTextContents();

/** The contents of every unsent message in this profile's localStorage, whatever the island's version stored. */
const storedTexts = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('hero-messaging:outbox:'))
      .flatMap((k) => {
        const stored = JSON.parse(localStorage.getItem(k)!) as
          { content: string }[] | { sends: { content: string }[] };
        return (Array.isArray(stored) ? stored : stored.sends).map((p) => p.content);
      })
      .sort(),
  );

/** How many messages of the DM on the server (default: the harness's) read `text`. */
async function onServer(text: string, url = h.backend.url): Promise<number> {
  const bob = createCommunicationClient({ baseUrl: url, context: h.context, publicKey: 'bob' });
  const messages = await bob.listMessages({ sid: h.dm.sid, limit: 200 });
  return messages.filter((m) => m.content === text).length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two tabs of alice's on the server behind a proxy, both live, the first leading; the DM open in both. */
async function twoTabs(): Promise<{
  context: BrowserContext;
  a: Page;
  b: Page;
  proxy: Awaited<ReturnType<Harness['proxy']>>;
}> {
  const proxy = await h.proxy();
  const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
  const a = await h.page('alice', { osisUrl: proxy.url, browserContext: context });
  await waitLive(a);
  const b = await h.page('alice', { osisUrl: proxy.url, browserContext: context });
  await waitLive(b);
  for (const page of [a, b]) await openChat(page, h.dm.sid);
  return { context, a, b, proxy };
}

describe('another tab clears storage', () => {
  it('a failed message stays in its tab, is written back, and is sent once when the server is back', async () => {
    const { context, a, b, proxy } = await twoTabs();
    proxy.refuse();
    await send(a, 'survives a clear');
    await expect.poll(() => failedTexts(a), { timeout: 10_000 }).toEqual(['survives a clear']);
    await expect.poll(() => failedTexts(b), { timeout: 5000 }).toEqual(['survives a clear']);
    await b.evaluate(() => localStorage.clear());
    await expect.poll(() => storedTexts(b), { timeout: 5000 }).toEqual(['survives a clear']);
    expect(await failedTexts(a)).toEqual(['survives a clear']);
    expect(await failedTexts(b)).toEqual(['survives a clear']);
    proxy.accept();
    await waitLive(a, 60_000);
    await expect.poll(() => onServer('survives a clear'), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => storedTexts(a), { timeout: 5000 }).toEqual([]);
    await context.close();
  });

  it('a failed message stays when another tab clears storage and writes the outbox in the same task', async () => {
    const { context, a, b, proxy } = await twoTabs();
    proxy.refuse();
    await send(a, 'survives a clear and a write');
    await expect
      .poll(() => failedTexts(b), { timeout: 10_000 })
      .toEqual(['survives a clear and a write']);
    // Tab b clears storage, then sends (writing the outbox) before tab a hears of either.
    await b.evaluate(() => {
      localStorage.clear();
      const input = document
        .querySelector('hero-messaging')!
        .shadowRoot!.querySelector('textarea')!;
      input.value = 'written after the clear';
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      input.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }),
      );
    });
    const both = ['survives a clear and a write', 'written after the clear'];
    await expect.poll(async () => (await failedTexts(a)).sort(), { timeout: 10_000 }).toEqual(both);
    await expect.poll(() => storedTexts(a), { timeout: 5000 }).toEqual(both);
    proxy.accept();
    await waitLive(a, 60_000);
    for (const text of both) await expect.poll(() => onServer(text), { timeout: 10_000 }).toBe(1);
    await context.close();
  });
});

describe('two servers, one browser', () => {
  it("a tab on a staging server neither shows nor sends production's unsent message, and production gets it once", async () => {
    const staging = await startBackendServer({ seed: false, heartbeatMs: 1000 });
    try {
      // Staging holds a copy of production's DM (same sid): it would take production's message. (A
      // first write creates the context's world there; until then `world` answers a shared empty one.)
      await createCommunicationClient({
        baseUrl: staging.url,
        context: h.context,
        publicKey: 'carol',
      }).setConversation({ participant_keys: ['carol', 'dave'] });
      const dm = h.backend.backend.service.world(h.context).conversation(h.dm.sid)!;
      staging.backend.service.world(h.context).putConversation(dm);
      const proxy = await h.proxy();
      const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
      const production = await h.page('alice', { osisUrl: proxy.url, browserContext: context });
      await waitLive(production);
      await openChat(production, h.dm.sid);
      proxy.refuse();
      await send(production, 'for production only');
      await expect
        .poll(() => failedTexts(production), { timeout: 10_000 })
        .toEqual(['for production only']);

      const stage = await h.page('alice', { osisUrl: staging.url, browserContext: context });
      await waitLive(stage);
      await openChat(stage, h.dm.sid);
      // Live, it would have resent what it took for its own by now.
      await sleep(1000);
      expect(await failedTexts(stage)).toEqual([]);
      expect(await onServer('for production only', staging.url)).toBe(0);

      proxy.accept();
      await waitLive(production, 60_000);
      await expect.poll(() => onServer('for production only'), { timeout: 10_000 }).toBe(1);
      expect(await onServer('for production only', staging.url)).toBe(0);
      await context.close();
    } finally {
      await staging.close();
    }
  });
});

describe('storage full', () => {
  it('a message that cannot be stored says at once that a reload loses it; nothing stored is dropped for it', async () => {
    const proxy = await h.proxy();
    const context = await h.browser.newContext({ viewport: { width: 900, height: 700 } });
    const page = await h.page('alice', { osisUrl: proxy.url, browserContext: context });
    await waitLive(page);
    await openChat(page, h.dm.sid);
    proxy.refuse();
    await send(page, 'stored before');
    await expect.poll(() => failedTexts(page), { timeout: 10_000 }).toEqual(['stored before']);
    // Fills localStorage to the last character the browser allows.
    const fillers = await page.evaluate(() => {
      let count = 0;
      for (let size = 1 << 20; size >= 1;) {
        try {
          localStorage.setItem(`filler-${count}`, 'x'.repeat(size));
          count++;
        } catch {
          size = Math.floor(size / 2);
        }
      }
      return count;
    });
    await send(page, 'cannot be stored');
    const note = (text: string) =>
      page.locator('hero-messaging .hm-msg').filter({ hasText: text }).locator('.hm-unsaved');
    await expect.poll(() => note('cannot be stored').count(), { timeout: 5000 }).toBe(1);
    expect(await note('cannot be stored').textContent()).toContain(
      'will be lost if the page is reloaded',
    );
    await expect
      .poll(() => failedTexts(page), { timeout: 10_000 })
      .toEqual(['stored before', 'cannot be stored']);
    expect(await note('stored before').count()).toBe(0);
    expect(await storedTexts(page)).toEqual(['stored before']);
    expect(
      await page.evaluate(
        () => Object.keys(localStorage).filter((k) => k.startsWith('filler-')).length,
      ),
    ).toBe(fillers);
    // Delivered while the page stays open; the note goes with the bubble's failure.
    proxy.accept();
    await waitLive(page, 60_000);
    for (const text of ['stored before', 'cannot be stored'])
      await expect.poll(() => onServer(text), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => page.locator('hero-messaging .hm-unsaved').count(), { timeout: 5000 })
      .toBe(0);
    await context.close();
  });
});

import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubbleTexts,
  openChat,
  send,
  startHarness,
  waitLive,
  type Harness,
} from './support/harness.ts';
import { row } from './support/locators.ts';

// What must happen once per person happens in one tab. Every page of a
// scenario lives in one browser context (one profile: shared locks, channels and localStorage).

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 1000 });
});
afterAll(() => h?.close());

/**
 * Before any script of a page: the document reads as hidden (a tab in the background), and
 * `Notification` is a stand-in that has permission and records what it is asked to show
 * (`window.shown`), keeping each instance so the test can click it.
 */
function hiddenWithNotifications() {
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => 'hidden',
  });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => true });
  const shown: {
    title: string;
    body: string;
    tag: string;
    onclick: (() => void) | null;
    close(): void;
  }[] = [];
  (window as unknown as { shown: typeof shown }).shown = shown;
  (window as unknown as { Notification: unknown }).Notification = class {
    static permission = 'granted';
    static requestPermission = () => Promise.resolve('granted');
    onclick: (() => void) | null = null;
    constructor(title: string, options: { body: string; tag: string }) {
      shown.push(Object.assign(this, { title, body: options.body, tag: options.tag }));
    }
    close() {}
  };
}

/** A tab of `key` whose element has `notify`; each is live before the next opens (the first leads). */
async function notifyingTab(context: BrowserContext, key: string): Promise<Page> {
  const page = await h.page(key, { browserContext: context });
  await waitLive(page);
  // A host turning notifications on: the island starts again with them.
  await page.evaluate(() => document.querySelector('hero-messaging')!.setAttribute('notify', ''));
  await waitLive(page);
  return page;
}

const preview = (page: Page, sid: string) => row(page, sid).locator('.hm-conv-preview');
const shownIn = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { shown: { title: string; body: string; tag: string }[] }).shown.map(
      ({ title, body, tag }) => ({ title, body, tag }),
    ),
  );

let nonces = 0;

describe('one tab for what happens once per person', () => {
  it('two hidden tabs show one notification for one message; clicking it opens the chat', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    await context.addInitScript(hiddenWithNotifications);
    const pages = [await notifyingTab(context, 'alice'), await notifyingTab(context, 'alice')];
    const message = await h
      .client('carol')
      .sendMessage({ sid: h.group.sid, content: 'Lake at nine?', nonce: `fx-${nonces++}` });
    for (const page of pages)
      await expect
        .poll(() => preview(page, h.group.sid).textContent(), { timeout: 2000 })
        .toBe('Lake at nine?');
    const shown = await Promise.all(pages.map(shownIn));
    expect(shown.flat()).toEqual([{ title: 'Carol', body: 'Lake at nine?', tag: message.sid }]);
    const showing = pages[shown.findIndex((list) => list.length === 1)]!;
    await showing.evaluate(() =>
      (window as unknown as { shown: { onclick(): void }[] }).shown[0]!.onclick(),
    );
    await expect.poll(() => row(showing, h.group.sid).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => bubbleTexts(showing)).toContain('Lake at nine?');
    await context.close();
  });

  it('a hidden leader shows none for the chat the person reads in a visible tab, and one for another chat', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const leader = await h.page('alice', {
      browserContext: context,
      init: hiddenWithNotifications,
    });
    await waitLive(leader);
    await leader.evaluate(() =>
      document.querySelector('hero-messaging')!.setAttribute('notify', ''),
    );
    await waitLive(leader);
    const reader = await h.page('alice', { browserContext: context });
    await waitLive(reader);
    await openChat(reader, h.dm.sid);
    await h
      .client('bob')
      .sendMessage({ sid: h.dm.sid, content: 'read in the other tab', nonce: `fx-${nonces++}` });
    const other = await h
      .client('carol')
      .sendMessage({ sid: h.group.sid, content: 'Crew news', nonce: `fx-${nonces++}` });
    await expect
      .poll(() => bubbleTexts(reader), { timeout: 2000 })
      .toContain('read in the other tab');
    await expect
      .poll(() => preview(leader, h.group.sid).textContent(), { timeout: 2000 })
      .toBe('Crew news');
    expect(await shownIn(leader)).toEqual([{ title: 'Carol', body: 'Crew news', tag: other.sid }]);
    await context.close();
  });

  it('a failed send shows in the other tab, and a Retry there sends it once', async () => {
    const context = await h.browser.newContext({ viewport: { width: 900, height: 600 } });
    const writer = await h.page('bob', { browserContext: context });
    await waitLive(writer);
    const other = await h.page('bob', { browserContext: context });
    await waitLive(other);
    for (const page of [writer, other]) await openChat(page, h.dm.sid);
    // The writer's sends do not get through; everything else does.
    await writer.route('**/hero_osis_communication/rpc', (route) =>
      route.request().postData()?.includes('conversation.send_message')
        ? route.abort('connectionfailed')
        : route.continue(),
    );
    await send(writer, 'through the other tab');
    const failed = (page: Page) =>
      page.locator('hero-messaging .hm-msg[data-status="failed"] .hm-text');
    await expect
      .poll(() => failed(writer).allTextContents(), { timeout: 5000 })
      .toEqual(['through the other tab']);
    await expect
      .poll(() => failed(other).allTextContents(), { timeout: 5000 })
      .toEqual(['through the other tab']);
    await other
      .locator('hero-messaging .hm-msg[data-status="failed"] button', { hasText: 'Retry' })
      .click();
    for (const page of [writer, other]) {
      await expect
        .poll(
          () =>
            page
              .locator('hero-messaging .hm-msg[data-status="sent"] .hm-text', {
                hasText: 'through the other tab',
              })
              .count(),
          { timeout: 2000 },
        )
        .toBe(1);
      await expect
        .poll(() => page.locator('hero-messaging .hm-msg[data-status="failed"]').count())
        .toBe(0);
    }
    const stored = await h.client('bob').listMessages({ sid: h.dm.sid });
    expect(stored.filter((m) => m.content === 'through the other tab')).toHaveLength(1);
    await context.close();
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import {
  bubbleTexts,
  OUTPUT_DIR,
  openChat,
  send,
  startHarness,
  waitLive,
  type Harness,
} from './support/harness.ts';
import { row } from './support/locators.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const input = (page: Page) => page.locator('hero-messaging textarea');
const preview = (page: Page, sid: string) =>
  row(page, sid).locator('.hm-conv-preview').textContent();

/** Where `selector` is, relative to the message list's viewport (first match; null when absent). */
function placeInList(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const list = root.querySelector('.hm-messages')!.getBoundingClientRect();
    const el = root.querySelector(sel);
    if (!el) return null;
    const box = el.getBoundingClientRect();
    return {
      top: Math.round(box.top - list.top),
      bottom: Math.round(box.bottom - list.top),
      height: Math.round(list.height),
    };
  }, selector);
}

async function sendMany(from: string, sid: string, count: number, prefix: string) {
  const client = h.client(from);
  for (let i = 0; i < count; i++)
    await client.sendMessage({ sid, content: `${prefix} ${i}`, nonce: `${prefix}-${i}` });
}

describe('reading and writing as people expect', () => {
  it('a draft stays with its chat, across chats and a reload, is shown in its row, and goes when sent', async () => {
    const bob = await h.page('bob', { width: 1280, height: 800 });
    await waitLive(bob);
    await openChat(bob, h.dm.sid);
    await input(bob).fill('line1');
    await openChat(bob, h.group.sid);
    expect(await input(bob).inputValue()).toBe('');
    await input(bob).press('Enter');
    expect(await preview(bob, h.dm.sid)).toBe('Draft: line1');
    await bob.screenshot({ path: `${OUTPUT_DIR}/reading-draft-row-1280.png` });
    await expectAccessible(bob, 'reading-draft-row-1280');
    await openChat(bob, h.dm.sid);
    expect(await input(bob).inputValue()).toBe('line1');
    await bob.reload();
    await waitLive(bob);
    expect(await preview(bob, h.dm.sid)).toBe('Draft: line1');
    await openChat(bob, h.dm.sid);
    expect(await input(bob).inputValue()).toBe('line1');
    await input(bob).press('Enter');
    expect(await input(bob).inputValue()).toBe('');
    await expect.poll(async () => (await bubbleTexts(bob)).at(-1)).toBe('line1');
    // Nothing went to the other chat when Enter was pressed there with an empty box.
    const crew = await h.client('bob').listMessages({ sid: h.group.sid });
    expect(crew.map((m) => m.content)).not.toContain('line1');
    await bob.reload();
    await waitLive(bob);
    expect(await preview(bob, h.dm.sid)).toBe('line1');
    await openChat(bob, h.dm.sid);
    expect(await input(bob).inputValue()).toBe('');
    await bob.context().close();
  });

  it('with 100 unread, a chat opens at "New messages" above the first of them; jump to latest goes to the bottom', async () => {
    for (const width of [1280, 390]) {
      const busy = await h
        .client('alice')
        .setConversation({ name: `Busy ${width}`, participant_keys: ['alice', 'bob'] });
      await sendMany('alice', busy.sid, 100, 'unread');
      const bob = await h.page('bob', { width, height: 800 });
      await waitLive(bob);
      await expect.poll(() => row(bob, busy.sid).locator('.hm-badge').textContent()).toBe('99+');
      await openChat(bob, busy.sid);
      const divider = bob.locator('hero-messaging .hm-unread');
      await divider.waitFor();
      expect(await divider.textContent()).toBe('New messages');
      // Not in the colour of errors.
      expect(await divider.evaluate((el) => getComputedStyle(el).color)).not.toBe(
        'rgb(183, 28, 28)',
      );
      // The message right under the divider is the first unread one.
      const under = await bob.evaluate(() => {
        let el = document
          .querySelector('hero-messaging')!
          .shadowRoot!.querySelector('.hm-unread')!.nextElementSibling;
        while (el && !el.classList.contains('hm-msg')) el = el.nextElementSibling;
        return el?.querySelector('.hm-text')?.textContent;
      });
      expect(under).toBe('unread 0');
      // The view starts there: the divider at the top of the viewport, the newest far below.
      await expect.poll(async () => (await placeInList(bob, '.hm-unread'))!.top).toBeLessThan(40);
      const place = (await placeInList(bob, '.hm-unread'))!;
      expect(place.top).toBeGreaterThanOrEqual(0);
      const jump = bob.locator('hero-messaging .hm-jump');
      expect(await jump.isVisible()).toBe(true);
      const below = Number((await jump.textContent())!.replace(/\D/g, ''));
      expect(below).toBeGreaterThan(50);
      expect(below).toBeLessThan(100);
      await bob.screenshot({ path: `${OUTPUT_DIR}/reading-unread-${width}.png` });
      await expectAccessible(bob, `reading-unread-${width}`);
      await jump.click();
      await expect.poll(async () => (await bubbleTexts(bob)).at(-1)).toBe('unread 99');
      await expect
        .poll(() =>
          bob.evaluate(() => {
            const list = document
              .querySelector('hero-messaging')!
              .shadowRoot!.querySelector('.hm-messages')!;
            return list.scrollHeight - list.scrollTop - list.clientHeight < 2;
          }),
        )
        .toBe(true);
      expect(await jump.count()).toBe(0);
      await bob.context().close();
    }
  });

  it('a send that fails while the server is away says why next to Retry / Discard, fully in view', async () => {
    const alice = h.client('alice');
    const long = await alice.setConversation({
      name: 'Long enough',
      participant_keys: ['alice', 'bob'],
    });
    await sendMany('alice', long.sid, 40, 'line');
    await h.client('bob').markRead({ sid: long.sid });
    const proxy = await h.proxy();
    const bob = await h.page('bob', { osisUrl: proxy.url, width: 1280, height: 600 });
    await waitLive(bob);
    await openChat(bob, long.sid);
    await expect.poll(async () => (await bubbleTexts(bob)).at(-1)).toBe('line 39');
    proxy.refuse();
    await sleep(100);
    await send(bob, 'lost in the void');
    const note = bob.locator('hero-messaging .hm-failed-note');
    await note.waitFor({ timeout: 15_000 });
    expect(await note.textContent()).toBe(
      'Not sent: the server could not be reached. Retry · Discard',
    );
    // Not in the own colour, as if sent; and its row says so too.
    expect(
      await bob
        .locator('hero-messaging .hm-failed .hm-bubble')
        .evaluate((el) => getComputedStyle(el).backgroundColor),
    ).toBe('rgb(253, 234, 234)');
    expect(await preview(bob, long.sid)).toBe('Not sent: lost in the void');
    await expect
      .poll(async () => {
        const place = (await placeInList(bob, '.hm-failed-note'))!;
        return place.top >= 0 && place.bottom <= place.height;
      })
      .toBe(true);
    await bob.screenshot({ path: `${OUTPUT_DIR}/reading-failed-1280.png` });
    await expectAccessible(bob, 'reading-failed-1280');
    proxy.accept();
    await bob.context().close();
  });
});

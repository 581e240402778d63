import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { OUTPUT_DIR, startHarness, waitLive, type Harness } from './support/harness.ts';
import { row } from './support/locators.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

type Page = Awaited<ReturnType<Harness['page']>>;

/**
 * A chat `name` of `count` messages from Alice (`${prefix} ${i}`), read by Bob already (a chat with
 * unread messages would open at the first of them, not at the bottom), opened in a page of `size`
 * once its newest bubble shows. Answers the page, the chat's sid and its scroller.
 */
async function openReadChat(
  name: string,
  prefix: string,
  count: number,
  size?: { width: number; height?: number },
) {
  const alice = h.client('alice');
  const chat = await alice.setConversation({ name, participant_keys: ['alice', 'bob'] });
  for (let i = 0; i < count; i++)
    await alice.sendMessage({ sid: chat.sid, content: `${prefix} ${i}`, nonce: `${prefix}-${i}` });
  await h.client('bob').markRead({ sid: chat.sid });
  const page: Page = await h.page('bob', size);
  await waitLive(page);
  await row(page, chat.sid).click();
  await expect
    .poll(() => page.locator('hero-messaging .hm-msg .hm-text').last().textContent())
    .toBe(`${prefix} ${count - 1}`);
  return { page, sid: chat.sid, scroller: page.locator('hero-messaging .hm-messages') };
}

/** The bubble at the top of the chat's viewport, and where it is. */
const topRow = (scroller: ReturnType<Page['locator']>) =>
  scroller.evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    const row = [...el.querySelectorAll<HTMLElement>('.hm-msg')].find(
      (r) => r.getBoundingClientRect().bottom > top,
    )!;
    return {
      text: row.querySelector('.hm-text')!.textContent,
      offset: Math.round(row.getBoundingClientRect().top - top),
    };
  });

it('8. a narrow host (360 px) gets one pane with back navigation; both widths are screenshotted', async () => {
  await h.client('alice').sendMessage({ sid: h.dm.sid, content: 'Layout check', nonce: 'l-1' });
  const wide = await h.page('bob', { width: 1000 });
  await waitLive(wide);
  await row(wide, h.dm.sid).click();
  await wide.locator('hero-messaging .hm-msg').first().waitFor();
  expect(await wide.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  expect(await wide.locator('hero-messaging .hm-chat').isVisible()).toBe(true);
  expect(await wide.locator('hero-messaging .hm-back').first().isVisible()).toBe(false);
  await wide.screenshot({ path: `${OUTPUT_DIR}/layout-wide-1000.png` });
  await expectAccessible(wide, 'layout-wide-1000');

  const narrow = await h.page('bob', { width: 360 });
  await waitLive(narrow);
  expect(await narrow.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  expect(await narrow.locator('hero-messaging .hm-pane').isVisible()).toBe(false);
  await narrow.screenshot({ path: `${OUTPUT_DIR}/layout-narrow-360-list.png` });
  await expectAccessible(narrow, 'layout-narrow-360-list');
  await row(narrow, h.dm.sid).click();
  await narrow.locator('hero-messaging .hm-msg').first().waitFor();
  expect(await narrow.locator('hero-messaging .hm-list').isVisible()).toBe(false);
  const back = narrow.locator('hero-messaging .hm-chat .hm-back');
  expect(await back.isVisible()).toBe(true);
  await narrow.screenshot({ path: `${OUTPUT_DIR}/layout-narrow-360-chat.png` });
  await expectAccessible(narrow, 'layout-narrow-360-chat');
  await back.click();
  await expect.poll(() => narrow.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  expect(await narrow.locator('hero-messaging .hm-pane').isVisible()).toBe(false);
});

it('9. a tall host is filled: more bubbles are rendered until the chat can scroll, and older pages load from the top', async () => {
  const { page, scroller } = await openReadChat('Tall', 'tall', 120, { width: 1000, height: 2400 });
  // More than the 30 kept while pinned, and more than the first page of 50 (an older page was fetched
  // although nothing could be scrolled yet): enough to overflow the tall scroller, newest at the bottom.
  await expect
    .poll(() =>
      scroller.evaluate((el) => ({
        overflows: el.scrollHeight > el.clientHeight,
        atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 2,
      })),
    )
    .toEqual({ overflows: true, atBottom: true });
  expect(await page.locator('hero-messaging .hm-msg').count()).toBeGreaterThan(50);
  await page.screenshot({ path: `${OUTPUT_DIR}/layout-tall-2400.png` });
  await expectAccessible(page, 'layout-tall-2400');
});

it('10. a reader scrolled up stays put while other chats and this one get messages', async () => {
  const { page, sid, scroller } = await openReadChat('Long read', 'read', 150);
  // Scroll up a few screens, as a reader would.
  for (let i = 0; i < 6; i++) {
    await scroller.evaluate((el) => {
      el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight * 0.8);
      el.dispatchEvent(new Event('scroll'));
    });
    await new Promise((r) => setTimeout(r, 100));
  }
  const before = await topRow(scroller);
  expect(before.text).not.toBe('read 149');
  await h.client('carol').sendMessage({ sid: h.group.sid, content: 'elsewhere', nonce: 'else-1' });
  await expect
    .poll(() => row(page, h.group.sid).locator('.hm-conv-preview').textContent())
    .toBe('elsewhere');
  // The jump button counts the messages below the reader: one more when one arrives.
  const below = async () =>
    Number((await page.locator('hero-messaging .hm-jump').textContent())!.replace(/\D/g, ''));
  const counted = await below();
  await h.client('alice').sendMessage({ sid, content: 'read 150', nonce: 'read-150' });
  await expect.poll(below).toBe(counted + 1);
  expect(await topRow(scroller)).toEqual(before);
});

it('23. a reader at the bottom stays there when the chat gets shorter or taller (a window resized, a draft of many lines); one scrolled up stays put', async () => {
  const { page, scroller } = await openReadChat('Resized', 'size', 120, {
    width: 1000,
    height: 800,
  });
  const view = () =>
    scroller.evaluate((el) => {
      const last = [...el.querySelectorAll('.hm-msg')].pop()!;
      return {
        atBottom: el.scrollHeight - el.scrollTop - el.clientHeight < 2,
        lastShown: last.getBoundingClientRect().bottom <= el.getBoundingClientRect().bottom + 1,
        overflows: el.scrollHeight > el.clientHeight,
      };
    });
  await expect.poll(view).toEqual({ atBottom: true, lastShown: true, overflows: true });
  // Shorter (a window made smaller, a keyboard opened), much taller, and back, in quick steps as a
  // window dragged to another size: the newest message stays in sight, and a tall chat can be scrolled.
  for (const height of [400, 2600, 800, 2600, 400, 800]) {
    await page.setViewportSize({ width: 1000, height });
    await expect.poll(view).toEqual({ atBottom: true, lastShown: true, overflows: true });
  }

  // A draft of several lines grows the composer, and so shortens the chat: the newest message stays in sight.
  const input = page.locator('hero-messaging textarea');
  await input.click();
  await page.keyboard.type('a draft');
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('of many lines');
  }
  expect(await input.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(100);
  await expect.poll(view).toEqual({ atBottom: true, lastShown: true, overflows: true });

  // A reader scrolled up is not taken to the bottom by a resize: the bubble at the top stays where it was.
  await scroller.evaluate((el) => {
    el.scrollTop -= el.clientHeight;
  });
  await page.locator('hero-messaging .hm-jump').waitFor();
  const before = await topRow(scroller);
  await page.setViewportSize({ width: 1000, height: 600 });
  await new Promise((r) => setTimeout(r, 300));
  expect(await topRow(scroller)).toEqual(before);
  expect(await page.locator('hero-messaging .hm-jump').isVisible()).toBe(true);
});

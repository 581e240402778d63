import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bubbleTexts, startHarness, waitLive, type Harness } from './support/harness.ts';
import { row } from './support/locators.ts';

// A keyboard-only walk (Tab, arrows, Enter, Esc) through the list,
// a chat, the composer and New chat, wide and narrow. Nothing is clicked.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.client('alice').sendMessage({ sid: h.dm.sid, content: 'Knock knock', nonce: 'k-1' });
  // The group is the newer of the two: first in the list, the DM second.
  await h
    .client('carol')
    .sendMessage({ sid: h.group.sid, content: 'Crew, assemble', nonce: 'k-2' });
});
afterAll(() => h?.close());

/** What has focus inside the element, described as the reader would find it. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector('hero-messaging')!.shadowRoot!
      .activeElement as HTMLElement | null;
    if (!el) return 'nothing';
    if (el.matches('button.hm-conv'))
      return `row ${el.querySelector('.hm-conv-title')!.textContent}`;
    if (el.matches('textarea')) return 'composer';
    if (el.matches('input[type="checkbox"]'))
      return `checkbox ${el.closest('label')!.querySelector('.hm-check-name')!.textContent}`;
    return `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? el.textContent}`;
  });
}

const view = (page: Page) => page.locator('hero-messaging .hm-root').getAttribute('data-view');

/** The walk; answers the title of the chat it opened (the list's second row). */
async function walk(page: Page): Promise<string> {
  await waitLive(page);
  await row(page, h.dm.sid).waitFor();
  const [first, second] = await page.locator('hero-messaging .hm-conv-title').allTextContents();
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('button New chat');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe(`row ${first}`);
  await page.keyboard.press('ArrowDown');
  expect(await focused(page)).toBe(`row ${second}`);
  // Enter opens the chat, with focus in its composer: type and send without touching the mouse.
  await page.keyboard.press('Enter');
  await expect.poll(() => focused(page)).toBe('composer');
  expect(await view(page)).toBe('chat');
  const text = `Typed with the keyboard ${Date.now()}`;
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await expect.poll(() => bubbleTexts(page)).toContain(text);
  // Esc: back on the list, on the chat's row (first once the server has the message: a row moved to
  // the top keeps its focus); the narrow layout shows the list again.
  await page.keyboard.press('Escape');
  await expect.poll(() => focused(page)).toBe(`row ${second}`);
  expect(await view(page)).toBe('list');
  expect(await page.locator('hero-messaging button.hm-conv').first().isVisible()).toBe(true);
  // The list is one Tab stop: Shift+Tab leaves it for New chat.
  await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toBe('button New chat');
  await page.keyboard.press('Enter');
  // New chat opens on its search field; the people come next.
  await expect.poll(() => focused(page)).toBe('input Search people');
  await page.keyboard.press('Tab');
  await expect.poll(() => focused(page)).toBe('checkbox Alice');
  await page.keyboard.press('Space');
  expect(await page.locator('hero-messaging .hm-new button[type="submit"]').isEnabled()).toBe(true);
  // Esc cancels New chat, back on the button that opened it.
  await page.keyboard.press('Escape');
  await expect.poll(() => focused(page)).toBe('button New chat');
  expect(await page.locator('hero-messaging .hm-new').count()).toBe(0);
  // Again, this time leaving by its Cancel button.
  await page.keyboard.press('Enter');
  await expect.poll(() => focused(page)).toBe('input Search people');
  const cancel = page.locator('hero-messaging .hm-new .hm-cancel');
  expect(await cancel.isVisible()).toBe(true);
  for (let i = 0; i < 10 && (await focused(page)) !== 'button Cancel'; i++)
    await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('button Cancel');
  await page.keyboard.press('Enter');
  await expect.poll(() => focused(page)).toBe('button New chat');
  return second!;
}

it('18. wide (1280 px): Tab, arrows, Enter, Esc through the list, a chat, the composer and New chat', async () => {
  const page = await h.page('bob', { width: 1280, height: 800 });
  await walk(page);
  await page.close();
});

it('19. narrow (390 px): the same walk, and ← back from a chat lands on its row', async () => {
  const page = await h.page('bob', { width: 390, height: 844 });
  const opened = await walk(page);
  // Tab to the chat's row, open it, then Shift+Tab to ← and press it.
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe(`row ${opened}`);
  await page.keyboard.press('Enter');
  await expect.poll(() => focused(page)).toBe('composer');
  expect(await page.locator('hero-messaging .hm-list').isVisible()).toBe(false);
  for (let i = 0; i < 10 && (await focused(page)) !== 'button Back to conversations'; i++)
    await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toBe('button Back to conversations');
  await page.keyboard.press('Enter');
  await expect.poll(() => focused(page)).toBe(`row ${opened}`);
  expect(await page.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  await page.close();
});

it('20. a message for the focused row moves it to the top, and the keyboard focus stays on it', async () => {
  const page = await h.page('bob', { width: 1280, height: 800 });
  await waitLive(page);
  await row(page, h.dm.sid).waitFor();
  const [first, second] = await page.locator('hero-messaging .hm-conv-title').allTextContents();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe(`row ${first}`);
  await page.keyboard.press('ArrowDown');
  expect(await focused(page)).toBe(`row ${second}`);
  const rowOf = (title: string) =>
    page.locator('hero-messaging button.hm-conv', { hasText: title });
  const sid = await rowOf(second!).getAttribute('data-sid');
  await h.client('alice').sendMessage({
    sid: sid!,
    content: `For the focused row ${Date.now()}`,
    nonce: `f-${Date.now()}`,
  });
  await expect
    .poll(() => page.locator('hero-messaging .hm-conv-title').first().textContent())
    .toBe(second);
  expect(await focused(page)).toBe(`row ${second}`);
  // And the walk goes on from there: the row that was first is now below it.
  await page.keyboard.press('ArrowDown');
  expect(await focused(page)).toBe(`row ${first}`);
  await page.close();
});

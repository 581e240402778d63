import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { OUTPUT_DIR, openChat, startHarness, waitLive, type Harness } from './support/harness.ts';
import { row } from './support/locators.ts';

// In a real browser: the list's three honest states, each screenshotted at
// 1280 and 390 px, light and dark; then the host's language and a right-to-left host.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h
    .client('alice')
    .sendMessage({ sid: h.dm.sid, content: 'Are we still on for tonight?', nonce: 's-1' });
  await h.client('bob').sendMessage({ sid: h.dm.sid, content: 'Yes, at eight.', nonce: 's-2' });
});
afterAll(() => h?.close());

/** What the list shows instead of rows, as the reader sees it. */
function listState(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const state = root.querySelector<HTMLElement>('.hm-list .hm-state');
    const newChat = root.querySelector<HTMLButtonElement>('.hm-list-header .hm-button')!;
    return {
      state: state?.dataset.state,
      text: state?.textContent ?? '',
      newChatDisabled: newChat.disabled,
      newChatTitle: newChat.title,
    };
  });
}

/**
 * Screenshots at 1280 and 390 px, light and dark, each scanned with axe-core (no serious or critical
 * violation). No pill shows the connection: live says nothing, and a problem the list explains is said
 * there alone, its countdown once.
 */
async function screenshots(page: Page, name: string, pill: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `${OUTPUT_DIR}/states-${name}-${width}-${scheme}.png` });
      await expectAccessible(page, `states-${name}-${width}-${scheme}`);
    }
    const pills = page.locator('hero-messaging .hm-status');
    expect(await pills.first().getAttribute('data-state')).toBe(pill);
    expect(await pills.evaluateAll((all) => all.filter((p) => p.checkVisibility()).length)).toBe(0);
    const said = await page.locator('hero-messaging .hm-root').innerText();
    expect(said.match(/\d+ s…/g)?.length ?? 0).toBeLessThanOrEqual(1);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

it('14. a key the server does not know: says so in the person’s words; New chat is disabled', async () => {
  const page = await h.page('mallory');
  await expect
    .poll(() => listState(page))
    .toEqual({
      state: 'unauthorized',
      text: "The server doesn't recognise your account, so your chats can't be shown here.",
      newChatDisabled: true,
      newChatTitle: "The server doesn't recognise your account, so your chats can't be shown here.",
    });
  await screenshots(page, 'unauthorized', 'unauthorized');
  await page.close();
});

it('15. a server that cannot be reached: names it, counts down, offers Retry now; New chat is disabled', async () => {
  // A port nothing listens on: every request is refused at once.
  const page = await h.page('bob', { osisUrl: 'http://127.0.0.1:9' });
  await expect
    .poll(() => listState(page).then((s) => s.state), { timeout: 10_000 })
    .toBe('unreachable');
  const state = await listState(page);
  expect(state.text).toContain("Can't reach the server at http://127.0.0.1:9.");
  expect(state.newChatDisabled).toBe(true);
  expect(state.newChatTitle).toBe('New chat works once the conversations are loaded.');
  await expect
    .poll(() => listState(page).then((s) => s.text), { timeout: 10_000 })
    .toMatch(/Retrying in \d+ s… Retry now$/);
  await screenshots(page, 'unreachable', 'reconnecting');
  await page.close();
});

it('16. no conversations yet: says how to start one, and New chat works; a person with chats sees them', async () => {
  const page = await h.page('dave');
  await waitLive(page);
  expect(await listState(page)).toEqual({
    state: 'empty',
    text: 'No conversations yet. Start one with New chat.',
    newChatDisabled: false,
    newChatTitle: '',
  });
  await screenshots(page, 'empty', 'live');
  await page.locator('hero-messaging .hm-list-header .hm-button').click();
  await page.locator('hero-messaging .hm-new').waitFor();
  await page.close();

  const list = await h.page('bob');
  await waitLive(list);
  await row(list, h.dm.sid).waitFor();
  expect((await listState(list)).state).toBeUndefined();
  await screenshots(list, 'list', 'live');
  await list.close();
});

it('17. times follow the lang of the element, and a right-to-left host mirrors the layout: own bubbles on the left', async () => {
  const page = await h.page('bob', { width: 1280, height: 800 });
  await waitLive(page);
  const time = row(page, h.dm.sid).locator('.hm-conv-time');
  await page.evaluate(() => document.querySelector('hero-messaging')!.setAttribute('lang', 'de'));
  await expect.poll(() => time.textContent()).toMatch(/^\d{1,2}:\d\d$/);

  await page.evaluate(() => {
    document.documentElement.dir = 'rtl';
    document.querySelector('hero-messaging')!.setAttribute('lang', 'ar');
  });
  await openChat(page, h.dm.sid);
  await page.locator('hero-messaging .hm-msg.hm-own').first().waitFor();
  const boxes = await page.evaluate(() => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const box = (selector: string) => root.querySelector(selector)!.getBoundingClientRect();
    const messages = box('.hm-messages');
    const own = box('.hm-msg.hm-own .hm-bubble');
    const theirs = box('.hm-msg:not(.hm-own) .hm-bubble');
    return {
      ownFromLeft: own.left - messages.left,
      theirsFromRight: messages.right - theirs.right,
      listLeft: box('.hm-list').left,
      paneLeft: box('.hm-pane').left,
    };
  });
  // Own bubbles hug the left edge, the others' the right one; the list moved to the right.
  expect(boxes.ownFromLeft).toBeLessThan(30);
  expect(boxes.theirsFromRight).toBeLessThan(30);
  expect(boxes.listLeft).toBeGreaterThan(boxes.paneLeft);
  await page.screenshot({ path: `${OUTPUT_DIR}/states-rtl-1280.png` });
  await expectAccessible(page, 'states-rtl-1280');
  // In one pane, the back button sits at the right and its arrow points right, to where the list is.
  await page.setViewportSize({ width: 390, height: 844 });
  const back = page.locator('hero-messaging .hm-back');
  await back.waitFor();
  const arrow = await back.evaluate((button) => {
    const box = button.getBoundingClientRect();
    const header = button.parentElement!.getBoundingClientRect();
    return { fromRight: header.right - box.right, transform: getComputedStyle(button).transform };
  });
  expect(arrow.fromRight).toBeLessThan(30);
  expect(arrow.transform).toBe('matrix(-1, 0, 0, 1, 0, 0)');
  await page.screenshot({ path: `${OUTPUT_DIR}/states-rtl-390.png` });
  await expectAccessible(page, 'states-rtl-390');
  await page.close();
});

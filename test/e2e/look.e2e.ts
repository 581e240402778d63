import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { expectAccessible } from './support/axe.ts';
import { OUTPUT_DIR, openChat, startHarness, waitLive, type Harness } from './support/harness.ts';
import { row } from './support/locators.ts';

// In a real browser: nothing of the island overflows its width, whatever the names, drafts
// or direction; a short chat sits at the bottom of its pane, above the composer, as in every chat app.

let h: Harness;
let long: Conversation;
const LONG_NAME = `The ${'very '.repeat(19)}long name`.padEnd(100, '!');
const ARABIC = 'مرحبا، هل نلتقي الليلة في المقهى القريب من المحطة؟';

beforeAll(async () => {
  h = await startHarness();
  const alice = h.client('alice');
  long = await alice.setConversation({
    name: LONG_NAME,
    participant_keys: ['alice', 'bob', 'carol'],
  });
  await alice.sendMessage({ sid: long.sid, content: ARABIC, nonce: 'look-1' });
  await alice.sendMessage({
    sid: long.sid,
    content: 'A Latin line in a right-to-left host',
    nonce: 'look-2',
  });
  await h.client('bob').sendMessage({ sid: long.sid, content: `${ARABIC} ok`, nonce: 'look-3' });
  await h.client('bob').markRead({ sid: long.sid });
});
afterAll(() => h?.close());

/** Elements of the island that stick out of it sideways, or that scroll sideways: none should. */
function overflowing(page: Page) {
  return page.evaluate(() => {
    const host = document.querySelector('hero-messaging')!;
    const box = host.getBoundingClientRect();
    const out: string[] = [];
    for (const el of host.shadowRoot!.querySelectorAll<HTMLElement>('.hm-host *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5)
        out.push(
          `${name} ${Math.round(r.left)}..${Math.round(r.right)} of ${Math.round(box.width)}`,
        );
      else if (
        el.scrollWidth > el.clientWidth + 1 &&
        getComputedStyle(el).overflowX !== 'hidden' &&
        getComputedStyle(el).overflowX !== 'clip' &&
        el.clientWidth > 0
      )
        out.push(`${name} scrolls sideways ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
}

const WIDTHS = [320, 390, 1280];

describe('nothing overflows the island', () => {
  for (const dir of ['ltr', 'rtl'] as const) {
    it(`${dir}: a 100-character name, a 4,001-character draft and right-to-left text at 320, 390 and 1280 px`, async () => {
      const page = await h.page('bob', { width: 1280, height: 800 });
      await waitLive(page);
      if (dir === 'rtl') await page.evaluate(() => (document.documentElement.dir = 'rtl'));
      await row(page, long.sid).waitFor();
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        // The list: in one pane below 640 px, beside the chat above.
        if (width < 640) await page.locator('hero-messaging .hm-list').waitFor();
        expect({ width, list: await overflowing(page) }).toEqual({ width, list: [] });
        // New chat stays in reach.
        expect(await page.locator('hero-messaging .hm-list-header .hm-button').isVisible()).toBe(
          true,
        );
        await openChat(page, long.sid);
        await page.locator('hero-messaging textarea').fill('x'.repeat(4001));
        await page
          .locator('hero-messaging .hm-composer-error')
          .filter({ hasText: 'limited' })
          .waitFor();
        expect({ width, chat: await overflowing(page) }).toEqual({ width, chat: [] });
        // The field keeps the room; Send stays a button's width, the error under the field.
        const composer = await page.evaluate(() => {
          const root = document.querySelector('hero-messaging')!.shadowRoot!;
          const box = (s: string) => root.querySelector(s)!.getBoundingClientRect();
          return {
            input: box('.hm-input').width,
            send: box('.hm-send').width,
            errorBelowInput: box('.hm-composer-error').top >= box('.hm-input').bottom - 1,
          };
        });
        expect(composer.send).toBeLessThan(120);
        expect(composer.input).toBeGreaterThan(width * 0.5 - 140);
        expect(composer.errorBelowInput).toBe(true);
        // ← back points to the list: mirrored in a right-to-left host.
        if (width < 640) {
          const back = await page
            .locator('hero-messaging .hm-chat .hm-back')
            .evaluate((b) => getComputedStyle(b).transform);
          expect(back).toBe(dir === 'rtl' ? 'matrix(-1, 0, 0, 1, 0, 0)' : 'none');
        }
        await page.screenshot({ path: `${OUTPUT_DIR}/look-overflow-${dir}-${width}.png` });
        await expectAccessible(page, `look-overflow-${dir}-${width}`);
        await page.locator('hero-messaging textarea').fill('');
        if (width < 640) await page.locator('hero-messaging .hm-chat .hm-back').click();
      }
      await page.context().close();
    });
  }
});

/** Where the last bubble and the composer are, in px from the top of the page. */
const bottoms = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    return {
      content: root.querySelector(sel)!.getBoundingClientRect().bottom,
      list: root.querySelector('.hm-messages')!.getBoundingClientRect().bottom,
    };
  }, selector);

describe('a short chat sits at the bottom, above the composer', () => {
  it('two messages, and "No messages yet", are at the bottom of the pane', async () => {
    const page = await h.page('bob', { width: 1280, height: 800 });
    await waitLive(page);
    await openChat(page, h.dm.sid);
    await page.locator('hero-messaging .hm-empty').filter({ hasText: 'No messages yet' }).waitFor();
    const empty = await bottoms(page, '.hm-messages .hm-empty');
    expect(empty.list - empty.content).toBeLessThan(40);
    await page.screenshot({ path: `${OUTPUT_DIR}/look-empty-chat-1280.png` });
    await h
      .client('alice')
      .sendMessage({ sid: h.dm.sid, content: 'Hello at the bottom', nonce: 'b-1' });
    await page.locator('hero-messaging .hm-msg').first().waitFor();
    const one = await bottoms(page, '.hm-msg:last-of-type');
    expect(one.list - one.content).toBeLessThan(40);
    await page.screenshot({ path: `${OUTPUT_DIR}/look-short-chat-1280.png` });
    await page.context().close();
  });
});

describe('direction', () => {
  it('each bubble reads and aligns in its own direction; the hint too; ← points to the list in an element set to rtl', async () => {
    const page = await h.page('bob', { width: 390, height: 844 });
    await waitLive(page);
    await openChat(page, long.sid);
    await page.locator('hero-messaging .hm-msg').nth(2).waitFor();
    const directions = () =>
      page.evaluate(() => {
        const root = document.querySelector('hero-messaging')!.shadowRoot!;
        const bubbles = [...root.querySelectorAll<HTMLElement>('.hm-bubble')].map((b) => {
          const range = document.createRange();
          range.selectNodeContents(b.querySelector('.hm-text')!);
          const line = range.getClientRects()[0]!;
          // The time sits at the end of the text: on its right when the text reads left to right.
          const time = b.querySelector('.hm-meta')!.getBoundingClientRect();
          return `${getComputedStyle(b).direction} time ${time.left > line.left ? 'right' : 'left'}`;
        });
        const input = root.querySelector('textarea')!;
        return { bubbles, hint: getComputedStyle(input, '::placeholder').unicodeBidi };
      });
    // Arabic, Latin, and Bob's own Arabic: in a left-to-right host.
    expect(await directions()).toEqual({
      bubbles: ['rtl time left', 'ltr time right', 'rtl time left'],
      hint: 'plaintext',
    });
    await page.evaluate(() => document.querySelector('hero-messaging')!.setAttribute('dir', 'rtl'));
    // The same in a right-to-left one: the Latin line still starts at the left of its bubble.
    expect(await directions()).toEqual({
      bubbles: ['rtl time left', 'ltr time right', 'rtl time left'],
      hint: 'plaintext',
    });
    expect(
      await page
        .locator('hero-messaging .hm-chat .hm-back')
        .evaluate((b) => getComputedStyle(b).transform),
    ).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    await page.screenshot({ path: `${OUTPUT_DIR}/look-rtl-390.png` });
    await page.context().close();
  });
});

describe('New chat', () => {
  it('leaves room under its header, keeps its fields a readable width, and fits at 320, 390 and 1280 px', async () => {
    const page = await h.page('bob', { width: 1280, height: 800 });
    await waitLive(page);
    await page.locator('hero-messaging .hm-list-header .hm-button').click();
    await page.locator('hero-messaging .hm-new input[type="checkbox"]').nth(1).waitFor();
    await page.locator('hero-messaging .hm-new input[type="checkbox"]').nth(0).check();
    await page.locator('hero-messaging .hm-new input[type="checkbox"]').nth(1).check();
    const form = () =>
      page.evaluate(() => {
        const root = document.querySelector('hero-messaging')!.shadowRoot!;
        const box = (s: string) => root.querySelector(s)!.getBoundingClientRect();
        return {
          belowHeader: Math.round(
            box('.hm-new legend').top - box('.hm-new .hm-chat-header').bottom,
          ),
          search: box('.hm-new input[type="search"]').width,
          groupName: box('.hm-field .hm-textfield').width,
        };
      });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const { belowHeader, search, groupName } = await form();
      expect(belowHeader).toBeGreaterThanOrEqual(12);
      expect(Math.max(search, groupName)).toBeLessThanOrEqual(480);
      expect({ width, overflowing: await overflowing(page) }).toEqual({ width, overflowing: [] });
      await page.screenshot({ path: `${OUTPUT_DIR}/look-new-group-${width}.png` });
    }
    await page.context().close();
  });
});

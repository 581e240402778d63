import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeScan, blocking } from './support/axe.ts';
import {
  aliceAndBobLive,
  bubbleTexts,
  openChat,
  OUTPUT_DIR,
  send,
  startHarness,
  waitLive,
  waitNotLive,
  type Harness,
} from './support/harness.ts';
import { row } from './support/locators.ts';

// Seen, typing, edit and delete, live between two people, each in their own browser; and a server
// without them (the production server's shape), where none shows and nothing errors.

/** The own bubble with `text`. */
const bubble = (page: Page, text: string) =>
  page.locator('hero-messaging .hm-msg.hm-own').filter({ hasText: text });
const seen = (page: Page) => page.locator('hero-messaging .hm-seen');
const typingLine = (page: Page) => page.locator('hero-messaging .hm-chat-header .hm-typing');

describe('with a server that has them', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ heartbeatMs: 1000 });
  });
  afterAll(() => h?.close());

  it('Bob reads: Alice sees "Seen" under her message within 2 s, with the time on focus', async () => {
    const alice = await h.page('alice');
    await openChat(alice, h.dm.sid);
    await waitLive(alice);
    await send(alice, 'did you see this?');
    await bubble(alice, 'did you see this?').locator('.hm-tick').waitFor();
    expect(await seen(alice).count()).toBe(0);
    const bob = await h.page('bob');
    await waitLive(bob);
    const opened = Date.now();
    await openChat(bob, h.dm.sid);
    await expect
      .poll(() => bubble(alice, 'did you see this?').locator('.hm-seen').textContent(), {
        timeout: 2000,
        interval: 20,
      })
      .toMatch(/^Seen/);
    expect(Date.now() - opened).toBeLessThan(2000);
    await bubble(alice, 'did you see this?').locator('.hm-seen').focus();
    expect(
      await bubble(alice, 'did you see this?')
        .locator('.hm-seen-time')
        .evaluate((el) => el.getBoundingClientRect().width),
    ).toBeGreaterThan(10);
    // Bob has the chat open: the next message is read at once, and "Seen" moves under it (one at a time).
    await send(alice, 'and this one?');
    await expect
      .poll(() => bubble(alice, 'and this one?').locator('.hm-seen').count(), { timeout: 2000 })
      .toBe(1);
    expect(await seen(alice).count()).toBe(1);
    await alice.screenshot({ path: `${OUTPUT_DIR}/alive-seen.png` });
    await alice.context().close();
    await bob.context().close();
  });

  it('Bob types: Alice sees "Bob is typing…" within 1 s, in the chat and its row, gone when his message lands', async () => {
    const [alice, bob] = await aliceAndBobLive(h);
    await bob.locator('hero-messaging textarea').pressSequentially('hold on', { delay: 20 });
    const typedAt = Date.now();
    await expect
      .poll(() => typingLine(alice).textContent(), { timeout: 1000, interval: 20 })
      .toBe('Bob is typing…');
    expect(Date.now() - typedAt).toBeLessThan(1000);
    expect(await row(alice, h.dm.sid).locator('.hm-typing').textContent()).toBe('Bob is typing…');
    // Not announced: it is in no live region.
    expect(
      await typingLine(alice).evaluate((el) => el.closest('[aria-live]:not([aria-live="off"])')),
    ).toBeNull();
    await alice.screenshot({ path: `${OUTPUT_DIR}/alive-typing.png` });
    await bob.locator('hero-messaging textarea').press('Enter');
    await expect.poll(() => bubbleTexts(alice), { timeout: 2000 }).toContain('hold on');
    expect(await typingLine(alice).count()).toBe(0);
    expect(await alice.locator('hero-messaging .hm-conv .hm-typing').count()).toBe(0);
    await alice.context().close();
    await bob.context().close();
  });

  it('Alice edits and deletes from the keyboard: Bob sees both within 2 s, also across a reconnect in between', async () => {
    const proxy = await h.proxy();
    const [alice, bob] = await aliceAndBobLive(h, { osisUrl: proxy.url });
    await send(alice, 'meet at 7');
    await send(alice, 'wrong chat, sorry');
    await expect.poll(() => bubbleTexts(bob), { timeout: 2000 }).toContain('wrong chat, sorry');

    // Edit: Tab to the bubble's ⋯, Enter, Edit; the composer holds the text; Enter saves.
    await bubble(alice, 'meet at 7').locator('.hm-actions-toggle').focus();
    await alice.keyboard.press('Enter');
    await alice.keyboard.press('Enter');
    const input = alice.locator('hero-messaging textarea');
    expect(await input.inputValue()).toBe('meet at 7');
    await input.fill('meet at 8');
    let at = Date.now();
    await input.press('Enter');
    await expect
      .poll(() => bubbleTexts(bob), { timeout: 2000, interval: 20 })
      .toContain('meet at 8');
    expect(Date.now() - at).toBeLessThan(2000);
    expect(
      await bob
        .locator('hero-messaging .hm-msg')
        .filter({ hasText: 'meet at 8' })
        .locator('.hm-meta')
        .textContent(),
    ).toContain('edited');
    expect(await input.inputValue()).toBe('');

    // Delete while Bob is cut off: he catches up when he is back.
    proxy.cutAll();
    proxy.refuse();
    await bubble(alice, 'wrong chat, sorry').locator('.hm-actions-toggle').click();
    await alice.locator('hero-messaging .hm-actions-menu .hm-danger').click();
    await alice.locator('hero-messaging .hm-actions-menu .hm-danger').click();
    await expect.poll(() => bubbleTexts(alice)).toContain('Message deleted');
    // The tombstone has no actions: focus stays in the history, not on the page's body.
    expect(
      await alice.evaluate(
        () => document.querySelector('hero-messaging')!.shadowRoot!.activeElement?.className,
      ),
    ).toBe('hm-messages');
    // A right click on someone else's message leaves the browser's own menu alone.
    expect(
      await bob
        .locator('hero-messaging .hm-msg:not(.hm-own) .hm-bubble')
        .first()
        .evaluate(
          (el) =>
            !el.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })),
        ),
    ).toBe(false);
    await alice.screenshot({ path: `${OUTPUT_DIR}/alive-edited-deleted.png` });
    await waitNotLive(bob, 10_000);
    at = Date.now();
    proxy.accept();
    await expect
      .poll(() => bubbleTexts(bob), { timeout: 5000, interval: 20 })
      .toContain('Message deleted');
    console.log(
      `deleted while cut off: on Bob's screen ${Date.now() - at} ms after the proxy let him back`,
    );
    expect(await bubbleTexts(bob)).not.toContain('wrong chat, sorry');
    // The preview follows.
    expect(await row(bob, h.dm.sid).locator('.hm-conv-preview').textContent()).toBe(
      'Message deleted',
    );
    expect(blocking(await axeScan(alice))).toEqual([]);
    await alice.context().close();
    await bob.context().close();
  });

  it('on a phone, the ⋯ menu stays inside the history for a long message and the newest one, in both directions; "typing…" reads in dark', async () => {
    const alice = await h.page('alice', { width: 390, height: 844 });
    await openChat(alice, h.dm.sid);
    await waitLive(alice);
    await send(
      alice,
      `a long one ${'wordswithoutanybreak'.repeat(12)} and https://example.com/${'x'.repeat(80)}`,
    );
    await send(alice, 'ok');
    await bubble(alice, 'ok').locator('.hm-tick').waitFor();
    const inside = async (text: string) => {
      await bubble(alice, text).locator('.hm-actions-toggle').focus();
      await alice.keyboard.press('Enter');
      const placed = await alice.evaluate(() => {
        const root = document.querySelector('hero-messaging')!.shadowRoot!;
        const box = root.querySelector('.hm-messages')!.getBoundingClientRect();
        const menu = root.querySelector('.hm-actions-menu')!;
        const m = menu.getBoundingClientRect();
        // Each action is where a finger would press it.
        const reachable = [...menu.querySelectorAll('button')].every((b) => {
          const r = b.getBoundingClientRect();
          return root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b;
        });
        return {
          inside:
            m.left >= box.left - 1 &&
            m.right <= box.right + 1 &&
            m.top >= box.top - 1 &&
            m.bottom <= box.bottom + 1,
          reachable,
        };
      });
      await alice.keyboard.press('Escape');
      return placed;
    };
    for (const [width, dir] of [
      [390, 'ltr'],
      [320, 'ltr'],
      [390, 'rtl'],
      [320, 'rtl'],
    ] as const) {
      await alice.setViewportSize({ width, height: 844 });
      await alice.evaluate((d) => (document.documentElement.dir = d), dir);
      for (const text of ['a long one', 'ok'])
        expect({ width, dir, text, ...(await inside(text)) }).toEqual({
          width,
          dir,
          text,
          inside: true,
          reachable: true,
        });
    }
    await alice.evaluate(() => (document.documentElement.dir = 'ltr'));
    const bob = await h.page('bob');
    await openChat(bob, h.dm.sid);
    await waitLive(bob);
    await bob.locator('hero-messaging textarea').pressSequentially('hm', { delay: 20 });
    await typingLine(alice).waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await alice.emulateMedia({ colorScheme: scheme });
      expect({ scheme, found: blocking(await axeScan(alice)) }).toEqual({ scheme, found: [] });
    }
    await alice.context().close();
    await bob.context().close();
  });

  it('with read-receipts="off", Bob reads without telling, and sees nobody\'s receipts', async () => {
    const alice = await h.page('alice');
    await openChat(alice, h.group.sid);
    await waitLive(alice);
    await send(alice, 'quiet reader test');
    const bob = await h.page('bob');
    await bob.evaluate(() =>
      document.querySelector('hero-messaging')!.setAttribute('read-receipts', 'off'),
    );
    await openChat(bob, h.group.sid);
    await waitLive(bob);
    await send(bob, 'I read it');
    // Carol reads Bob's message; Bob, with receipts off, is not shown it.
    await h.client('carol').markRead({ sid: h.group.sid });
    await expect
      .poll(() => bubble(alice, 'quiet reader test').locator('.hm-seen').textContent(), {
        timeout: 2000,
      })
      .toMatch(/^Seen by Carol/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await seen(bob).count()).toBe(0);
    expect(
      await bubble(alice, 'quiet reader test').locator('.hm-seen').textContent(),
    ).not.toContain('Bob');
    await alice.context().close();
    await bob.context().close();
  });
});

describe("with the production server's shape (no receipts, typing, edit or delete)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ shape: 'seed', heartbeatMs: 1000 });
  });
  afterAll(() => h?.close());

  it('none of the three shows, and nothing errors', async () => {
    const alice = await h.page('alice');
    const bob = await h.page('bob');
    const errors: string[] = [];
    for (const page of [alice, bob]) {
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await openChat(page, h.dm.sid);
      await waitLive(page);
    }
    await send(alice, 'plain old message');
    await expect.poll(() => bubbleTexts(bob), { timeout: 2000 }).toContain('plain old message');
    await bob.locator('hero-messaging textarea').pressSequentially('typing here', { delay: 20 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await typingLine(alice).count()).toBe(0);
    expect(await seen(alice).count()).toBe(0);
    // No actions are offered on a message from a server that cannot change it.
    expect(await bubble(alice, 'plain old message').locator('.hm-actions-toggle').count()).toBe(0);
    expect(await alice.locator('hero-messaging [role="alert"]:not(:empty)').count()).toBe(0);
    expect(errors).toEqual([]);
    await alice.context().close();
    await bob.context().close();
  });
});

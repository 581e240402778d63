import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  badge,
  bubbleTexts,
  openChat,
  readWholeChat,
  send,
  startHarness,
  waitLive,
  waitNotLive,
  type Harness,
} from './support/harness.ts';
import { row } from './support/locators.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** Records, in the page, when a bubble with each text first appears (one clock for all pages). */
async function watchBubbles(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { seen: Record<string, number> };
    w.seen = {};
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const note = () => {
      for (const node of root.querySelectorAll('.hm-msg .hm-text')) {
        const text = node.textContent ?? '';
        if (!(text in w.seen)) w.seen[text] = performance.timeOrigin + performance.now();
      }
    };
    new MutationObserver(note).observe(root, {
      childList: true,
      subtree: true,
      characterData: true,
    });
    note();
  });
}

/** Types and sends in the page, returning the moment of the send on the shared clock. */
function sendTimed(page: Page, text: string): Promise<number> {
  return page.evaluate((value) => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const input = root.querySelector('textarea')!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    const at = performance.timeOrigin + performance.now();
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }),
    );
    return at;
  }, text);
}

describe('live delivery in Chromium', () => {
  it('1. Bob sees what Alice sends within 2 s, no reload; Alice sees her bubble once', async () => {
    const alice = await h.page('alice');
    const bob = await h.page('bob');
    for (const page of [alice, bob]) {
      await openChat(page, h.dm.sid);
      await waitLive(page);
    }
    await watchBubbles(bob);
    const delays: number[] = [];
    for (let i = 0; i < 50; i++) {
      const text = `delivery ${i}`;
      const sentAt = await sendTimed(alice, text);
      const seenAt = await bob
        .waitForFunction(
          (t) => (window as unknown as { seen: Record<string, number> }).seen[t],
          text,
          { timeout: 2000 },
        )
        .catch(async (error: Error) => {
          throw new Error(
            `${text} not seen: ${error.message}; Bob shows ${JSON.stringify((await bubbleTexts(bob)).slice(-3))}, Alice ${JSON.stringify((await bubbleTexts(alice)).slice(-3))}`,
          );
        });
      delays.push(((await seenAt.jsonValue()) as number) - sentAt);
    }
    const sorted = [...delays].sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        scenario: 1,
        sends: 50,
        median_ms: +sorted[25]!.toFixed(1),
        worst_ms: +sorted[49]!.toFixed(1),
      }),
    );
    expect(sorted[49]).toBeLessThan(2000);
    await expect
      .poll(() => row(bob, h.dm.sid).locator('.hm-conv-preview').textContent())
      .toBe('delivery 49');
    // Alice's own 50, each once, read through the whole (windowed) chat.
    await expect.poll(async () => (await bubbleTexts(alice)).at(-1)).toBe('delivery 49');
    const mine = (await readWholeChat(alice)).texts.filter((t) => t.startsWith('delivery '));
    expect(mine).toEqual(Array.from({ length: 50 }, (_, i) => `delivery ${i}`));
    await alice.context().close();
    await bob.context().close();
  });

  it('2. the unread badge counts up in another chat, and opening it clears it on every page of Bob', async () => {
    const alice = h.client('alice');
    await h.client('bob').markRead({ sid: h.dm.sid }); // start from nothing unread
    const bob = await h.page('bob');
    const bobElsewhere = await h.page('bob');
    await openChat(bob, h.group.sid);
    await waitLive(bob);
    await waitLive(bobElsewhere);
    await alice.sendMessage({ sid: h.dm.sid, content: 'unread one', nonce: 's2-1' });
    await expect.poll(() => badge(bob, h.dm.sid).textContent()).toBe('1');
    await alice.sendMessage({ sid: h.dm.sid, content: 'unread two', nonce: 's2-2' });
    await expect.poll(() => badge(bob, h.dm.sid).textContent()).toBe('2');
    await expect.poll(() => badge(bobElsewhere, h.dm.sid).textContent()).toBe('2');
    await openChat(bob, h.dm.sid);
    await expect.poll(() => badge(bob, h.dm.sid).count()).toBe(0);
    await expect.poll(() => badge(bobElsewhere, h.dm.sid).count(), { timeout: 3000 }).toBe(0);
    await bob.context().close();
    await bobElsewhere.context().close();
  });

  it('3. a backend restart mid-conversation: both pages reconnect, resync, and Bob has every message', async () => {
    const alice = await h.page('alice');
    const bob = await h.page('bob');
    for (const page of [alice, bob]) {
      await openChat(page, h.dm.sid);
      await waitLive(page);
    }
    await send(alice, 'before restart');
    await expect.poll(() => bubbleTexts(bob)).toContain('before restart');
    await h.restartBackend();
    for (const page of [alice, bob]) await waitNotLive(page, 5000);
    // Alice writes right away, while Bob's page may still be waiting to reconnect.
    await h
      .client('alice')
      .sendMessage({ sid: h.dm.sid, content: 'after restart 1', nonce: 's3-1' });
    await send(alice, 'after restart 2');
    for (const page of [alice, bob]) await waitLive(page, 40_000);
    await send(alice, 'after restart 3');
    const expected = (await h.client('bob').listMessages({ sid: h.dm.sid, limit: 200 })).map(
      (m) => m.content,
    );
    expect(expected.slice(-4)).toEqual(
      ['before restart', 'after restart 1', 'after restart 2', 'after restart 3'].slice(-4),
    );
    await expect
      .poll(async () => (await bubbleTexts(bob)).slice(-4), { timeout: 5000 })
      .toEqual(expected.slice(-4));
    // Bob shows a window of the newest messages: exactly the server's, in order, once each.
    const shown = await bubbleTexts(bob);
    expect(shown).toEqual(expected.slice(-shown.length));
    await alice.context().close();
    await bob.context().close();
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { OUTPUT_DIR, openChat, startHarness, waitLive, type Harness } from './support/harness.ts';

// Hostile content: what a message holds cannot disguise a link or break the chat's layout.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

it('a right-to-left override before a link cannot make it read as another address', async () => {
  const disguised = 'https://attacker.example/nigol/moc.lapyap//:sptth';
  await h
    .client('alice')
    .sendMessage({ sid: h.dm.sid, content: `pay at \u202e ${disguised}`, nonce: 'bidi-1' });
  await h.client('alice').sendMessage({
    sid: h.dm.sid,
    content: `inside https://a.example/x\u202egnp.exe`,
    nonce: 'bidi-2',
  });
  const page = await h.page('bob');
  await waitLive(page);
  await openChat(page, h.dm.sid);
  const links = page.locator('hero-messaging .hm-text a');
  await expect.poll(() => links.count()).toBe(2);
  // The link reads left to right: its first character is drawn left of its last.
  const order = await links.first().evaluate((a) => {
    const text = a.firstChild!;
    const rect = (i: number) => {
      const range = document.createRange();
      range.setStart(text, i);
      range.setEnd(text, i + 1);
      return range.getBoundingClientRect().left;
    };
    return {
      first: rect(0),
      last: rect(text.textContent!.length - 1),
      text: a.textContent,
      href: a.getAttribute('href'),
    };
  });
  expect(order.text).toBe(disguised);
  expect(order.href).toBe(disguised);
  expect(order.first).toBeLessThan(order.last);
  // A control inside what looks like one address ends the link: none is ever in an href.
  expect(await links.nth(1).getAttribute('href')).toBe('https://a.example/x');
  await page.screenshot({ path: `${OUTPUT_DIR}/content-bidi.png` });
  await page.context().close();
});

it('one grapheme of 4,000 code units stays inside its bubble: nothing scrolls the chat sideways and its time is in view', async () => {
  const marks = Array.from({ length: 3999 }, (_, i) =>
    String.fromCharCode(0x300 + (i % 0x70)),
  ).join('');
  await h.client('alice').sendMessage({ sid: h.group.sid, content: 'just before', nonce: 'z-0' });
  await h.client('alice').sendMessage({ sid: h.group.sid, content: `Z${marks}`, nonce: 'z-1' });
  const page = await h.page('bob', { width: 1000, height: 700 });
  await waitLive(page);
  await openChat(page, h.group.sid);
  await page.locator('hero-messaging .hm-msg').nth(1).waitFor();
  const layout = await page.evaluate(() => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const scroller = root.querySelector<HTMLElement>('.hm-messages')!;
    const bubbles = [...root.querySelectorAll<HTMLElement>('.hm-bubble')];
    const zalgo = bubbles.at(-1)!;
    const box = scroller.getBoundingClientRect();
    const b = zalgo.getBoundingClientRect();
    const time = zalgo.querySelector('time')!.getBoundingClientRect();
    return {
      sideways: scroller.scrollWidth - scroller.clientWidth,
      bubbleInside: b.left >= box.left - 1 && b.right <= box.right + 1,
      timeInView: time.left >= box.left - 1 && time.right <= box.right + 1 && time.width > 0,
      // What overflows the bubble (the marks piled above and below) is clipped to it.
      clipped: getComputedStyle(zalgo).overflow,
    };
  });
  expect(layout).toEqual({ sideways: 0, bubbleInside: true, timeInView: true, clipped: 'hidden' });
  await page.screenshot({ path: `${OUTPUT_DIR}/content-zalgo.png` });
  await page.context().close();
});

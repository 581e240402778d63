import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { byActivity, type Row } from '../../src/sync/rows.ts';
import { OUTPUT_DIR, startHarness, waitLive, type Harness } from './support/harness.ts';

// A person with many conversations: the list is windowed, the keyboard walks past the
// window's edges, and a burst of messages over the whole list reorders it correctly.

const ROOMS = 600;
let h: Harness;
let rooms: Conversation[];
beforeAll(async () => {
  h = await startHarness();
  // Seeded through the RPC dispatcher, each room with one message; the newest is the last.
  const call = (key: string, method: string, params: unknown) =>
    h.backend.backend.service.call(h.context, key, method, params);
  rooms = [];
  for (let i = 0; i < ROOMS; i++) {
    const room = call('carol', 'conversation.set', {
      name: `Room ${i}`,
      participant_keys: ['bob', 'carol', 'dave'],
    }) as Conversation;
    call('carol', 'conversation.send_message', {
      sid: room.sid,
      content: `hello ${i}`,
      nonce: `seed-${i}`,
    });
    rooms.push(room);
  }
});
afterAll(() => h?.close());

const rowsIn = (page: Awaited<ReturnType<Harness['page']>>) =>
  page.locator('hero-messaging button.hm-conv');

it('15. the list of 600 conversations is windowed, and the keyboard walks past the window', async () => {
  const page = await h.page('bob', { width: 1000, height: 800 });
  await waitLive(page);
  const rows = rowsIn(page);
  await expect.poll(() => rows.count()).toBeGreaterThan(0);
  expect(await rows.count()).toBeLessThanOrEqual(200);
  expect(await rows.first().getAttribute('data-sid')).toBe(rooms[ROOMS - 1]!.sid);
  // One Tab stop.
  expect(await page.locator('hero-messaging button.hm-conv[tabindex="0"]').count()).toBe(1);
  await rows.first().focus();
  const shown = await rows.count();
  for (let i = 0; i < shown + 10; i++) await page.keyboard.press('ArrowDown');
  const focusedSid = () =>
    page.evaluate(
      () =>
        (document.querySelector('hero-messaging')!.shadowRoot!.activeElement as HTMLElement | null)
          ?.dataset.sid,
    );
  expect(await focusedSid()).toBe(rooms[ROOMS - 1 - (shown + 10)]!.sid);
  await page.keyboard.press('End');
  // The last rows are the harness's DM and group, older than every room.
  expect(
    await page.evaluate(() =>
      document
        .querySelector('hero-messaging')!
        .shadowRoot!.activeElement?.closest('li')
        ?.getAttribute('aria-posinset'),
    ),
  ).toBe(String(ROOMS + 2));
  expect(await rows.count()).toBeLessThanOrEqual(200);
  await page.keyboard.press('Home');
  expect(await focusedSid()).toBe(rooms[ROOMS - 1]!.sid);
  await page.screenshot({ path: `${OUTPUT_DIR}/list-600.png` });
});

it('16. a burst over the whole list reorders it: each row previews its newest message, the busiest on top', async () => {
  const page = await h.page('bob', { width: 1000, height: 800 });
  await waitLive(page);
  const dave = h.client('dave');
  // 400 messages over 200 rooms from all over the list, sent 20 at a time.
  const targets = Array.from({ length: 400 }, (_, k) => rooms[((k * 7) % 200) * 3]!);
  for (let k = 0; k < targets.length; k += 20) {
    await Promise.all(
      targets
        .slice(k, k + 20)
        .map((room, j) =>
          dave.sendMessage({ sid: room.sid, content: `burst ${k + j}`, nonce: `burst-${k + j}` }),
        ),
    );
  }
  // What the server says, newest activity first, is what the list must show; of rows active in the
  // same second, the server lists the greater sid first (a stable place for paging), the island the
  // latest change.
  const expected = ((await h.client('bob').listConversations()) as Row[])
    .sort(byActivity)
    .slice(0, 20);
  const shown = () =>
    page.evaluate(() =>
      [
        ...document
          .querySelector('hero-messaging')!
          .shadowRoot!.querySelectorAll<HTMLElement>('button.hm-conv'),
      ]
        .slice(0, 20)
        .map((row) => ({
          sid: row.dataset.sid,
          preview: row.querySelector('.hm-conv-preview')?.textContent,
        })),
    );
  await expect
    .poll(shown, { timeout: 10_000 })
    .toEqual(expected.map((c) => ({ sid: c.sid, preview: c.last_message })));
  expect(await rowsIn(page).count()).toBeLessThanOrEqual(200);
});

it('21. in a tall host the list renders a screen and a half of rows, not a chunk more', async () => {
  const page = await h.page('bob', { width: 1000, height: 2400 });
  await waitLive(page);
  const scroller = page.locator('hero-messaging .hm-conv-list');
  const fill = () =>
    scroller.evaluate((el) => {
      const rows = el.querySelectorAll('button.hm-conv');
      const rowHeight = rows[1]!.getBoundingClientRect().top - rows[0]!.getBoundingClientRect().top;
      return {
        filled: el.scrollHeight >= el.clientHeight * 1.5,
        spareRows: Math.floor((el.scrollHeight - el.clientHeight * 1.5) / rowHeight),
      };
    });
  // Every rendered row is work in each frame of a burst: one screen and a half, and at most a row over.
  await expect.poll(fill).toEqual({ filled: true, spareRows: 0 });
});

it('22. a list that grows taller after the rows are in gets the rows to fill it, and scrolls', async () => {
  const page = await h.page('bob', { width: 1000, height: 500 });
  await waitLive(page);
  const rows = rowsIn(page);
  await expect.poll(() => rows.count()).toBeGreaterThan(0);
  // The window is made taller than the rows rendered for the short one: without more rows nothing would scroll.
  await page.setViewportSize({ width: 1000, height: 1600 });
  const scroller = page.locator('hero-messaging .hm-conv-list');
  await expect
    .poll(() => scroller.evaluate((el) => el.scrollHeight >= el.clientHeight * 1.5))
    .toBe(true);
  await page.mouse.move(150, 800);
  await page.mouse.wheel(0, 1200);
  await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
});

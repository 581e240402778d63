import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendShape } from '../../mocks/backend/index.ts';
import {
  aliceAndBobLive,
  badge,
  bubbleTexts,
  openChat,
  send,
  startHarness,
  waitLive,
  waitNotLive,
  type Harness,
} from './support/harness.ts';

// The core of the island against both shapes of server: ours (the whole contract) and the production
// server's as shipped (`seed`: no ready, no ids, no seq, nonce or unread_count, no mark_read).

const count = (texts: string[], text: string) => texts.filter((t) => t === text).length;

describe.each<BackendShape>(['full', 'seed'])('against the %s shape', (shape) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ shape, heartbeatMs: 1000 });
  });
  afterAll(() => h?.close());

  it('shows the list after load and goes live', async () => {
    const bob = await h.page('bob');
    await expect.poll(() => bob.locator('hero-messaging button.hm-conv').count()).toBe(2);
    await waitLive(bob);
    await bob.context().close();
  });

  it('delivers both ways within 2 s, one bubble per send for sender and recipient', async () => {
    const [alice, bob] = await aliceAndBobLive(h);
    for (let i = 0; i < 6; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      const text = `${shape} both ways ${i}`;
      const sentAt = Date.now();
      await send(from, text);
      await expect.poll(() => bubbleTexts(to), { timeout: 2000, interval: 20 }).toContain(text);
      expect(Date.now() - sentAt).toBeLessThan(2000);
    }
    for (const page of [alice, bob]) {
      const texts = await bubbleTexts(page);
      for (let i = 0; i < 6; i++) expect(count(texts, `${shape} both ways ${i}`)).toBe(1);
      // Every own bubble is confirmed (no clock, no pending twin).
      await expect
        .poll(() => page.locator('hero-messaging .hm-msg[data-status="sending"]').count())
        .toBe(0);
    }
    await alice.context().close();
    await bob.context().close();
  });

  it('raises the unread count of another chat', async () => {
    const bob = await h.page('bob');
    await openChat(bob, h.group.sid);
    await waitLive(bob);
    const before = Number(
      (await badge(bob, h.dm.sid)
        .textContent({ timeout: 200 })
        .catch(() => null)) ?? 0,
    );
    await h
      .client('alice')
      .sendMessage({ sid: h.dm.sid, content: `${shape} unread one`, nonce: `${shape}-u1` });
    await expect.poll(() => badge(bob, h.dm.sid).textContent()).toBe(`${before + 1}`);
    await h
      .client('alice')
      .sendMessage({ sid: h.dm.sid, content: `${shape} unread two`, nonce: `${shape}-u2` });
    await expect.poll(() => badge(bob, h.dm.sid).textContent()).toBe(`${before + 2}`);
    await openChat(bob, h.dm.sid);
    await expect.poll(() => badge(bob, h.dm.sid).count()).toBe(0);
    await bob.context().close();
  });

  it('recovers from a server restart: both pages live again, and Bob has every message once', async () => {
    const [alice, bob] = await aliceAndBobLive(h);
    await send(alice, `${shape} before restart`);
    await expect.poll(() => bubbleTexts(bob)).toContain(`${shape} before restart`);
    await h.restartBackend();
    for (const page of [alice, bob]) await waitNotLive(page, 5000);
    await h
      .client('alice')
      .sendMessage({ sid: h.dm.sid, content: `${shape} after restart 1`, nonce: `${shape}-r1` });
    for (const page of [alice, bob]) await waitLive(page, 40_000);
    await send(alice, `${shape} after restart 2`);
    const expected = [
      `${shape} before restart`,
      `${shape} after restart 1`,
      `${shape} after restart 2`,
    ];
    await expect
      .poll(async () => (await bubbleTexts(bob)).slice(-3), { timeout: 5000 })
      .toEqual(expected);
    for (const page of [alice, bob]) {
      const texts = await bubbleTexts(page);
      for (const text of expected) expect(count(texts, text)).toBe(1);
    }
    await alice.context().close();
    await bob.context().close();
  });

  it('keeps offline sends in the outbox across a reload and sends each once when the server is back', async () => {
    const proxy = await h.proxy();
    const alice = await h.page('alice', { osisUrl: proxy.url });
    await openChat(alice, h.dm.sid);
    await waitLive(alice);
    proxy.refuse();
    const texts = [1, 2, 3].map((i) => `${shape} offline ${i}`);
    for (const text of texts) await send(alice, text);
    await expect
      .poll(() => alice.locator('hero-messaging .hm-msg[data-status="failed"]').count(), {
        timeout: 10_000,
      })
      .toBe(3);
    await alice.reload();
    await waitNotLive(alice);
    proxy.accept();
    await waitLive(alice, 60_000);
    const bob = h.client('bob');
    await expect
      .poll(
        async () =>
          (await bob.listMessages({ sid: h.dm.sid, limit: 200 }))
            .filter((m) => m.content.includes(' offline '))
            .map((m) => m.content),
        {
          timeout: 10_000,
        },
      )
      .toEqual(texts);
    await openChat(alice, h.dm.sid);
    await expect
      .poll(async () => (await bubbleTexts(alice)).filter((t) => t.includes(' offline ')), {
        timeout: 5000,
      })
      .toEqual(texts);
    await expect
      .poll(() => alice.locator('hero-messaging .hm-msg[data-status="failed"]').count())
      .toBe(0);
    await alice.context().close();
  });
});

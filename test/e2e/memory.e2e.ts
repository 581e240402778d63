import { afterAll, beforeAll, expect, it } from 'vitest';
import { openChat, startHarness, waitLive, type Harness } from './support/harness.ts';

// An open chat stays light however much arrives while it is open.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

it('a chat open while thousands of messages arrive keeps its memory bounded, and pages the forgotten ones back in', async () => {
  const chat = await h
    .client('carol')
    .setConversation({ name: 'Firehose', participant_keys: ['alice', 'bob', 'carol'] });
  const page = await h.page('bob', { width: 800, height: 600 });
  await waitLive(page);
  await openChat(page, chat.sid);
  const alice = h.client('alice');
  let sent = 0;
  const sendUpTo = async (total: number) => {
    while (sent < total) {
      const batch = Array.from({ length: Math.min(50, total - sent) }, (_, i) => sent + i);
      await Promise.all(
        batch.map((n) =>
          alice.sendMessage({ sid: chat.sid, content: `firehose ${n}`, nonce: `f-${n}` }),
        ),
      );
      sent += batch.length;
    }
    await expect
      .poll(() => page.locator('hero-messaging .hm-msg .hm-text').last().textContent(), {
        timeout: 20_000,
      })
      .toBe(`firehose ${total - 1}`);
  };
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await sendUpTo(2000);
  const at2000 = await heap();
  await sendUpTo(6000);
  const at6000 = await heap();
  const growthMb = (at6000 - at2000) / 1e6;
  console.log(
    `heap with the chat open: ${(at2000 / 1e6).toFixed(1)} MB after 2,000 messages, ${(at6000 / 1e6).toFixed(1)} MB after 6,000 (+${growthMb.toFixed(2)} MB)`,
  );
  // Kept whole, 4,000 more messages would take about 1.6 MB (0.4 MB per 1,000).
  expect(growthMb).toBeLessThan(0.8);
  // Scrolling up brings the forgotten ones back, in order: the last 1,500 read back without a gap.
  const texts = await page.evaluate(async () => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const scroller = root.querySelector<HTMLElement>('.hm-messages')!;
    const seen = new Map<string, string>();
    for (let i = 0; i < 400 && seen.size < 1500; i++) {
      for (const el of root.querySelectorAll<HTMLElement>('.hm-msg'))
        seen.set(el.dataset.key!, el.querySelector('.hm-text')!.textContent!);
      scroller.scrollTop = Math.max(0, scroller.scrollTop - scroller.clientHeight);
      scroller.dispatchEvent(new Event('scroll'));
      await new Promise((r) => setTimeout(r, 30));
    }
    return [...seen.values()];
  });
  const numbers = texts.map((t) => Number(t.split(' ')[1])).sort((a, b) => a - b);
  expect(numbers.length).toBeGreaterThanOrEqual(1500);
  expect(numbers.at(-1)).toBe(5999);
  expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)).toBe(true);
  await page.context().close();
});

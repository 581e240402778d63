import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubbleTexts,
  openChat,
  readWholeChat,
  send,
  startHarness,
  status,
  waitLive,
  waitNotLive,
  type Harness,
} from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 1000 });
});
afterAll(() => h?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults in Chromium: nothing is lost', () => {
  it('4. chaos: cuts at random moments and a stall past the heartbeat window; Bob ends with exactly the 300', async () => {
    const alice = h.client('alice');
    const chaos = await alice.setConversation({
      name: 'Chaos',
      participant_keys: ['alice', 'bob'],
    });
    const proxy = await h.proxy();
    const bob = await h.page('bob', { osisUrl: proxy.url });
    await waitLive(bob);
    await openChat(bob, chaos.sid);
    const sending = (async () => {
      for (let i = 0; i < 300; i++) {
        await alice.sendMessage({ sid: chaos.sid, content: `chaos ${i}`, nonce: `chaos-${i}` });
        await sleep(10);
      }
    })();
    for (let cut = 0; cut < 5; cut++) {
      await sleep(200 + Math.random() * 500);
      proxy.cutAll();
    }
    proxy.stall();
    await sleep(3000); // past 2.5 × heartbeat: the watchdog must notice
    proxy.resume();
    await sending;
    const newest = await alice.listMessages({ sid: chaos.sid, limit: 200 });
    const oldest = await alice.listMessages({
      sid: chaos.sid,
      limit: 200,
      before_seq: newest[0]!.seq,
    });
    const server = [...oldest, ...newest].map((m) => m.content);
    expect(server).toEqual(Array.from({ length: 300 }, (_, i) => `chaos ${i}`));
    // The live window catches up with the newest message, then the reader scrolls up through the rest.
    await expect
      .poll(async () => (await bubbleTexts(bob)).at(-1), { timeout: 60_000, interval: 250 })
      .toBe('chaos 299');
    const read = await readWholeChat(bob);
    expect(read.texts).toEqual(server);
    // Only what is near the viewport is rendered, however far up the reader went.
    expect(read.mostInDom).toBeLessThanOrEqual(200);
    await bob.context().close();
  });

  it('5. offline sends wait in the outbox, survive a reload, and are delivered once each when traffic flows', async () => {
    const proxy = await h.proxy();
    const alice = await h.page('alice', { osisUrl: proxy.url });
    await openChat(alice, h.dm.sid);
    await waitLive(alice);
    proxy.refuse();
    for (const text of ['offline 1', 'offline 2', 'offline 3']) await send(alice, text);
    await expect
      .poll(() => alice.locator('hero-messaging .hm-msg[data-status="failed"]').count(), {
        timeout: 10_000,
      })
      .toBe(3);
    await alice.reload();
    const stored = await alice.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('hero-messaging:outbox:'))
        .flatMap((k) =>
          (JSON.parse(localStorage.getItem(k)!) as { sends: { content: string }[] }).sends.map(
            (e) => e.content,
          ),
        ),
    );
    expect(stored).toEqual(['offline 1', 'offline 2', 'offline 3']);
    await waitNotLive(alice);
    proxy.accept();
    await waitLive(alice, 60_000);
    const bob = h.client('bob');
    await expect
      .poll(
        async () =>
          (await bob.listMessages({ sid: h.dm.sid, limit: 200 }))
            .filter((m) => m.content.startsWith('offline '))
            .map((m) => m.content),
        {
          timeout: 10_000,
        },
      )
      .toEqual(['offline 1', 'offline 2', 'offline 3']);
    await openChat(alice, h.dm.sid);
    await expect
      .poll(async () => (await bubbleTexts(alice)).filter((t) => t.startsWith('offline ')), {
        timeout: 5000,
      })
      .toEqual(['offline 1', 'offline 2', 'offline 3']);
    await alice.context().close();
  });

  it('6. malformed, unknown, oversized and script-bearing input: the page keeps working and runs nothing', async () => {
    const bob = await h.page('bob');
    const dialogs: string[] = [];
    bob.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await openChat(bob, h.dm.sid);
    await waitLive(bob);
    const inject = (raw: string) => h.backend.backend.injectRaw(h.context, 'bob', raw);
    expect(inject('data: {not json\n\n')).toBeGreaterThan(0);
    inject(
      `event: typing.started\ndata: ${JSON.stringify({ type: 'typing.started', data: { who: 'alice' } })}\n\n`,
    );
    inject(
      `data: ${JSON.stringify({ type: 'chatmessage.new', data: { sid: 1, content: null } })}\n\n`,
    );
    inject(`data: ${'x'.repeat(2 * 1024 * 1024)}\n\n`);
    inject('\u0000\u00ff garbage without a newline');
    inject('\n\n');
    const alice = h.client('alice');
    const xss = '<img src=x onerror=alert(1)>';
    await alice.sendMessage({ sid: h.dm.sid, content: xss, nonce: 's6-xss' });
    await alice.sendMessage({
      sid: h.dm.sid,
      content: '<script>alert(2)</script> still fine',
      nonce: 's6-script',
    });
    await expect
      .poll(async () => (await bubbleTexts(bob)).slice(-2), { timeout: 10_000 })
      .toEqual([xss, '<script>alert(2)</script> still fine']);
    expect(
      await bob
        .locator('hero-messaging .hm-messages img, hero-messaging .hm-messages script')
        .count(),
    ).toBe(0);
    await waitLive(bob);
    await sleep(300);
    expect(dialogs).toEqual([]);
    await bob.context().close();
  });

  it('7. an unknown key shows "Not authorised" and makes no further requests', async () => {
    const context = await h.browser.newContext();
    const mallory = await h.page('mallory', { browserContext: context });
    await expect
      .poll(() => status(mallory).textContent(), { timeout: 10_000 })
      .toBe('Not authorised');
    let later = 0;
    mallory.on('request', (req) => {
      if (req.url().includes('/hero_osis_communication/')) later++;
    });
    await sleep(3000);
    expect(later).toBe(0);
    await context.close();
  });
});

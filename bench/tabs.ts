import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { startBackendServer } from '../mocks/backend/index.ts';
import { createCommunicationClient } from '../src/sdk/index.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startStaticServer } from '../test/e2e/support/static-server.ts';
import { sleep, summary, type BenchLine } from './support.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface BenchPage {
  live(key: string): boolean;
  open(key: string, sid: string): Promise<void>;
  watch(key: string): void;
  arrival(text: string): number | undefined;
  arrivals(): string[];
  elements: Map<string, HTMLElement>;
}
declare const bench: BenchPage;

/**
 * Streams the backend holds for one person with N tabs of one browser profile (HTTP/1.1 on
 * 127.0.0.1), each tab with its own stream (`share=0`, the code before) and sharing one; then the
 * handover time: from closing the leader's page to the first event a follower gets from the new
 * leader (a message sent once the page is closed), `handovers` times.
 */
export async function tabSharing(options: {
  tabs: number[];
  handovers: number;
}): Promise<BenchLine[]> {
  const backend = await startBackendServer({ seed: false, heartbeatMs: 1000 });
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  let contexts = 0;
  const streams = (context: string) =>
    backend.backend.service.log.subscriberCount(context, 'alice');
  const setup = async () => {
    const context = `bench-tabs-${Date.now()}-${contexts++}`;
    const dm = await createCommunicationClient({
      baseUrl: backend.url,
      context,
      publicKey: 'alice',
    }).setConversation({ participant_keys: ['alice', 'bob'] });
    const profile = await chromium.browser.newContext({ viewport: { width: 800, height: 600 } });
    return { context, sid: dm.sid, profile };
  };
  const open = async (profile: BrowserContext, context: string, share: boolean): Promise<Page> => {
    const page = await profile.newPage();
    const query = new URLSearchParams({
      osis: backend.url,
      context,
      keys: 'alice',
      ...(share ? {} : { share: '0' }),
    });
    await page.goto(`${statics.url}/bench/pages/host.html?${query}`);
    return page;
  };
  const isLive = (page: Page) => page.evaluate(() => bench.live('alice'));
  const waitLive = async (page: Page, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await isLive(page)) return true;
      await sleep(50);
    }
    return false;
  };
  /** What a follower shows, for a run that lost its message. */
  const describe = (page: Page) =>
    page.evaluate(() => {
      const shadow = bench.elements.get('alice')!.shadowRoot!;
      return {
        status: shadow.querySelector<HTMLElement>('.hm-status')?.dataset.state,
        bubbles: [...shadow.querySelectorAll('.hm-msg .hm-text')].map((node) => node.textContent),
        arrivals: bench.arrivals(),
      };
    });
  const lines: BenchLine[] = [];
  try {
    for (const share of [false, true]) {
      for (const n of options.tabs) {
        const { context, profile } = await setup();
        const pages: Page[] = [];
        for (let i = 0; i < n; i++) pages.push(await open(profile, context, share));
        // A tab that is not live within 10 s is waiting for a connection (Chromium's six per host).
        let live = 0;
        for (const page of pages)
          if (await waitLive(page, live === pages.indexOf(page) ? 10_000 : 500)) live++;
        await sleep(500);
        lines.push({
          name: 'tabs.streams',
          params: { tabs: n, shared: share },
          figures: { streams: streams(context), liveTabs: live },
        });
        await profile.close();
      }
    }
    const handovers: number[] = [];
    for (let run = 0; run < options.handovers; run++) {
      const { context, sid, profile } = await setup();
      const leader = await open(profile, context, true);
      await waitLive(leader, 10_000);
      const followers = [await open(profile, context, true), await open(profile, context, true)];
      for (const page of followers) {
        await waitLive(page, 10_000);
        await page.evaluate((s) => bench.open('alice', s), sid);
        await page.evaluate(() => bench.watch('alice'));
      }
      const text = `handover ${run}`;
      const closedAt = Date.now();
      await leader.close();
      await createCommunicationClient({
        baseUrl: backend.url,
        context,
        publicKey: 'bob',
      }).sendMessage({ sid, content: text, nonce: `h-${run}` });
      let seenAt: number | undefined;
      for (const end = Date.now() + 10_000; seenAt === undefined && Date.now() < end;) {
        seenAt = await followers[0]!.evaluate((t) => {
          const at = bench.arrival(t);
          return at === undefined ? undefined : performance.timeOrigin + at;
        }, text);
        if (seenAt === undefined) await sleep(20);
      }
      if (seenAt !== undefined) handovers.push(seenAt - closedAt);
      else
        console.error(
          `tabs.handover: run ${run} lost its message; the followers: ${JSON.stringify(await Promise.all(followers.map(describe)))}`,
        );
      await profile.close();
    }
    lines.push({
      name: 'tabs.handover',
      params: { runs: options.handovers, tabs: 3 },
      figures: { ...summary(handovers), lost: options.handovers - handovers.length, unit: 'ms' },
    });
  } finally {
    await chromium.close();
    await statics.close();
    await backend.close();
  }
  return lines;
}

import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import {
  startBackendServer,
  type RunningBackend,
  type ServerOptions,
} from '../mocks/backend/index.ts';
import { createCommunicationClient, type CommunicationClient } from '../src/sdk/index.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { sleep } from './support.ts';
import { startStaticServer } from '../test/e2e/support/static-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What bench/pages/host.html exposes as `window.bench`; every time is that page's `performance.now()`. */
export interface BenchApi {
  live(key: string): boolean;
  open(key: string, sid: string): Promise<void>;
  /** Records when each bubble text is first in `key`'s DOM. */
  watch(key: string): void;
  /** Types into `key`'s composer and presses Enter; answers when Enter was pressed. */
  send(key: string, text: string): number;
  seen(text: string, timeoutMs?: number): Promise<number | undefined>;
  firstSeen(prefix: string): number | undefined;
  bubbles(key: string): number;
  pinned(key: string): boolean;
  startRecording(): number;
  stopRecording(): {
    longTasks: number;
    longestTaskMs: number;
    frames: number;
    droppedFrames: number;
    longestFrameMs: number;
  };
  cycle(key: string, sid: string): Promise<void>;
}

declare const bench: BenchApi;

export interface PageParams {
  context: string;
  keys: string;
  transport?: 'sse' | 'poll';
  /** Publish every store change at once (one render per event), through the element's injected environment. */
  renderEach?: boolean;
}

/** Headless Chromium, the built bundle on a static server, and the dev backend, all on loopback. */
export interface BenchHost {
  backend: RunningBackend;
  browser: Browser;
  client(context: string, key: string): CommunicationClient;
  /** bench/pages/host.html with one element per key (comma-separated), instrumented as `window.bench`. */
  page(params: PageParams, size?: { width: number; height: number }): Promise<Page>;
  /**
   * A fresh context with a DM between Alice and Bob, and a page whose elements (`keys`) are live
   * with the DM open, Bob's DOM watched.
   */
  dmPage(
    params: Omit<PageParams, 'context'>,
    size: { width: number; height: number },
  ): Promise<{ page: Page; context: string; sid: string }>;
  close(): Promise<void>;
}

export async function startBenchHost(options: ServerOptions = {}): Promise<BenchHost> {
  const backend = await startBackendServer({ seed: false, ...options });
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  let pages = 0;
  const host: BenchHost = {
    backend,
    browser: chromium.browser,
    client: (context, key) =>
      createCommunicationClient({ baseUrl: backend.url, context, publicKey: key }),
    async page(params, size = { width: 1000, height: 800 }) {
      const context = await chromium.browser.newContext({ viewport: size });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[bench page] ${error.message}`));
      const query = new URLSearchParams({
        osis: backend.url,
        context: params.context,
        keys: params.keys,
      });
      if (params.transport) query.set('transport', params.transport);
      if (params.renderEach) query.set('render', 'each');
      await page.goto(`${statics.url}/bench/pages/host.html?${query}`);
      return page;
    },
    async dmPage(params, size) {
      const context = `bench-${params.keys.replace(',', '-')}-${Date.now()}-${pages++}`;
      const dm = await host
        .client(context, 'alice')
        .setConversation({ participant_keys: ['alice', 'bob'] });
      const page = await host.page({ ...params, context }, size);
      const keys = params.keys.split(',');
      await page.waitForFunction((keys) => keys.every((key) => bench.live(key)), keys, {
        timeout: 15_000,
      });
      await page.evaluate(([keys, sid]) => Promise.all(keys.map((key) => bench.open(key, sid))), [
        keys,
        dm.sid,
      ] as [string[], string]);
      await page.evaluate(() => bench.watch('bob'));
      await sleep(300);
      return { page, context, sid: dm.sid };
    },
    async close() {
      await chromium.close();
      await statics.close();
      await backend.close();
    },
  };
  return host;
}

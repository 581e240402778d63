import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startBackendServer, type RunningBackend, type ServerOptions } from '../mocks/backend/index.ts';
import { createCommunicationClient, type CommunicationClient } from '../src/sdk/index.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startStaticServer } from '../test/e2e/support/static-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Headless Chromium, the built bundle on a static server, and the dev backend, all on loopback. */
export interface BenchHost {
  backend: RunningBackend;
  browser: Browser;
  client(context: string, key: string): CommunicationClient;
  /** bench/pages/host.html with one element per key (comma-separated), instrumented as `window.bench`. */
  page(params: { context: string; keys: string; transport?: 'sse' | 'poll'; batch?: boolean }, size?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startBenchHost(options: ServerOptions = {}): Promise<BenchHost> {
  const backend = await startBackendServer({ seed: false, ...options });
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  return {
    backend,
    browser: chromium.browser,
    client: (context, key) => createCommunicationClient({ baseUrl: backend.url, context, publicKey: key }),
    async page(params, size = { width: 1000, height: 800 }) {
      const context = await chromium.browser.newContext({ viewport: size });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[bench page] ${error.message}`));
      const query = new URLSearchParams({ osis: backend.url, context: params.context, keys: params.keys });
      if (params.transport) query.set('transport', params.transport);
      if (params.batch === false) query.set('batch', '0');
      await page.goto(`${statics.url}/bench/pages/host.html?${query}`);
      return page;
    },
    async close() {
      await chromium.close();
      await statics.close();
      await backend.close();
    },
  };
}

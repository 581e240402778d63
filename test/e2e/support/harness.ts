import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createCommunicationClient, type CommunicationClient } from '../../../src/sdk/index.ts';
import type { Conversation } from '../../../src/protocol/index.ts';
import { startBackendServer, type RunningBackend, type ServerOptions } from '../../../mocks/backend/index.ts';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.ts';
import { tempDir } from '../../support/backend.ts';
import { launchChromium } from './browser.ts';
import { startStaticServer } from './static-server.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
export const OUTPUT_DIR = `${root}test-results/e2e`;

/** Everything a scenario needs: backend (restartable on its data dir), static host, browser. */
export interface Harness {
  backend: RunningBackend;
  browser: Browser;
  context: string;
  dm: Conversation;
  group: Conversation;
  client(key: string): CommunicationClient;
  proxy(): Promise<FaultProxy>;
  /** A page showing one element as `key`, talking to `osisUrl` (default: the backend directly). */
  page(key: string, options?: { osisUrl?: string; width?: number; browserContext?: BrowserContext }): Promise<Page>;
  /** Stops the backend and starts it again on the same port and data directory (a new epoch). */
  restartBackend(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startHarness(options: ServerOptions = {}): Promise<Harness> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const data = tempDir();
  const backendOptions: ServerOptions = { seed: false, dataDir: data.path, fsync: false, heartbeatMs: 1000, ...options };
  let backend = await startBackendServer(backendOptions);
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  const proxies: FaultProxy[] = [];
  const context = `e2e-${process.pid}-${counter++}`;
  const client = (key: string) => createCommunicationClient({ baseUrl: backend.url, context, publicKey: key });
  const dm = await client('alice').setConversation({ participant_keys: ['alice', 'bob'] });
  const group = await client('carol').setConversation({ name: 'Crew', participant_keys: ['alice', 'bob', 'carol'] });

  const harness: Harness = {
    get backend() {
      return backend;
    },
    browser: chromium.browser,
    context,
    dm,
    group,
    client,
    async proxy() {
      const proxy = await startFaultProxy({ port: backend.port });
      proxies.push(proxy);
      return proxy;
    },
    async page(key, pageOptions = {}) {
      const browserContext =
        pageOptions.browserContext ?? (await chromium.browser.newContext({ viewport: { width: pageOptions.width ?? 1000, height: 700 } }));
      const page = await browserContext.newPage();
      page.on('pageerror', (error) => console.error(`[page ${key}] ${error.message}`));
      const osis = pageOptions.osisUrl ?? backend.url;
      await page.goto(`${statics.url}/test/e2e/pages/host.html?osis=${encodeURIComponent(osis)}&context=${context}&key=${key}`);
      return page;
    },
    async restartBackend() {
      const port = backend.port;
      await backend.close();
      backend = await startBackendServer({ ...backendOptions, port });
    },
    async close() {
      await chromium.close();
      for (const proxy of proxies) await proxy.close();
      await statics.close();
      await backend.close();
      data.remove();
    },
  };
  return harness;
}

export const status = (page: Page) => page.locator('hero-messaging .hm-status').first();

export async function waitLive(page: Page, timeout = 15_000): Promise<void> {
  await expect.poll(() => status(page).getAttribute('data-state'), { timeout }).toBe('live');
}

export async function openChat(page: Page, sid: string): Promise<void> {
  await page.locator(`hero-messaging button.hm-conv[data-sid="${sid}"]`).click();
  await page.locator('hero-messaging .hm-messages').waitFor();
}

export function bubbleTexts(page: Page): Promise<string[]> {
  return page.locator('hero-messaging .hm-msg .hm-text').allTextContents();
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('hero-messaging textarea');
  await input.fill(text);
  await input.press('Enter');
}

export function badge(page: Page, sid: string) {
  return page.locator(`hero-messaging button.hm-conv[data-sid="${sid}"] .hm-badge`);
}

/** Scrolls the open chat to the top until no older page is left, as a reader would. */
export async function loadAllHistory(page: Page, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let previous = -1;
  let stable = 0;
  while (Date.now() < end && stable < 4) {
    const count = await page.evaluate(() => {
      const scroller = document.querySelector('hero-messaging')!.shadowRoot!.querySelector<HTMLElement>('.hm-messages')!;
      scroller.scrollTop = 0;
      scroller.dispatchEvent(new Event('scroll'));
      return scroller.querySelectorAll('.hm-msg').length;
    });
    stable = count === previous ? stable + 1 : 0;
    previous = count;
    await new Promise((r) => setTimeout(r, 150));
  }
}

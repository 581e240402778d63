import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createCommunicationClient, type CommunicationClient } from '../../../src/sdk/index.ts';
import type { Conversation } from '../../../src/protocol/index.ts';
import {
  startBackendServer,
  type RunningBackend,
  type ServerOptions,
} from '../../../mocks/backend/index.ts';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.ts';
import { tempDir } from '../../support/backend.ts';
import { launchChromium } from './browser.ts';
import { row } from './locators.ts';
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
  /**
   * A page showing one element as `key`, talking to `osisUrl` (default: the backend directly); `init`
   * runs in this page only, before any of its scripts (as `page.addInitScript`).
   */
  page(
    key: string,
    options?: {
      osisUrl?: string;
      width?: number;
      height?: number;
      browserContext?: BrowserContext;
      init?: () => void;
    },
  ): Promise<Page>;
  /** Stops the backend and starts it again on the same port and data directory (a new epoch). */
  restartBackend(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startHarness(options: ServerOptions = {}): Promise<Harness> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const data = tempDir();
  const backendOptions: ServerOptions = {
    seed: false,
    dataDir: data.path,
    fsync: false,
    heartbeatMs: 1000,
    ...options,
  };
  let backend = await startBackendServer(backendOptions);
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  const proxies: FaultProxy[] = [];
  const context = `e2e-${process.pid}-${counter++}`;
  const client = (key: string) =>
    createCommunicationClient({ baseUrl: backend.url, context, publicKey: key });
  const dm = await client('alice').setConversation({ participant_keys: ['alice', 'bob'] });
  const group = await client('carol').setConversation({
    name: 'Crew',
    participant_keys: ['alice', 'bob', 'carol'],
  });

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
        pageOptions.browserContext ??
        (await chromium.browser.newContext({
          viewport: { width: pageOptions.width ?? 1000, height: pageOptions.height ?? 700 },
        }));
      const page = await browserContext.newPage();
      page.on('pageerror', (error) => console.error(`[page ${key}] ${error.message}`));
      if (pageOptions.init) await page.addInitScript(pageOptions.init);
      const osis = pageOptions.osisUrl ?? backend.url;
      await page.goto(
        `${statics.url}/test/e2e/pages/host.html?osis=${encodeURIComponent(osis)}&context=${context}&key=${key}`,
      );
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

/** Waits until `page`'s status is no longer live, as after its server went away. */
export async function waitNotLive(page: Page, timeout = 1000): Promise<void> {
  await expect.poll(() => status(page).getAttribute('data-state'), { timeout }).not.toBe('live');
}

export async function openChat(page: Page, sid: string): Promise<void> {
  await row(page, sid).click();
  await page.locator('hero-messaging .hm-messages').waitFor();
}

export function bubbleTexts(page: Page): Promise<string[]> {
  return page.locator('hero-messaging .hm-msg .hm-text').allTextContents();
}

/** How many bubbles of the open chat read `text`. */
export const bubblesWith = (page: Page, text: string) =>
  page.evaluate(
    (t) =>
      [
        ...document
          .querySelector('hero-messaging')!
          .shadowRoot!.querySelectorAll('.hm-msg .hm-text'),
      ].filter((n) => n.textContent === t).length,
    text,
  );

/** Alice's page and Bob's (with `bob`'s options), each with the harness's DM open and live. */
export async function aliceAndBobLive(
  h: Harness,
  bob: Parameters<Harness['page']>[1] = {},
): Promise<[Page, Page]> {
  const pages: [Page, Page] = [await h.page('alice'), await h.page('bob', bob)];
  for (const page of pages) {
    await openChat(page, h.dm.sid);
    await waitLive(page);
  }
  return pages;
}

export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('hero-messaging textarea');
  await input.fill(text);
  await input.press('Enter');
}

export function badge(page: Page, sid: string) {
  return row(page, sid).locator('.hm-badge');
}

/**
 * Every bubble text of the open chat, oldest first, read as a reader would: scrolling up from the
 * bottom a screen at a time (the list renders only what is near the viewport, and loads older
 * pages at the top) until nothing new appears. Throws if two screens disagree on the order.
 */
export async function readWholeChat(
  page: Page,
  timeoutMs = 30_000,
): Promise<{ texts: string[]; mostInDom: number }> {
  const end = Date.now() + timeoutMs;
  const all: { key: string; text: string }[] = [];
  const known = new Set<string>();
  let idle = 0;
  let mostInDom = 0;
  while (Date.now() < end && idle < 6) {
    const screen = await page.evaluate(() => {
      const scroller = document
        .querySelector('hero-messaging')!
        .shadowRoot!.querySelector<HTMLElement>('.hm-messages')!;
      const rows = [...scroller.querySelectorAll<HTMLElement>('.hm-msg')].map((el) => ({
        key: el.dataset.key!,
        text: el.querySelector('.hm-text')!.textContent!,
      }));
      scroller.scrollTop = Math.max(0, scroller.scrollTop - scroller.clientHeight * 0.8);
      scroller.dispatchEvent(new Event('scroll'));
      return rows;
    });
    mostInDom = Math.max(mostInDom, screen.length);
    const fresh = screen.filter((row) => !known.has(row.key));
    if (all.length > 0 && fresh.some((row, i) => screen[i]!.key !== row.key)) {
      throw new Error(
        `the chat's order changed between screens: ${JSON.stringify(screen.map((r) => r.text))}`,
      );
    }
    all.unshift(...fresh);
    for (const row of fresh) known.add(row.key);
    idle = fresh.length === 0 ? idle + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { texts: all.map((row) => row.text), mostInDom };
}

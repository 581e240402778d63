// The standalone app (`npm run dev`): real path routes through @solidjs/router, served by Vite's dev
// server with the dev backend mounted, as a developer opens it.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { createCommunicationClient } from '../../src/sdk/index.ts';
import { tempDir } from '../support/backend.ts';
import { launchChromium } from './support/browser.ts';
import { row } from './support/locators.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const context = `app-${process.pid}`;

let server: ViteDevServer;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let data: ReturnType<typeof tempDir>;
let origin: string;
let dm: Conversation;
let group: Conversation;
let page: Page;

beforeAll(async () => {
  data = tempDir();
  // vite.config.ts reads it when the dev server loads the config.
  const dataDir = process.env.HERO_DATA_DIR;
  process.env.HERO_DATA_DIR = `${data.path}/backend`;
  try {
    server = await createServer({
      root,
      mode: 'development',
      logLevel: 'warn',
      cacheDir: `${data.path}/vite`,
      server: { host: '127.0.0.1', port: 0, hmr: false },
    });
    await server.listen();
  } finally {
    if (dataDir === undefined) delete process.env.HERO_DATA_DIR;
    else process.env.HERO_DATA_DIR = dataDir;
  }
  origin = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  const client = (key: string) =>
    createCommunicationClient({ baseUrl: origin, context, publicKey: key });
  dm = await client('alice').setConversation({ participant_keys: ['alice', 'bob'] });
  group = await client('carol').setConversation({
    name: 'Crew',
    participant_keys: ['alice', 'bob', 'carol'],
  });
  await client('bob').sendMessage({
    sid: dm.sid,
    content: 'Deep links work?',
    nonce: crypto.randomUUID(),
  });
  chromium = await launchChromium();
  page = await chromium.browser.newPage({ viewport: { width: 1000, height: 700 } });
  page.on('pageerror', (error) => console.error(`[app] ${error.message}`));
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  data?.remove();
});

const heading = () => page.locator('.hm-chat h2').textContent();
const at = (path: string) => `${origin}${path}${path.includes('?') ? '&' : '?'}context=${context}`;

describe('the standalone app', () => {
  it('opens a chat from its deep link, keeps it across a reload, and follows back and forward', async () => {
    await page.goto(at(`/as/alice/chat/${dm.sid}`));
    await page.locator('.hm-msg', { hasText: 'Deep links work?' }).waitFor();
    // Names come with the contacts, fetched after the first snapshot.
    await expect.poll(heading).toBe('Bob');
    expect(await row(page, dm.sid).getAttribute('aria-current')).toBe('page');

    await page.reload();
    await page.locator('.hm-msg', { hasText: 'Deep links work?' }).waitFor();
    // Names come with the contacts, fetched after the first snapshot.
    await expect.poll(heading).toBe('Bob');

    // A row is a button named by its conversation's title, then its time and preview.
    await page.getByRole('button', { name: /^Crew/ }).click();
    await page.waitForURL(at(`/as/alice/chat/${group.sid}`));
    await page.waitForFunction(() => document.querySelector('.hm-chat h2')?.textContent === 'Crew');

    await page.goBack();
    await page.waitForURL(at(`/as/alice/chat/${dm.sid}`));
    await page.waitForFunction(() => document.querySelector('.hm-chat h2')?.textContent === 'Bob');
    await page.goForward();
    await page.waitForURL(at(`/as/alice/chat/${group.sid}`));
    await page.waitForFunction(() => document.querySelector('.hm-chat h2')?.textContent === 'Crew');
  });

  it('routes /as/:key/new and the bare list at /as/:key, and switching person changes the path', async () => {
    await page.goto(at('/as/alice/new'));
    await page.locator('.hm-root[data-view="chat"] form.hm-new').waitFor();
    await row(page, dm.sid).click();
    await page.waitForURL(at(`/as/alice/chat/${dm.sid}`));
    await page.goBack();
    await page.waitForURL(at('/as/alice/new'));
    await page.locator('form.hm-new').waitFor();

    await page.goto(at('/as/alice'));
    await row(page, dm.sid).waitFor();
    expect(await page.locator('.hm-root').getAttribute('data-view')).toBe('list');
    expect(await page.locator('button.hm-conv[aria-current="page"]').count()).toBe(0);

    await page.selectOption('select[aria-label="You are"]', 'bob');
    await page.waitForURL(at('/as/bob'));
    await row(page, dm.sid).filter({ hasText: 'Deep links work?' }).waitFor();
    expect(await page.title()).toBe('Bob · hero-messaging');
  });

  it('keeps the old /?as=key address as a redirect, serves the two-island shell at /, and says when a path is unknown', async () => {
    await page.goto(at('/?as=carol'));
    await page.waitForURL(at('/as/carol'));
    await row(page, group.sid).waitFor();

    await page.goto(at('/'));
    await page.waitForFunction(() => document.querySelectorAll('hero-messaging').length === 2);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.pill[data-state]')].map((p) => p.textContent).join() ===
        'live,live',
      undefined,
      {
        timeout: 20_000,
      },
    );

    await page.goto(at('/as/alice/chat/x/y'));
    expect(await page.locator('[role="alert"]').textContent()).toContain('No page here');
  });
});

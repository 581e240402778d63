import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeScan, blocking, lookAt, printReport } from './support/axe.ts';
import { openChat, startHarness, waitLive, type Harness } from './support/harness.ts';
import { row } from './support/locators.ts';

// Every screen, at 1280 and 390 px, light and dark, screenshotted and scanned with axe-core;
// none may have a serious or critical violation.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const alice = h.client('alice');
  const carol = h.client('carol');
  await carol.sendMessage({ sid: h.group.sid, content: 'Crew, assemble', nonce: 'a-1' });
  await alice.sendMessage({ sid: h.group.sid, content: 'On my way', nonce: 'a-2' });
  await alice.sendMessage({
    sid: h.group.sid,
    content: 'Bringing snacks, see https://example.com/snacks',
    nonce: 'a-3',
  });
  // A long one, shown folded with "Show more".
  await alice.sendMessage({
    sid: h.group.sid,
    content: `The plan, in full: ${'we meet, we talk, we eat. '.repeat(160)}`.slice(0, 4000),
    nonce: 'a-3b',
  });
  await h.client('bob').sendMessage({ sid: h.group.sid, content: 'See you there', nonce: 'a-4' });
  await h.client('bob').markRead({ sid: h.group.sid });
  await alice.sendMessage({ sid: h.dm.sid, content: 'Are we still on for tonight?', nonce: 'a-5' });
});
afterAll(async () => {
  console.log(`axe-core, by screen:\n${printReport()}`);
  await h?.close();
});

/** A page whose host wraps the element in its own `<main>`, under its own `<h1>`, as a host page does. */
async function hostPage(key: string, options: Parameters<Harness['page']>[1] = {}): Promise<Page> {
  const page = await h.page(key, options);
  await page.evaluate(() => {
    const main = document.createElement('main');
    // The page's own heading, out of sight: the island's headings are h2, under it.
    main.innerHTML = '<h1 style="position: absolute; clip-path: inset(50%)">Host page</h1>';
    document.body.append(main);
    main.append(document.querySelector('hero-messaging')!);
  });
  return page;
}

it('the list, a chat and New chat have no serious or critical violation, light and dark, 1280 and 390 px', async () => {
  const page = await hostPage('bob');
  await waitLive(page);
  await row(page, h.dm.sid).waitFor();
  const found = await lookAt(page, 'a11y-list');
  await page.setViewportSize({ width: 1280, height: 800 });
  await openChat(page, h.group.sid);
  await page.locator('hero-messaging .hm-msg').nth(4).waitFor();
  expect(await page.locator('hero-messaging .hm-more').textContent()).toBe('Show more');
  Object.assign(found, await lookAt(page, 'a11y-chat'));
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('hero-messaging .hm-chat .hm-back').evaluate((b: HTMLElement) => b.click());
  await page.locator('hero-messaging .hm-list-header .hm-button').click();
  await page.locator('hero-messaging .hm-new input[type="checkbox"]').first().waitFor();
  Object.assign(found, await lookAt(page, 'a11y-new'));
  expect(found).toEqual({});
  await page.context().close();
});

it('the three problem states have no serious or critical violation: unknown key, unreachable server, list refused', async () => {
  const found = {};
  const mallory = await hostPage('mallory');
  await mallory.locator('hero-messaging .hm-state[data-state="unauthorized"]').waitFor();
  Object.assign(found, await lookAt(mallory, 'a11y-unauthorized'));
  await mallory.context().close();

  const away = await hostPage('bob', { osisUrl: 'http://127.0.0.1:9' });
  await away
    .locator('hero-messaging .hm-state[data-state="unreachable"] .hm-link')
    .waitFor({ timeout: 10_000 });
  Object.assign(found, await lookAt(away, 'a11y-unreachable'));
  await away.context().close();

  // The list held back: rows to come are sketched.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const slow = await h.browser.newContext();
  await slow.route('**/*', async (route) => {
    if (route.request().postData()?.includes('"conversation.list"')) await held;
    await route.continue();
  });
  const loading = await hostPage('bob', { browserContext: slow });
  await loading
    .locator('hero-messaging .hm-state[data-state="loading"] .hm-skel')
    .first()
    .waitFor();
  Object.assign(found, await lookAt(loading, 'a11y-loading'));
  release();
  await slow.close();

  // The server answers everything but the conversation list, which fails with HTTP 500.
  const browserContext = await h.browser.newContext();
  await browserContext.route('**/*', (route) =>
    route.request().postData()?.includes('"conversation.list"')
      ? route.fulfill({ status: 500, body: 'down for maintenance' })
      : route.continue(),
  );
  const refused = await hostPage('bob', { browserContext });
  await refused
    .locator('hero-messaging .hm-state[data-state="unreachable"]')
    .waitFor({ timeout: 10_000 });
  await expect
    .poll(() => refused.locator('hero-messaging .hm-state').textContent(), { timeout: 10_000 })
    .toContain("couldn't send the conversation list");
  Object.assign(found, await lookAt(refused, 'a11y-list-problem'));
  await browserContext.close();
  expect(found).toEqual({});
});

it('two islands on one page, in a host with its own <main>: landmarks are unique and none is a second main', async () => {
  const page = await hostPage('bob');
  await page.evaluate(() => {
    const first = document.querySelector('hero-messaging')!;
    const second = first.cloneNode() as HTMLElement;
    second.setAttribute('public-key', 'alice');
    first.after(second);
    for (const el of document.querySelectorAll<HTMLElement>('hero-messaging'))
      el.style.height = '50vh';
  });
  await expect
    .poll(() => page.locator('hero-messaging button.hm-conv').count())
    .toBeGreaterThanOrEqual(4);
  const landmarks = (await axeScan(page)).filter(
    (v) => v.id.startsWith('landmark') || v.id === 'region',
  );
  expect(landmarks).toEqual([]);
  expect(blocking(await axeScan(page))).toEqual([]);
  await page.context().close();
});

it('the scan finds what it guards against: the old defaults (muted #6b7280, avatars hsl(… 55% 48%)) fail color-contrast as serious', async () => {
  const page = await hostPage('bob');
  await waitLive(page);
  await row(page, h.dm.sid).waitFor();
  // The palette before the contrast was raised, set the way a host themes the island.
  await page.locator('hero-messaging').evaluate((el: HTMLElement) => {
    el.style.setProperty('--hm-muted', '#6b7280');
    el.style.setProperty('--hm-avatar-bg', 'hsl(140 55% 48%)');
  });
  const contrast = blocking(await axeScan(page)).find((v) => v.id === 'color-contrast');
  expect(contrast?.impact).toBe('serious');
  expect(contrast!.nodes).toBeGreaterThanOrEqual(2);
  await page.context().close();
});

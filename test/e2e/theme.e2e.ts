import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { OUTPUT_DIR, openChat, startHarness, waitLive, type Harness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.client('alice').sendMessage({
    sid: h.dm.sid,
    content: 'Dark or light? https://example.com/theme',
    nonce: 't-1',
  });
  await h
    .client('bob')
    .sendMessage({ sid: h.dm.sid, content: 'Whatever the system says.', nonce: 't-2' });
});
afterAll(() => h?.close());

/** Computed colours inside the shadow root, as the reader sees them. */
function colours(page: Page) {
  return page.evaluate(() => {
    const root = document.querySelector('hero-messaging')!.shadowRoot!;
    const style = (selector: string) => getComputedStyle(root.querySelector(selector)!);
    return {
      background: style('.hm-host').backgroundColor,
      text: style('.hm-host').color,
      pill: style('.hm-status').backgroundColor,
    };
  });
}

const setTheme = (page: Page, theme: string | null) =>
  page.evaluate((t) => {
    const el = document.querySelector('hero-messaging')!;
    if (t === null) el.removeAttribute('theme');
    else el.setAttribute('theme', t);
  }, theme);

const LIGHT_BG = 'rgb(255, 255, 255)';
const DARK_BG = 'rgb(22, 24, 31)';

it('11. dark mode: theme="dark", or auto under a dark preference, renders dark; theme="light" stays light', async () => {
  const page = await h.page('bob', { width: 1280, height: 800 });
  await waitLive(page);
  await openChat(page, h.dm.sid);
  const light = await colours(page);
  expect(light.background).toBe(LIGHT_BG);
  expect(light.pill).toBe('rgb(231, 246, 236)');
  await page.screenshot({ path: `${OUTPUT_DIR}/theme-light-1280.png` });
  await expectAccessible(page, 'theme-light-1280');

  await setTheme(page, 'dark');
  const dark = await colours(page);
  expect(dark.background).toBe(DARK_BG);
  expect(dark.text).toBe('rgb(230, 232, 239)');
  // The status pill follows the theme too.
  expect(dark.pill).toBe('rgb(22, 53, 34)');
  await page.screenshot({ path: `${OUTPUT_DIR}/theme-dark-1280.png` });
  await expectAccessible(page, 'theme-dark-1280');

  await setTheme(page, null);
  expect((await colours(page)).background).toBe(LIGHT_BG);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await colours(page)).background).toBe(DARK_BG);
  await setTheme(page, 'auto');
  expect((await colours(page)).background).toBe(DARK_BG);
  await setTheme(page, 'light');
  expect(await colours(page)).toEqual(light);
  // The island kept running through every change of theme.
  expect(await page.locator('hero-messaging .hm-status').first().getAttribute('data-state')).toBe(
    'live',
  );
  await page.close();
});

it('12. a host colour wins in both themes', async () => {
  const page = await h.page('bob', { width: 1280, height: 800 });
  await waitLive(page);
  await page.evaluate(() =>
    document.querySelector('hero-messaging')!.style.setProperty('--hm-bg', 'rgb(1, 2, 3)'),
  );
  expect((await colours(page)).background).toBe('rgb(1, 2, 3)');
  await setTheme(page, 'dark');
  expect((await colours(page)).background).toBe('rgb(1, 2, 3)');
  await page.close();
});

it('13. at 390 px the composer has a 16 px font and sits at the bottom of the screen, light and dark', async () => {
  const page = await h.page('bob', { width: 390, height: 844 });
  await waitLive(page);
  await openChat(page, h.dm.sid);
  const input = page.locator('hero-messaging textarea');
  expect(await input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  const composer = await page.locator('hero-messaging .hm-composer').boundingBox();
  expect(composer!.y + composer!.height).toBeLessThanOrEqual(844);
  expect(composer!.y + composer!.height).toBeGreaterThan(844 - 4);
  await input.fill(
    'Typed on a phone, https://example.com/a-link-that-is-rather-long-for-a-narrow-screen',
  );
  await page.screenshot({ path: `${OUTPUT_DIR}/theme-light-390.png` });
  await expectAccessible(page, 'theme-light-390');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await colours(page)).background).toBe(DARK_BG);
  await page.screenshot({ path: `${OUTPUT_DIR}/theme-dark-390.png` });
  await expectAccessible(page, 'theme-dark-390');
  await page.close();
});

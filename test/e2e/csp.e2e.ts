import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bubbleTexts,
  openChat,
  send,
  startHarness,
  waitLive,
  type Harness,
} from './support/harness.ts';
import { startStaticServer } from './support/static-server.ts';

// A host that serves a strict Content-Security-Policy (no inline styles)
// or requires Trusted Types gets a live, styled island and no policy violation.

const root = fileURLToPath(new URL('../..', import.meta.url));
let h: Harness;
let statics: { url: string; close(): Promise<void> };

/** The policies under test, by the name the host page's query string uses. */
const policies = (backend: string): Record<string, string> => ({
  strict: `default-src 'self'; style-src 'self'; connect-src 'self' ${backend}`,
  'trusted-types': `require-trusted-types-for 'script'; trusted-types hero-messaging`,
  refused: `require-trusted-types-for 'script'; trusted-types other`,
  both: `default-src 'self'; style-src 'self'; connect-src 'self' ${backend}; require-trusted-types-for 'script'; trusted-types hero-messaging`,
});

beforeAll(async () => {
  h = await startHarness();
  statics = await startStaticServer(root, {
    headers: (url): Record<string, string> => {
      const policy = url.searchParams.get('policy');
      return url.pathname.endsWith('/csp-host.html') && policy
        ? { 'Content-Security-Policy': policies(h.backend.url)[policy]! }
        : {};
    },
  });
});
afterAll(async () => {
  await statics?.close();
  await h?.close();
});

/** The host page under `policy`, showing one element as `key`; page errors are collected. */
async function hostUnder(policy: string, key: string): Promise<{ page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // The browser's own request for /favicon.ico is not the island's.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
      errors.push(message.text());
  });
  const query = new URLSearchParams({ policy, osis: h.backend.url, context: h.context, key });
  const response = await page.goto(`${statics.url}/test/e2e/pages/csp-host.html?${query}`);
  expect(response?.headers()['content-security-policy']).toBe(policies(h.backend.url)[policy]);
  return { page, errors };
}

/** What the island's own styles decide, read from its shadow root. */
function styling(page: Page) {
  return page.evaluate(() => {
    const shadow = document.querySelector('hero-messaging')!.shadowRoot!;
    const button = shadow.querySelector<HTMLElement>('.hm-list .hm-button')!;
    return {
      layout: getComputedStyle(shadow.querySelector('.hm-root')!).display,
      accent: getComputedStyle(button).backgroundColor,
      radius: getComputedStyle(button).borderTopLeftRadius,
      styleElements: shadow.querySelectorAll('style').length,
    };
  });
}

const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: unknown[] }).cspViolations);

describe('a host with a strict Content-Security-Policy', () => {
  for (const [policy, what] of [
    ['strict', "style-src 'self' and no 'unsafe-inline'"],
    ['trusted-types', "require-trusted-types-for 'script'; trusted-types hero-messaging"],
    ['both', 'both at once'],
  ] as const) {
    it(`under ${what}: the element goes live, is styled, delivers both ways, and violates nothing`, async () => {
      await h
        .client('alice')
        .sendMessage({ sid: h.dm.sid, content: `before ${policy}`, nonce: `csp-${policy}-0` });
      const { page, errors } = await hostUnder(policy, 'bob');
      await waitLive(page);
      expect(await styling(page)).toEqual({
        layout: 'grid',
        accent: 'rgb(79, 70, 229)',
        radius: '10px',
        styleElements: 0,
      });

      await openChat(page, h.dm.sid);
      await expect.poll(() => bubbleTexts(page)).toContain(`before ${policy}`);
      await h
        .client('alice')
        .sendMessage({ sid: h.dm.sid, content: `live ${policy}`, nonce: `csp-${policy}-1` });
      await expect.poll(() => bubbleTexts(page)).toContain(`live ${policy}`);
      await send(page, `reply ${policy}`);
      await expect
        .poll(async () =>
          (await h.client('alice').listMessages({ sid: h.dm.sid })).map((m) => m.content),
        )
        .toContain(`reply ${policy}`);
      // The new-conversation form: more of the island's templates, cloned under the policy.
      await page.locator('hero-messaging .hm-list .hm-button').click();
      await page.locator('hero-messaging form.hm-new').waitFor();

      expect(await violations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it('under a trusted-types list without hero-messaging: the refusal is reported by name and the element says it could not start', async () => {
    const { page } = await hostUnder('refused', 'bob');
    await expect
      .poll(() => violations(page))
      .toContainEqual(
        expect.objectContaining({ directive: 'trusted-types', sample: 'hero-messaging' }),
      );
    const note = page.locator('hero-messaging p[role="alert"]');
    await expect
      .poll(() => note.textContent())
      .toMatch(/^hero-messaging: could not start: .*TrustedHTML/);
    expect(await page.locator('hero-messaging .hm-host').count()).toBe(0);
    await page.context().close();
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOsisUrl } from '../../src/sdk/index.ts';
import { DRAFT_MAX, draftKey } from '../../src/sync/index.ts';
import { openChat, startHarness, waitLive, type Harness } from './support/harness.ts';

// A draft far over the content limit (stored by another version, another tab, or
// page script) must not hold the page when its chat opens.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ heartbeatMs: 1000 });
});
afterAll(() => h?.close());

/** Records the page's long tasks (over 50 ms) from now on; answers the function that reads them. */
async function watchLongTasks(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  return () => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
}

const inputLength = (page: Page) =>
  page
    .locator('hero-messaging textarea')
    .evaluate((el) => (el as HTMLTextAreaElement).value.length);

describe('a 50,000-line draft', () => {
  it('opens its chat without a long task, cut to what the composer holds', async () => {
    const page = await h.page('alice');
    await waitLive(page);
    const key = draftKey(normalizeOsisUrl(h.backend.url, undefined), h.context, 'alice', h.dm.sid);
    const huge = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    await page.evaluate(
      ([k, text]) => localStorage.setItem(k!, JSON.stringify({ text })),
      [key, huge],
    );
    await page.reload();
    await waitLive(page);
    const longTasks = await watchLongTasks(page);
    await openChat(page, h.dm.sid);
    await page.locator('hero-messaging textarea').waitFor();
    // Two frames, so that the open's layout and paint are done and counted.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const tasks = await longTasks();
    console.log(
      JSON.stringify({
        scenario: 'drafts.open-50k-lines',
        longTasksMs: tasks,
        inputLength: await inputLength(page),
      }),
    );
    expect(tasks).toEqual([]);
    expect(await inputLength(page)).toBe(DRAFT_MAX);
    // The composer says it is too long, as for any draft over the limit.
    await page
      .locator('hero-messaging .hm-composer-error')
      .filter({ hasText: 'limited' })
      .waitFor();
    await page.context().close();
  });

  it('lets a person write, or paste, a little past the limit and no further', async () => {
    const page = await h.page('alice');
    await waitLive(page);
    await openChat(page, h.dm.sid);
    const input = page.locator('hero-messaging textarea');
    await input.fill('x'.repeat(DRAFT_MAX + 500));
    expect(await inputLength(page)).toBe(DRAFT_MAX);
    await page
      .locator('hero-messaging .hm-composer-error')
      .filter({ hasText: 'limited' })
      .waitFor();
    await input.press('End');
    await input.pressSequentially('yz');
    expect(await inputLength(page)).toBe(DRAFT_MAX);
    await page.context().close();
  });
});

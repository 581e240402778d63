import { afterAll, beforeAll, expect, it } from 'vitest';
import { OUTPUT_DIR, startHarness, waitLive, type Harness } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

it('8. a narrow host (360 px) gets one pane with back navigation; both widths are screenshotted', async () => {
  await h.client('alice').sendMessage({ sid: h.dm.sid, content: 'Layout check', nonce: 'l-1' });
  const wide = await h.page('bob', { width: 1000 });
  await waitLive(wide);
  await wide.locator(`hero-messaging button.hm-conv[data-sid="${h.dm.sid}"]`).click();
  await wide.locator('hero-messaging .hm-msg').first().waitFor();
  expect(await wide.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  expect(await wide.locator('hero-messaging .hm-chat').isVisible()).toBe(true);
  expect(await wide.locator('hero-messaging .hm-back').first().isVisible()).toBe(false);
  await wide.screenshot({ path: `${OUTPUT_DIR}/layout-wide-1000.png` });

  const narrow = await h.page('bob', { width: 360 });
  await waitLive(narrow);
  expect(await narrow.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  expect(await narrow.locator('hero-messaging .hm-pane').isVisible()).toBe(false);
  await narrow.screenshot({ path: `${OUTPUT_DIR}/layout-narrow-360-list.png` });
  await narrow.locator(`hero-messaging button.hm-conv[data-sid="${h.dm.sid}"]`).click();
  await narrow.locator('hero-messaging .hm-msg').first().waitFor();
  expect(await narrow.locator('hero-messaging .hm-list').isVisible()).toBe(false);
  const back = narrow.locator('hero-messaging .hm-chat .hm-back');
  expect(await back.isVisible()).toBe(true);
  await narrow.screenshot({ path: `${OUTPUT_DIR}/layout-narrow-360-chat.png` });
  await back.click();
  await expect.poll(() => narrow.locator('hero-messaging .hm-list').isVisible()).toBe(true);
  expect(await narrow.locator('hero-messaging .hm-pane').isVisible()).toBe(false);
});

import type { Locator, Page } from 'playwright-core';

/**
 * The list's row of the conversation `sid` under `scope` (a page, or a locator within one). Playwright's
 * CSS reaches into the element's open shadow root. A row is a button named by its conversation's
 * title, then its time and preview: a test that knows the title can find it as a person does, with
 * `getByRole('button', { name: /^Crew / })`.
 */
export const row = (scope: Page | Locator, sid: string): Locator =>
  scope.locator(`button.hm-conv[data-sid="${sid}"]`);

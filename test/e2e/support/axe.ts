import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { OUTPUT_DIR } from './harness.ts';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One rule axe-core found broken on a screen: its id, how bad, and the elements (at most five shown). */
export interface Violation {
  id: string;
  impact: string;
  nodes: number;
  targets: string[];
}

/**
 * Runs axe-core over the whole page (it reaches into the element's open shadow root) and answers
 * what it found broken. The source is injected once per document.
 */
export async function axeScan(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    type AxeViolation = { id: string; impact: string | null; nodes: { target: unknown[] }[] };
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
    }));
  });
}

/** Only the violations that keep someone from using the island: serious or critical. */
export const blocking = (found: readonly Violation[]) =>
  found.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** What a scan of every screen found, to print once at the end of a file. */
export const report = new Map<string, Violation[]>();

/**
 * The screen as it is now, at 1280 and 390 px, light and dark: a screenshot of each in `test-results/e2e`
 * (`${name}-${width}-${scheme}.png`) and an axe scan of each, kept in {@link report}. Answers the
 * serious and critical violations, by screen. `check` runs at each width, before the screenshots.
 */
export async function lookAt(
  page: Page,
  name: string,
  check?: (width: number) => Promise<void>,
): Promise<Record<string, Violation[]>> {
  const found: Record<string, Violation[]> = {};
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
    await check?.(width);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const label = `${name}-${width}-${scheme}`;
      await page.screenshot({ path: `${OUTPUT_DIR}/${label}.png` });
      const violations = await axeScan(page);
      report.set(label, violations);
      const bad = blocking(violations);
      if (bad.length > 0) found[label] = bad;
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/** The report, one line per screen and rule: `screen  impact rule-id ×nodes`. */
export function printReport(): string {
  const lines: string[] = [];
  for (const [label, violations] of report) {
    if (violations.length === 0) lines.push(`${label}  none`);
    for (const v of violations)
      lines.push(`${label}  ${v.impact} ${v.id} ×${v.nodes}  ${v.targets.slice(0, 3).join(' ')}`);
  }
  return lines.join('\n');
}

/** Fails with what axe-core found if the page has a serious or critical violation. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axeScan(page);
  report.set(label, violations);
  const bad = blocking(violations);
  if (bad.length > 0) throw new Error(`${label}: axe-core found ${JSON.stringify(bad, null, 2)}`);
}

// From the server to the pixel: a message stored by the backend until the frame that paints it, in the
// island and in a minimal hand-written element (bench/pages/vanilla-chat.js), in one page, sends taking turns.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startBackendServer } from '../mocks/backend/index.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startStaticServer } from '../test/e2e/support/static-server.ts';
import { sleep, summary, type BenchLine } from './support.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ELEMENTS = ['ours', 'vanilla'] as const;
type Element = (typeof ELEMENTS)[number];

interface Seen {
  dom: number;
  paint?: number;
  /** Whether the change was made in a frame callback (so painted in that frame). */
  inFrame?: boolean;
  /** Frames that ran after the message was stored and before the change (not the one making it): frames that could not paint it. */
  framesBefore: number;
}

declare const paintBench: {
  ready(): Promise<void>;
  seen(name: Element, text: string, sentAt: number, timeoutMs?: number): Promise<Seen | undefined>;
};

export interface PaintOptions {
  /** Runs, each on a fresh page and fresh conversations. Default 3. */
  runs?: number;
  /** Sends to each element per run. Default 150. */
  sends?: number;
  /** Pause after each send: uniform in [minGapMs, maxGapMs], so sends fall at every phase of a frame. */
  minGapMs?: number;
  maxGapMs?: number;
}

const epochNow = () => performance.timeOrigin + performance.now();
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export async function deliveryToPaint(options: PaintOptions = {}): Promise<BenchLine[]> {
  const runs = options.runs ?? 3;
  const sends = options.sends ?? 150;
  const minGap = options.minGapMs ?? 50;
  const maxGap = options.maxGapMs ?? 150;
  const backend = await startBackendServer({ seed: false });
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  const call = (context: string, method: string, params: unknown) =>
    backend.backend.service.call(context, 'alice', method, params);
  const lines: BenchLine[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      // A context per element, so that neither hears the other's messages; a DM with Alice in each.
      const contexts = Object.fromEntries(
        ELEMENTS.map((name) => [name, `bench-paint-${name}-${Date.now()}-${run}`]),
      ) as Record<Element, string>;
      const sids = Object.fromEntries(
        ELEMENTS.map((name) => [
          name,
          (
            call(contexts[name], 'conversation.set', { participant_keys: ['alice', 'bob'] }) as {
              sid: string;
            }
          ).sid,
        ]),
      ) as Record<Element, string>;
      const query = new URLSearchParams({
        osis: backend.url,
        key: 'bob',
        ours: contexts.ours,
        oursSid: sids.ours,
        vanilla: contexts.vanilla,
        vanillaSid: sids.vanilla,
      });
      const browserContext = await chromium.browser.newContext({
        viewport: { width: 1600, height: 800 },
      });
      const page: Page = await browserContext.newPage();
      page.on('pageerror', (error) => console.error(`[paint page] ${error.message}`));
      await page.goto(`${statics.url}/bench/pages/paint.html?${query}`);
      await page.evaluate(() => paintBench.ready());
      await sleep(500);
      const origin = await page.evaluate(() => performance.timeOrigin);

      // Sends in turns (ours, vanilla, then vanilla, ours, …), each stored by the backend at once (the
      // start, on Node's clock, joined to the page's through performance.timeOrigin: one machine).
      const sent: Record<Element, { text: string; at: number }[]> = { ours: [], vanilla: [] };
      for (let i = 0; i < sends; i++) {
        for (const name of i % 2 === 0 ? ELEMENTS : ([...ELEMENTS].reverse() as Element[])) {
          const text = `${name} ${run}.${i}`;
          const at = epochNow() - origin;
          call(contexts[name], 'conversation.send_message', {
            sid: sids[name],
            content: text,
            nonce: `paint-${run}-${name}-${i}`,
          });
          sent[name].push({ text, at });
          await sleep(minGap + Math.random() * (maxGap - minGap));
        }
      }

      const figures: Record<string, unknown> = {};
      const p: Record<
        Element,
        { dom: ReturnType<typeof summary>; paint: ReturnType<typeof summary> }
      > = {} as never;
      for (const name of ELEMENTS) {
        const dom: number[] = [];
        const paint: number[] = [];
        const domToPaint: number[] = [];
        let inFrame = 0;
        let frameBefore = 0;
        let lost = 0;
        for (const { text, at } of sent[name]) {
          const seen = await page.evaluate(([name, text, at]) => paintBench.seen(name, text, at), [
            name,
            text,
            at,
          ] as [Element, string, number]);
          if (seen?.paint === undefined) {
            lost++;
            continue;
          }
          dom.push(seen.dom - at);
          paint.push(seen.paint - at);
          domToPaint.push(seen.paint - seen.dom);
          if (seen.inFrame) inFrame++;
          if (seen.framesBefore > 0) frameBefore++;
        }
        p[name] = { dom: summary(dom), paint: summary(paint) };
        figures[name] = {
          dom: p[name].dom,
          paint: p[name].paint,
          domToPaint: summary(domToPaint),
          changedInFrame: inFrame,
          frameBeforeChange: frameBefore,
          lost,
        };
      }
      figures.oursOverVanilla = {
        domP50: ratio(p.ours.dom.p50, p.vanilla.dom.p50),
        domP99: ratio(p.ours.dom.p99, p.vanilla.dom.p99),
        paintP50: ratio(p.ours.paint.p50, p.vanilla.paint.p50),
        paintP99: ratio(p.ours.paint.p99, p.vanilla.paint.p99),
      };
      lines.push({
        name: 'paint',
        params: {
          run,
          sends,
          gapMs: [minGap, maxGap],
          order: 'ours, vanilla, then vanilla, ours, in turns',
          start: 'backend stores the message (Node clock, joined through performance.timeOrigin)',
          dom: 'MutationObserver in the element',
          paint:
            'end of the frame that paints the change (its rendering done), requestAnimationFrame wrapped',
          unit: 'ms',
        },
        figures,
      });
      await browserContext.close();
    }
  } finally {
    await chromium.close();
    await statics.close();
    await backend.close();
  }
  return lines;
}

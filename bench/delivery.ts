// Push vs poll: from Alice pressing Enter to the bubble in Bob's DOM, both elements in one page.
import type { Page } from 'playwright-core';
import { startBenchHost, type BenchApi } from './browser-host.ts';
import { sleep, summary, type BenchLine } from './support.ts';

declare const bench: BenchApi;

export interface DeliveryOptions {
  sends?: number;
  /** Pause between two sends: uniform in [minGapMs, maxGapMs], so sends fall at any phase of a poll. */
  minGapMs?: number;
  maxGapMs?: number;
}

async function measure(
  page: Page,
  sends: number,
  label: string,
  gap: () => number,
): Promise<{ latencies: number[]; lost: number }> {
  const sentAt: number[] = [];
  for (let i = 0; i < sends; i++) {
    sentAt.push(await page.evaluate((text) => bench.send('alice', text), `${label} ${i}`));
    await sleep(gap());
  }
  const latencies: number[] = [];
  let lost = 0;
  for (let i = 0; i < sends; i++) {
    const at = await page.evaluate((text) => bench.seen(text, 5000), `${label} ${i}`);
    if (at === undefined) lost++;
    else latencies.push(at - sentAt[i]!);
  }
  return { latencies, lost };
}

export async function deliveryLatency(options: DeliveryOptions = {}): Promise<BenchLine[]> {
  const sends = options.sends ?? 200;
  const minGap = options.minGapMs ?? 50;
  const maxGap = options.maxGapMs ?? 250;
  const host = await startBenchHost();
  const lines: BenchLine[] = [];
  const p99: Record<string, number> = {};
  const p50: Record<string, number> = {};
  try {
    for (const transport of ['sse', 'poll'] as const) {
      const { page } = await host.dmPage(
        { keys: 'alice,bob', transport },
        { width: 1600, height: 800 },
      );
      const { latencies, lost } = await measure(
        page,
        sends,
        transport,
        () => minGap + Math.random() * (maxGap - minGap),
      );
      const figures = summary(latencies);
      p50[transport] = figures.p50;
      p99[transport] = figures.p99;
      lines.push({
        name: 'delivery',
        params: {
          transport,
          sends,
          gapMs: [minGap, maxGap],
          ...(transport === 'poll' ? { pollIntervalMs: 2000 } : {}),
          browser: 'chromium headless',
          clock: 'page performance.now(), Enter to MutationObserver in Bob',
        },
        figures: { ...figures, unit: 'ms', lost },
      });
      await page.context().close();
    }
  } finally {
    await host.close();
  }
  lines.push({
    name: 'delivery.compare',
    params: { target: 'sse p99 < 50 ms' },
    figures: {
      pollOverSseP50: Math.round((p50.poll! / p50.sse!) * 10) / 10,
      pollOverSseP99: Math.round((p99.poll! / p99.sse!) * 10) / 10,
      sseP99Ms: p99.sse,
      targetMet: p99.sse! < 50,
    },
  });
  return lines;
}

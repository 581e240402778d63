// Burst rendering: the backend puts 5,000 messages into Bob's open chat as fast as it can.
import type { Page } from 'playwright-core';
import { startBenchHost, type BenchApi, type BenchHost } from './browser-host.ts';
import { sleep, type BenchLine } from './support.ts';

declare const bench: BenchApi;

export interface BurstOptions {
  messages?: number;
  /** Messages of the before/after comparison (rendering each event is quadratic, so fewer). */
  compareMessages?: number;
}

/** Emits `count` messages from Alice in one synchronous run of the backend; answers how long that took. */
function emit(host: BenchHost, context: string, sid: string, label: string, count: number): number {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    host.backend.backend.service.call(context, 'alice', 'conversation.send_message', {
      sid,
      content: `${label} ${i}`,
      nonce: `${label}-${i}`,
    });
  }
  return Math.round(performance.now() - started);
}

async function burst(
  host: BenchHost,
  page: Page,
  context: string,
  sid: string,
  label: string,
  count: number,
) {
  const start = await page.evaluate(() => bench.startRecording());
  const emitMs = emit(host, context, sid, label, count);
  const last = await page.evaluate((text) => bench.seen(text, 60_000), `${label} ${count - 1}`);
  await sleep(500);
  const recorded = await page.evaluate(() => bench.stopRecording());
  const first = await page.evaluate((prefix) => bench.firstSeen(prefix), `${label} `);
  return {
    lastRenderedMs: last === undefined ? null : Math.round(last - start),
    backendEmitMs: emitMs,
    firstToLastRenderedMs:
      last === undefined || first === undefined ? null : Math.round(last - first),
    ...recorded,
    bubbleNodes: await page.evaluate(() => bench.bubbles('bob')),
    pinnedToBottom: await page.evaluate(() => bench.pinned('bob')),
  };
}

/** Scrolls up `steps` wheel notches at display rate, then back down; samples the bubbles in the DOM. */
async function scroll(page: Page, steps: number) {
  await page.mouse.move(700, 400);
  await page.evaluate(() => bench.startRecording());
  let most = 0;
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, -400);
    await sleep(16);
    most = Math.max(most, await page.evaluate(() => bench.bubbles('bob')));
  }
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, 400);
    await sleep(16);
    most = Math.max(most, await page.evaluate(() => bench.bubbles('bob')));
  }
  await sleep(300);
  return { ...(await page.evaluate(() => bench.stopRecording())), mostBubbleNodes: most };
}

const RENDERING = {
  each: 'one render per event (before)',
  batched: 'at most one render per frame (after)',
};

export async function burstRendering(options: BurstOptions = {}): Promise<BenchLine[]> {
  const count = options.messages ?? 5000;
  const compareCount = options.compareMessages ?? 1000;
  // The backlog bound is raised so the synchronous burst is delivered, not cut off as a slow reader.
  const host = await startBenchHost({ logSize: 50_000, backlogBytes: 64 * 1024 * 1024 });
  const lines: BenchLine[] = [];
  try {
    // Before and after, side by side: rendering each event costs a render and a layout per event.
    for (const renderEach of [true, false]) {
      const { page, context, sid } = await host.dmPage(
        { keys: 'bob', renderEach },
        { width: 1000, height: 800 },
      );
      const figures = await burst(host, page, context, sid, 'compare', compareCount);
      lines.push({
        name: 'burst.compare',
        params: { messages: compareCount, rendering: RENDERING[renderEach ? 'each' : 'batched'] },
        figures,
      });
      await page.context().close();
    }
    const { page, context, sid } = await host.dmPage({ keys: 'bob' }, { width: 1000, height: 800 });
    const first = await burst(host, page, context, sid, 'first', count);
    lines.push({
      name: 'burst',
      params: { messages: count, chatBefore: 0, rendering: RENDERING.batched },
      figures: first,
    });
    const second = await burst(host, page, context, sid, 'second', count);
    lines.push({
      name: 'burst',
      params: { messages: count, chatBefore: count, rendering: RENDERING.batched },
      figures: second,
    });
    // The chat now holds both bursts (10,000 messages at the default): scroll through it by wheel.
    const scrolled = await scroll(page, 60);
    lines.push({
      name: 'burst.scroll',
      params: {
        chatMessages: 2 * count,
        wheel: '60 notches up then 60 down, 400 px each, one per 16 ms',
        rendering: RENDERING.batched,
      },
      figures: scrolled,
    });
    await page.context().close();
  } finally {
    await host.close();
  }
  return lines;
}

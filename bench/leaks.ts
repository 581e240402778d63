// Mount and remove the element many times in Chromium: subscribers back to zero, heap back to its start.
import type { CDPSession, Page } from 'playwright-core';
import { startBenchHost, type BenchApi } from './browser-host.ts';
import { sleep, until, type BenchLine } from './support.ts';

declare const bench: BenchApi;

/**
 * The V8 (JavaScript) heap in use after full collections, and Blink's own (embedder) heap, in bytes.
 * The second also holds what DevTools' network agent keeps per request while a driver is attached.
 */
async function heapAfterGc(cdp: CDPSession): Promise<{ js: number; embedder: number }> {
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await sleep(50);
  }
  const usage = (await cdp.send('Runtime.getHeapUsage')) as {
    usedSize: number;
    embedderHeapUsedSize?: number;
  };
  return { js: usage.usedSize, embedder: usage.embedderHeapUsedSize ?? NaN };
}

const kib = (bytes: number) => Math.round(bytes / 1024);

/** One element as Bob: appended, live, the DM open and rendered, then removed (bench/pages/host.html). */
function cycle(page: Page, sid: string) {
  return page.evaluate((sid) => bench.cycle('bob', sid), sid);
}

export async function mountLeaks(
  options: { cycles?: number; warmUp?: number } = {},
): Promise<BenchLine[]> {
  const cycles = options.cycles ?? 200;
  const warmUp = options.warmUp ?? 20;
  const host = await startBenchHost();
  try {
    const context = `bench-leaks-${Date.now()}`;
    const alice = host.client(context, 'alice');
    const dm = await alice.setConversation({ participant_keys: ['alice', 'bob'] });
    for (let i = 0; i < 30; i++)
      await alice.sendMessage({ sid: dm.sid, content: `history ${i}`, nonce: `h-${i}` });
    const page = await host.page({ context, keys: '' });
    const cdp = await page.context().newCDPSession(page);
    const beforeAnyMount = await heapAfterGc(cdp);
    await cycle(page, dm.sid);
    const afterFirst = await heapAfterGc(cdp);
    // Warm-up: optimised code, inline caches and the browser's capped timing buffers fill once.
    for (let i = 1; i < warmUp; i++) await cycle(page, dm.sid);
    await until(() => host.backend.backend.stats().subscribers === 0, 5000);
    const start = await heapAfterGc(cdp);
    const started = performance.now();
    for (let i = 0; i < cycles; i++) await cycle(page, dm.sid);
    const cyclesMs = performance.now() - started;
    await until(() => host.backend.backend.stats().subscribers === 0, 5000);
    const subscribers = host.backend.backend.stats().subscribers;
    const end = await heapAfterGc(cdp);
    const growthPct = Math.round(((end.js - start.js) / start.js) * 1000) / 10;
    await page.context().close();
    return [
      {
        name: 'leaks',
        params: {
          cycles,
          warmUpCycles: warmUp,
          cycle: 'append, wait live, open a 30-message chat, remove',
          heap: 'CDP Runtime.getHeapUsage after 3 forced GCs; start = after the warm-up',
          target: 'subscribers 0, JS heap within 10%',
        },
        figures: {
          subscribersAfter: subscribers,
          jsHeapBeforeAnyMountKiB: kib(beforeAnyMount.js),
          jsHeapAfterFirstMountKiB: kib(afterFirst.js),
          jsHeapStartKiB: kib(start.js),
          jsHeapEndKiB: kib(end.js),
          jsHeapGrowthPct: growthPct,
          jsHeapPerCycleBytes: Math.round((end.js - start.js) / cycles),
          embedderHeapStartKiB: kib(start.embedder),
          embedderHeapEndKiB: kib(end.embedder),
          msPerCycle: Math.round((cyclesMs / cycles) * 10) / 10,
          targetMet: subscribers === 0 && Math.abs(growthPct) <= 10,
        },
      },
    ];
  } finally {
    await host.close();
  }
}

// A long conversation list: one person with N conversations, then 2,000 messages from others spread
// over all of them, sent concurrently over HTTP. Startup and the burst, measured in Chromium.
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startBackendServer } from '../mocks/backend/index.ts';
import { createCommunicationClient, type CommunicationClient } from '../src/sdk/index.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startStaticServer } from '../test/e2e/support/static-server.ts';
import { sleep, until, type BenchLine } from './support.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const OTHERS = ['bob', 'carol', 'dave'];
const ME = 'alice';

export interface ListOptions {
  /** Conversation counts to measure. Default 300, 2,000 and 10,000. */
  conversations?: number[];
  /** Messages of the burst. Default 2,000. */
  messages?: number;
  /** Sends in flight at once during the burst. Default 64. */
  concurrency?: number;
}

interface ListBench {
  marks: { firstRow?: number; live?: number };
  rows(): number;
  listResponseEnd(): number | undefined;
  tasksBetween(from: number, to: number): { longTasks: number; longestTaskMs: number };
  previewAt(text: string): number | undefined;
  visiblePreviews(): Record<string, string | undefined>;
}
declare const listBench: ListBench;

const epochNow = () => performance.timeOrigin + performance.now();
const round = (n: number | undefined) => (n === undefined ? null : Math.round(n * 10) / 10);

/** Sends every message, `concurrency` at a time; answers each send's sid, seq and when its answer came back. */
async function sendAll(clients: Map<string, CommunicationClient>, sends: { from: string; sid: string; content: string }[], concurrency: number) {
  const done: { sid: string; content: string; seq: number; at: number }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sends.length) {
      const send = sends[next++]!;
      const message = await clients.get(send.from)!.sendMessage({ sid: send.sid, content: send.content, nonce: `burst-${send.content}` });
      done.push({ sid: send.sid, content: send.content, seq: message.seq ?? NaN, at: epochNow() });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

export async function longList(options: ListOptions = {}): Promise<BenchLine[]> {
  const counts = options.conversations ?? [300, 2000, 10_000];
  const messages = options.messages ?? 2000;
  const concurrency = options.concurrency ?? 64;
  const backend = await startBackendServer({ seed: false, logSize: 100_000, backlogBytes: 256 * 1024 * 1024 });
  const statics = await startStaticServer(root);
  const chromium = await launchChromium();
  const lines: BenchLine[] = [];
  try {
    for (const n of counts) {
      const context = `bench-list-${n}-${Date.now()}`;
      // Seeded through the RPC dispatcher: one group per conversation, each with one message.
      const sids: { sid: string; other: string }[] = [];
      for (let i = 0; i < n; i++) {
        const other = OTHERS[i % OTHERS.length]!;
        const call = (caller: string, method: string, params: unknown) => backend.backend.service.call(context, caller, method, params);
        const conv = call(ME, 'conversation.set', { name: `Room ${i}`, participant_keys: [ME, other] }) as { sid: string };
        call(other, 'conversation.send_message', { sid: conv.sid, content: `hello ${i}`, nonce: `seed-${i}` });
        sids.push({ sid: conv.sid, other });
      }
      const clients = new Map(OTHERS.map((key) => [key, createCommunicationClient({ baseUrl: backend.url, context, publicKey: key })]));

      const browserContext = await chromium.browser.newContext({ viewport: { width: 1000, height: 800 } });
      const page: Page = await browserContext.newPage();
      page.on('pageerror', (error) => console.error(`[list page] ${error.message}`));
      const query = new URLSearchParams({ osis: backend.url, context, key: ME });
      const live = page.waitForEvent('console', { predicate: (m) => m.text() === 'list-bench: live', timeout: 120_000 });
      // Awaited below; should `goto` throw first, this must not end the run as an unhandled rejection later.
      live.catch(() => {});
      await page.goto(`${statics.url}/bench/pages/list.html?${query}`);
      await live;
      // Nothing is asked of the page until the startup window (up to 500 ms after Live) has passed.
      await sleep(1000);
      const marks = await page.evaluate(() => listBench.marks);
      const responseEnd = await page.evaluate(() => listBench.listResponseEnd());
      const startup = await page.evaluate((to) => listBench.tasksBetween(0, to), (marks.live ?? 0) + 500);

      // The burst: every conversation gets messages from its other participant, all at once.
      const sends = Array.from({ length: messages }, (_, k) => {
        const target = sids[k % n]!;
        return { from: target.other, sid: target.sid, content: `burst ${k}` };
      });
      const origin = await page.evaluate(() => performance.timeOrigin);
      const burstStart = epochNow() - origin;
      const done = await sendAll(clients, sends, concurrency);
      const sentAll = epochNow() - origin;
      const last = done.reduce((a, b) => (b.seq > a.seq ? b : a));
      const lastStored = Math.max(...done.map((d) => d.at)) - origin;
      const caughtUp = await until(async () => (await page.evaluate((t) => listBench.previewAt(t), last.content)) !== undefined, 30_000);
      await sleep(500);
      const lastShown = await page.evaluate((t) => listBench.previewAt(t), last.content);
      const burstTasks = await page.evaluate(([from, to]) => listBench.tasksBetween(from, to), [burstStart, sentAll + 1000] as [number, number]);
      // Each row in the DOM must preview its conversation's newest message.
      const newest = new Map<string, { seq: number; content: string }>();
      for (const d of done) if ((newest.get(d.sid)?.seq ?? -1) < d.seq) newest.set(d.sid, d);
      const visible = await page.evaluate(() => listBench.visiblePreviews());
      const wrong = Object.entries(visible).filter(([sid, text]) => newest.has(sid) && newest.get(sid)!.content !== text).length;

      lines.push({
        name: 'list',
        params: { conversations: n, messages, concurrency, viewport: '1000x800', clock: 'page performance.now() from navigation' },
        figures: {
          listResponseEndMs: round(responseEnd),
          firstRowMs: round(marks.firstRow),
          firstRowAfterResponseMs: round(responseEnd === undefined || marks.firstRow === undefined ? undefined : marks.firstRow - responseEnd),
          liveMs: round(marks.live),
          startupLongTasks: startup.longTasks,
          startupLongestTaskMs: startup.longestTaskMs,
          burstSendMs: round(sentAll - burstStart),
          caughtUpAfterLastStoredMs: caughtUp && lastShown !== undefined ? round(lastShown - lastStored) : null,
          burstLongTasks: burstTasks.longTasks,
          burstLongestTaskMs: burstTasks.longestTaskMs,
          rowsInDom: await page.evaluate(() => listBench.rows()),
          visibleRowsWrongPreview: wrong,
        },
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

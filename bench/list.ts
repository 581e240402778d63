// A long conversation list: one person with N conversations, then 2,000 messages from others spread
// over all of them, sent concurrently over HTTP. Startup and the burst, measured in Chromium.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startBackendServer } from '../mocks/backend/index.ts';
import { createCommunicationClient, type CommunicationClient } from '../src/sdk/index.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { startStaticServer } from '../test/e2e/support/static-server.ts';
import { sleep, until, type BenchLine } from './support.ts';

/** Where `npm run bench:before` puts the bundle of the code before a change; `BENCH_BEFORE_BUNDLE` names another. */
export const BEFORE_BUNDLE = 'dist/before/hero-messaging.js';
/** The URL the static server gives the before-bundle, beside the default `/dist/hero-messaging.js`. */
const BEFORE_URL = '/bench-before/hero-messaging.js';

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
  /**
   * A second bundle (a file path) whose startup is measured beside the one built here, pages of the two
   * taking turns. Default `BENCH_BEFORE_BUNDLE`, else `dist/before/hero-messaging.js` when it exists.
   */
  beforeBundle?: string;
  /** Startups of each bundle per count when there is a before-bundle, in turns (ABBA…). Default 3. */
  rounds?: number;
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
async function sendAll(
  clients: Map<string, CommunicationClient>,
  sends: { from: string; sid: string; content: string }[],
  concurrency: number,
) {
  const done: { sid: string; content: string; seq: number; at: number }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < sends.length) {
      const send = sends[next++]!;
      const message = await clients
        .get(send.from)!
        .sendMessage({ sid: send.sid, content: send.content, nonce: `burst-${send.content}` });
      done.push({ sid: send.sid, content: send.content, seq: message.seq ?? NaN, at: epochNow() });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
}

interface Startup {
  page: Page;
  listResponseEndMs: number | null;
  firstRowMs: number | null;
  firstRowAfterResponseMs: number | null;
  liveMs: number | null;
  startupLongTasks: number;
  startupLongestTaskMs: number;
}

/** A fresh page of list.html as Alice with `bundle`, once it says Live and the startup window has passed. */
async function startup(
  browser: Browser,
  pageUrl: string,
  bundle: string | undefined,
): Promise<Startup> {
  const browserContext = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page: Page = await browserContext.newPage();
  page.on('pageerror', (error) => console.error(`[list page] ${error.message}`));
  const live = page.waitForEvent('console', {
    predicate: (m) => m.text() === 'list-bench: live',
    timeout: 120_000,
  });
  // Awaited below; should `goto` throw first, this must not end the run as an unhandled rejection later.
  live.catch(() => {});
  await page.goto(
    bundle === undefined ? pageUrl : `${pageUrl}&bundle=${encodeURIComponent(bundle)}`,
  );
  await live;
  // Nothing is asked of the page until the startup window (up to 500 ms after Live) has passed.
  await sleep(1000);
  const marks = await page.evaluate(() => listBench.marks);
  const responseEnd = await page.evaluate(() => listBench.listResponseEnd());
  const tasks = await page.evaluate((to) => listBench.tasksBetween(0, to), (marks.live ?? 0) + 500);
  return {
    page,
    listResponseEndMs: round(responseEnd),
    firstRowMs: round(marks.firstRow),
    firstRowAfterResponseMs: round(
      responseEnd === undefined || marks.firstRow === undefined
        ? undefined
        : marks.firstRow - responseEnd,
    ),
    liveMs: round(marks.live),
    startupLongTasks: tasks.longTasks,
    startupLongestTaskMs: tasks.longestTaskMs,
  };
}

const median = (xs: (number | null)[]) => {
  const s = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return s.length === 0
    ? null
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : round((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
};

export async function longList(options: ListOptions = {}): Promise<BenchLine[]> {
  const counts = options.conversations ?? [300, 2000, 10_000];
  const messages = options.messages ?? 2000;
  const concurrency = options.concurrency ?? 64;
  const rounds = options.rounds ?? 3;
  const named = options.beforeBundle ?? process.env.BENCH_BEFORE_BUNDLE;
  const beforeFile =
    named !== undefined
      ? resolve(named)
      : existsSync(resolve(root, BEFORE_BUNDLE))
        ? resolve(root, BEFORE_BUNDLE)
        : undefined;
  if (named !== undefined && !existsSync(beforeFile!))
    throw new Error(`no before-bundle at ${named}`);
  if (beforeFile === undefined)
    console.error(
      `bench list: no ${BEFORE_BUNDLE} (npm run bench:before), so the code before is not measured`,
    );
  // The commit `npm run bench:before` built it from, when it says.
  const commitFile = beforeFile === undefined ? undefined : join(dirname(beforeFile), 'COMMIT');
  const beforeCommit =
    commitFile !== undefined && existsSync(commitFile)
      ? readFileSync(commitFile, 'utf8').trim().slice(0, 12)
      : undefined;
  const backend = await startBackendServer({
    seed: false,
    logSize: 100_000,
    backlogBytes: 256 * 1024 * 1024,
  });
  const statics = await startStaticServer(
    root,
    beforeFile === undefined ? {} : { files: { [BEFORE_URL]: beforeFile } },
  );
  const chromium = await launchChromium();
  const lines: BenchLine[] = [];
  try {
    for (const n of counts) {
      const context = `bench-list-${n}-${Date.now()}`;
      // Seeded through the RPC dispatcher: one group per conversation, each with one message.
      const sids: { sid: string; other: string }[] = [];
      for (let i = 0; i < n; i++) {
        const other = OTHERS[i % OTHERS.length]!;
        const call = (caller: string, method: string, params: unknown) =>
          backend.backend.service.call(context, caller, method, params);
        const conv = call(ME, 'conversation.set', {
          name: `Room ${i}`,
          participant_keys: [ME, other],
        }) as { sid: string };
        call(other, 'conversation.send_message', {
          sid: conv.sid,
          content: `hello ${i}`,
          nonce: `seed-${i}`,
        });
        sids.push({ sid: conv.sid, other });
      }
      const clients = new Map(
        OTHERS.map((key) => [
          key,
          createCommunicationClient({ baseUrl: backend.url, context, publicKey: key }),
        ]),
      );
      const pageUrl = `${statics.url}/bench/pages/list.html?${new URLSearchParams({ osis: backend.url, context, key: ME })}`;

      // With a before-bundle: startups of both in turns (after, before, before, after, …), the same
      // seeded list each time. The last startup of the bundle built here goes on into the burst.
      if (beforeFile !== undefined) {
        const runs: Record<'before' | 'after', Omit<Startup, 'page'>[]> = { before: [], after: [] };
        for (let r = 0; r < rounds; r++) {
          for (const which of r % 2 === 0
            ? (['after', 'before'] as const)
            : (['before', 'after'] as const)) {
            const { page, ...figures } = await startup(
              chromium.browser,
              pageUrl,
              which === 'before' ? BEFORE_URL : undefined,
            );
            runs[which].push(figures);
            await page.context().close();
          }
        }
        const summary = (which: 'before' | 'after') => {
          const of = (
            key: 'firstRowMs' | 'firstRowAfterResponseMs' | 'liveMs' | 'listResponseEndMs',
          ) => runs[which].map((f) => f[key]);
          return {
            firstRowMs: median(of('firstRowMs')),
            firstRowAfterResponseMs: median(of('firstRowAfterResponseMs')),
            listResponseEndMs: median(of('listResponseEndMs')),
            liveMs: median(of('liveMs')),
            runs: runs[which],
          };
        };
        lines.push({
          name: 'list.before-after',
          params: {
            conversations: n,
            rounds,
            order: 'after, before, then before, after, in turns',
            before: beforeFile.startsWith(root)
              ? beforeFile.slice(root.length)
              : 'BENCH_BEFORE_BUNDLE',
            beforeCommit,
            figures: 'medians over the rounds, then each run',
            clock: 'page performance.now() from navigation',
          },
          figures: { before: summary('before'), after: summary('after') },
        });
      }
      const measured = await startup(chromium.browser, pageUrl, undefined);
      const { page } = measured;

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
      const caughtUp = await until(
        async () =>
          (await page.evaluate((t) => listBench.previewAt(t), last.content)) !== undefined,
        30_000,
      );
      await sleep(500);
      const lastShown = await page.evaluate((t) => listBench.previewAt(t), last.content);
      const burstTasks = await page.evaluate(([from, to]) => listBench.tasksBetween(from, to), [
        burstStart,
        sentAll + 1000,
      ] as [number, number]);
      // Each row in the DOM must preview its conversation's newest message.
      const newest = new Map<string, { seq: number; content: string }>();
      for (const d of done) if ((newest.get(d.sid)?.seq ?? -1) < d.seq) newest.set(d.sid, d);
      const visible = await page.evaluate(() => listBench.visiblePreviews());
      const wrong = Object.entries(visible).filter(
        ([sid, text]) => newest.has(sid) && newest.get(sid)!.content !== text,
      ).length;

      lines.push({
        name: 'list',
        params: {
          conversations: n,
          messages,
          concurrency,
          viewport: '1000x800',
          clock: 'page performance.now() from navigation',
        },
        figures: {
          listResponseEndMs: measured.listResponseEndMs,
          firstRowMs: measured.firstRowMs,
          firstRowAfterResponseMs: measured.firstRowAfterResponseMs,
          liveMs: measured.liveMs,
          startupLongTasks: measured.startupLongTasks,
          startupLongestTaskMs: measured.startupLongestTaskMs,
          burstSendMs: round(sentAll - burstStart),
          caughtUpAfterLastStoredMs:
            caughtUp && lastShown !== undefined ? round(lastShown - lastStored) : null,
          burstLongTasks: burstTasks.longTasks,
          burstLongestTaskMs: burstTasks.longestTaskMs,
          rowsInDom: await page.evaluate(() => listBench.rows()),
          visibleRowsWrongPreview: wrong,
        },
      });
      await page.context().close();
    }
  } finally {
    await chromium.close();
    await statics.close();
    await backend.close();
  }
  return lines;
}

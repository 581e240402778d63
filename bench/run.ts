// `npm run bench`: every benchmark of bench/README.md, one JSON line each, and bench/results/latest.json.
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { burstRendering } from './burst.ts';
import { deliveryLatency } from './delivery.ts';
import { fanoutLatency } from './fanout.ts';
import { longList } from './list.ts';
import { listWait } from './list-wait.ts';
import { mountLeaks } from './leaks.ts';
import { deliveryToPaint } from './paint.ts';
import { bundleSize } from './size.ts';
import { report, type BenchLine } from './support.ts';
import { tabSharing } from './tabs.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    quick: { type: 'boolean' },
  },
});
const quick = values.quick === true;

const BENCHMARKS: Record<string, () => Promise<BenchLine[]>> = {
  size: bundleSize,
  delivery: () => deliveryLatency({ sends: quick ? 20 : 200 }),
  burst: () =>
    burstRendering(
      quick ? { messages: 1000, compareMessages: 300 } : { messages: 5000, compareMessages: 1000 },
    ),
  fanout: () =>
    fanoutLatency(
      quick ? { subscribers: [200], sends: 5 } : { subscribers: [1000, 5000], sends: 20 },
    ),
  leaks: () => mountLeaks({ cycles: quick ? 20 : 200 }),
  tabs: () =>
    tabSharing(quick ? { tabs: [1, 5], handovers: 5 } : { tabs: [1, 5, 20], handovers: 20 }),
  list: () => longList(quick ? { conversations: [300], messages: 300 } : {}),
  'list-wait': () => listWait(quick ? { conversations: 2000, rounds: 2 } : {}),
  paint: () => deliveryToPaint(quick ? { runs: 1, sends: 30 } : {}),
};

const chosen = values.only ?? Object.keys(BENCHMARKS);
const unknown = chosen.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`,
  );
  process.exit(2);
}

const started = performance.now();
const results: BenchLine[] = [];
let failed = false;
for (const name of chosen) {
  try {
    for (const line of await BENCHMARKS[name]!()) {
      report({ ...line });
      results.push(line);
    }
  } catch (error) {
    failed = true;
    const line = {
      name,
      params: {},
      figures: { error: error instanceof Error ? error.message : String(error) },
    };
    report(line);
    results.push(line);
  }
}
const seconds = Math.round((performance.now() - started) / 100) / 10;
const out = fileURLToPath(new URL('results/', import.meta.url));
mkdirSync(out, { recursive: true });
const file = quick ? 'quick.json' : 'latest.json';
writeFileSync(
  `${out}${file}`,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, quick, seconds, results }, null, 2)}\n`,
);
console.error(`bench: ${results.length} results in ${seconds} s, written to bench/results/${file}`);
process.exit(failed ? 1 : 0);

// What ten people loading a long conversation list at once cost someone else: the dev backend in its
// own process, a context of N conversations, ten loads of the whole list at the same moment, and an
// unrelated caller (another context, `contact.list`) asking again and again meanwhile.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JOURNAL_FILE, type JournalRecord } from '../mocks/backend/journal.ts';
import { SERVICE_PATH } from '../src/protocol/index.ts';
import { createCommunicationClient } from '../src/sdk/index.ts';
import { sleep, spawnBackend, summary, type BenchLine } from './support.ts';

export interface ListWaitOptions {
  /** Conversations of the person whose list is loaded. Default 10,000. */
  conversations?: number;
  /** Loads of the whole list at once. Default 10. */
  loaders?: number;
  /** Rounds of the ten loads. Default 10. */
  rounds?: number;
}

const CONTEXT = 'bench-list-wait';
const ME = 'alice';
const OTHERS = ['bob', 'carol', 'dave'];

/** A journal of `n` groups of two, one message each, so the backend starts with them at once. */
function writeJournal(dir: string, n: number): void {
  const start = Math.floor(Date.now() / 1000) - n;
  const lines: string[] = [];
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const sid = `conv_${randomUUID()}`;
    const other = OTHERS[i % OTHERS.length]!;
    const conversation = {
      sid,
      name: `Room ${i}`,
      participant_keys: [ME, other],
      created_at: start + i,
      seq: ++seq,
    };
    const message = {
      sid: `msg_${randomUUID()}`,
      conversation_sid: sid,
      sender_public_key: other,
      content: `hello ${i}, how are you doing today?`,
      created_at: start + i,
      nonce: `seed-${i}`,
      seq: ++seq,
    };
    const records: JournalRecord[] = [
      { t: 'conversation', ctx: CONTEXT, conversation },
      { t: 'message', ctx: CONTEXT, message },
    ];
    for (const record of records) lines.push(JSON.stringify(record));
  }
  writeFileSync(join(dir, JOURNAL_FILE), `${lines.join('\n')}\n`);
}

// The unrelated caller, in a thread of its own so that the loads' work in this process does not
// delay its clock: one request at a time, the next 5 ms after the last answer, until told to stop.
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const samples = [];
let running = true;
parentPort.on('message', (m) => { if (m === 'stop') running = false; });
(async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'contact.list', params: {} });
  const headers = { 'Content-Type': 'application/json', 'X-Hero-Context': 'bench-unrelated', 'X-Public-Key': 'bob' };
  while (running) {
    const sent = performance.timeOrigin + performance.now();
    const res = await fetch(workerData.url, { method: 'POST', headers, body });
    await res.json();
    samples.push([sent, performance.timeOrigin + performance.now() - sent]);
    await new Promise((r) => setTimeout(r, 5));
  }
  parentPort.postMessage(samples);
})();
`;

function startProbe(url: string): { stop(): Promise<[number, number][]> } {
  const worker = new Worker(PROBE, { eval: true, workerData: { url } });
  const done = new Promise<[number, number][]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const samples = await done;
      await worker.terminate();
      return samples;
    },
  };
}

const now = () => performance.timeOrigin + performance.now();
const round = (n: number) => Math.round(n * 10) / 10;

export async function listWait(options: ListWaitOptions = {}): Promise<BenchLine[]> {
  const n = options.conversations ?? 10_000;
  const loaders = options.loaders ?? 10;
  const rounds = options.rounds ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'hero-list-wait-'));
  writeJournal(dir, n);
  const backend = await spawnBackend(['--host', '127.0.0.1', '--no-seed', '--data', dir]);
  try {
    const rpcUrl = `${backend.url}${SERVICE_PATH}/rpc`;
    // What the island does: the SDK's listConversations (the whole list, however it asks for it).
    const clients = Array.from({ length: loaders }, () =>
      createCommunicationClient({ baseUrl: backend.url, context: CONTEXT, publicKey: ME }),
    );
    // Every request and answer size the loads make, seen on the wire.
    const requests: { bytes: number }[] = [];
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const text = await res.text();
      requests.push({ bytes: Buffer.byteLength(text) });
      return new Response(text, { status: res.status, headers: res.headers });
    };
    const counted = createCommunicationClient({
      baseUrl: backend.url,
      context: CONTEXT,
      publicKey: ME,
      fetch: counting,
    });
    // Warm-up: one load, which also counts the requests of one load.
    const rows = (await counted.listConversations()).length;
    const perLoad = requests.splice(0);

    const idle = startProbe(rpcUrl);
    await sleep(500);
    const idleSamples = await idle.stop();

    const during: number[] = [];
    const worst: number[] = [];
    const first: number[] = [];
    const loadMs: number[] = [];
    const firstPartMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const probe = startProbe(rpcUrl);
      await sleep(100);
      const start = now();
      await Promise.all(
        clients.map(async (client) => {
          const list = await client.listConversations(undefined, () =>
            firstPartMs.push(now() - start),
          );
          if (list.length !== rows)
            throw new Error(`a load got ${list.length} of ${rows} conversations`);
          loadMs.push(now() - start);
        }),
      );
      const end = now();
      await sleep(100);
      const samples = await probe.stop();
      const inside = samples.filter(([sent]) => sent >= start && sent < end).map(([, ms]) => ms);
      during.push(...inside);
      worst.push(Math.max(...inside));
      const firstAfter = samples.find(([sent]) => sent >= start);
      if (firstAfter) first.push(firstAfter[1]);
    }
    return [
      {
        name: 'list-wait',
        params: {
          conversations: n,
          loaders,
          rounds,
          backend: 'own process, 127.0.0.1',
          unrelated: 'contact.list in another context, one at a time, 5 ms apart',
        },
        figures: {
          rows,
          requestsPerLoad: perLoad.length,
          largestAnswerBytes: Math.max(...perLoad.map((q) => q.bytes)),
          bytesPerLoad: perLoad.reduce((sum, q) => sum + q.bytes, 0),
          unrelatedIdleMs: summary(idleSamples.map(([, ms]) => ms)),
          unrelatedFirstAfterStartMs: summary(first),
          unrelatedDuringLoadsMs: summary(during),
          unrelatedWorstPerRoundMs: summary(worst),
          firstPartMs: summary(firstPartMs),
          loadMs: summary(loadMs),
          loadsMs: round(Math.max(...loadMs)),
        },
      },
    ];
  } finally {
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

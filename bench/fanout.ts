// Fan-out: one conversation, N SSE subscribers in this process, the backend in its own process.
import { request, type ClientRequest } from 'node:http';
import { HEADER_CONTEXT, HEADER_PUBLIC_KEY, SERVICE_PATH } from '../src/protocol/index.ts';
import { createCommunicationClient } from '../src/sdk/index.ts';
import { rssKib, sleep, spawnBackend, summary, until, type BenchLine } from './support.ts';

const KEYS = ['alice', 'bob', 'carol', 'dave'];

interface Subscriber {
  request: ClientRequest;
  ready: boolean;
  tail: string;
  /** When the marker being waited for arrived. */
  seenAt: number | undefined;
}

/** Opens one raw SSE subscription; marks `seenAt` when `marker()` shows up in the stream. */
function subscribe(url: string, context: string, key: string, marker: () => string): Subscriber {
  const sub: Subscriber = {
    request: undefined as never,
    ready: false,
    tail: '',
    seenAt: undefined,
  };
  sub.request = request(`${url}${SERVICE_PATH}/events`, {
    agent: false,
    headers: { Accept: 'text/event-stream', [HEADER_CONTEXT]: context, [HEADER_PUBLIC_KEY]: key },
  });
  sub.request.on('response', (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const text = sub.tail + chunk;
      if (!sub.ready && text.includes('event: ready')) sub.ready = true;
      if (sub.seenAt === undefined && text.includes(marker())) sub.seenAt = performance.now();
      sub.tail = text.slice(-64);
    });
  });
  sub.request.on('error', () => {});
  sub.request.end();
  return sub;
}

async function fanout(subscribers: number, sends: number): Promise<BenchLine> {
  const backend = await spawnBackend(['--no-seed', '--heartbeat-ms', '15000']);
  const pid = backend.child.pid!;
  const subs: Subscriber[] = [];
  try {
    const context = `bench-fanout-${subscribers}`;
    const alice = createCommunicationClient({ baseUrl: backend.url, context, publicKey: 'alice' });
    const conv = await alice.setConversation({ name: 'Everyone', participant_keys: KEYS });
    await alice.sendMessage({ sid: conv.sid, content: 'warm up', nonce: 'warm-up' });
    await sleep(1000);
    const rssBefore = rssKib(pid);
    let marker = '';
    for (let i = 0; i < subscribers; i++) {
      subs.push(subscribe(backend.url, context, KEYS[i % KEYS.length]!, () => marker));
      if (i % 200 === 199) await sleep(20);
    }
    const connected = await until(() => subs.every((s) => s.ready), 60_000, 50);
    if (!connected)
      throw new Error(
        `only ${subs.filter((s) => s.ready).length} of ${subscribers} subscribers connected`,
      );
    await sleep(1000);
    const rssAfter = rssKib(pid);
    const afterReturn: number[] = [];
    const fromCall: number[] = [];
    let missed = 0;
    for (let k = 0; k < sends; k++) {
      for (const s of subs) s.seenAt = undefined;
      marker = `"content":"fanout ${k}"`;
      const called = performance.now();
      await alice.sendMessage({ sid: conv.sid, content: `fanout ${k}`, nonce: `fanout-${k}` });
      const returned = performance.now();
      await until(() => subs.every((s) => s.seenAt !== undefined), 10_000, 1);
      const times = subs.flatMap((s) => (s.seenAt === undefined ? [] : [s.seenAt]));
      missed += subscribers - times.length;
      const last = Math.max(...times);
      afterReturn.push(last - returned);
      fromCall.push(last - called);
      await sleep(100);
    }
    return {
      name: 'fanout',
      params: {
        subscribers,
        sends,
        keys: KEYS.length,
        backend: 'own process',
        clients: 'bench process, raw HTTP/1.1 SSE',
      },
      figures: {
        lastSubscriberAfterReturnMs: summary(afterReturn),
        lastSubscriberFromCallMs: summary(fromCall),
        missed,
        backendRssBeforeMiB: Math.round(rssBefore / 102.4) / 10,
        backendRssAfterMiB: Math.round(rssAfter / 102.4) / 10,
        rssPerSubscriberKiB: Math.round(((rssAfter - rssBefore) / subscribers) * 10) / 10,
      },
    };
  } finally {
    for (const s of subs) s.request.destroy();
    await backend.stop();
  }
}

export async function fanoutLatency(
  options: { subscribers?: number[]; sends?: number } = {},
): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  for (const n of options.subscribers ?? [1000, 5000])
    lines.push(await fanout(n, options.sends ?? 20));
  return lines;
}

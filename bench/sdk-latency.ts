// Time from `sendMessage` returning to another client's subscription yielding the message, on
// loopback, with the backend in its own process. Both transports, one after the other.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createCommunicationClient, type Subscription } from '../src/sdk/index.ts';
import { report, spawnBackend, summary } from './support.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100' },
    'poll-ms': { type: 'string', default: '2000' },
  },
});
const count = Number(values.count);
const pollMs = Number(values['poll-ms']);

const backend = await spawnBackend(['--no-seed']);
try {
  for (const transport of ['sse', 'poll'] as const) {
    const context = `bench-${transport}-${Date.now()}`;
    const alice = createCommunicationClient({ baseUrl: backend.url, context, publicKey: 'alice' });
    const bob = createCommunicationClient({ baseUrl: backend.url, context, publicKey: 'bob' });
    const conv = await alice.setConversation({ participant_keys: ['alice', 'bob'] });
    const controller = new AbortController();
    const sub: Subscription =
      transport === 'sse'
        ? bob.subscribe({ signal: controller.signal })
        : bob.poll({ signal: controller.signal, intervalMs: pollMs, openChat: () => conv.sid });
    const seen = new Map<string, number>();
    let notify: (() => void) | undefined;
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    void (async () => {
      for await (const item of sub) {
        if (item.kind === 'status' && item.status.state === 'connected') connected();
        if (
          item.kind === 'event' &&
          item.event.type === 'chatmessage.new' &&
          item.event.data.nonce
        ) {
          seen.set(item.event.data.nonce, performance.now());
          notify?.();
        }
      }
    })();
    await ready;
    const afterReturn: number[] = [];
    const afterCall: number[] = [];
    for (let i = 0; i < count; i++) {
      const nonce = `${transport}-${i}`;
      // Sends at a random phase of the poll cycle, as a person would.
      if (transport === 'poll') await new Promise((r) => setTimeout(r, Math.random() * pollMs));
      const t0 = performance.now();
      await alice.sendMessage({ sid: conv.sid, content: `message ${i}`, nonce });
      const t1 = performance.now();
      while (!seen.has(nonce)) await new Promise<void>((r) => (notify = r));
      const t2 = seen.get(nonce)!;
      afterReturn.push(Math.max(0, t2 - t1));
      afterCall.push(t2 - t0);
    }
    controller.abort();
    report({
      name: 'sdk-delivery-latency',
      transport,
      params: { count, ...(transport === 'poll' ? { intervalMs: pollMs } : {}) },
      ms_after_send_returned: summary(afterReturn),
      ms_after_send_called: summary(afterCall),
      seen_before_send_returned: afterReturn.filter((x) => x === 0).length,
    });
  }
} finally {
  await backend.stop();
}

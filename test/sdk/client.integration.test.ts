// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, ServerEvent } from '../../src/protocol/index.ts';
import {
  CommunicationError,
  createCommunicationClient,
  type CommunicationClient,
} from '../../src/sdk/index.ts';
import { startBackendServer } from '../../mocks/backend/index.ts';
import { freshContext, tempDir } from '../support/backend.ts';
import { collect } from '../support/collect.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function backend(options: Parameters<typeof startBackendServer>[0] = {}) {
  const running = await startBackendServer({ seed: false, ...options });
  cleanups.push(() => running.close());
  return running;
}

function client(url: string, context: string, publicKey: string): CommunicationClient {
  return createCommunicationClient({
    baseUrl: url,
    context,
    publicKey,
    environment: { random: () => 0 },
  });
}

function listen(
  c: CommunicationClient,
  mode: 'subscribe' | 'poll' = 'subscribe',
  openChat?: string,
) {
  const controller = new AbortController();
  cleanups.push(() => controller.abort());
  const subscription =
    mode === 'subscribe'
      ? c.subscribe({ signal: controller.signal })
      : c.poll({ signal: controller.signal, intervalMs: 50, openChat: () => openChat });
  const out = collect(subscription);
  const messages = () =>
    out
      .events()
      .flatMap((e: ServerEvent) => (e.type === 'chatmessage.new' ? [e.data.content] : []));
  const until = async (check: () => boolean, what: string, ms = 3000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; saw ${out.types().join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { subscription, out, messages, until, stop: () => controller.abort() };
}

async function dm(url: string) {
  const context = freshContext();
  const alice = client(url, context, 'alice');
  const bob = client(url, context, 'bob');
  const conv = await alice.setConversation({ participant_keys: ['alice', 'bob'] });
  let n = 0;
  const send = (content: string): Promise<ChatMessage> =>
    alice.sendMessage({ sid: conv.sid, content, nonce: `n${n++}-${content}` });
  return { context, alice, bob, conv, send };
}

describe('CommunicationClient against the dev backend', () => {
  it('calls every RPC with validated results', async () => {
    const { url } = await backend();
    const { alice, bob, conv, send } = await dm(url);
    expect(await alice.listContacts()).toHaveLength(4);
    const sent = await send('hello');
    expect((await bob.getConversation({ sid: conv.sid })).unread_count).toBe(1);
    expect(await bob.listMessages({ sid: conv.sid })).toEqual([sent]);
    expect((await bob.markRead({ sid: conv.sid })).unread_count).toBe(0);
    expect((await bob.listConversations()).map((c) => c.sid)).toEqual([conv.sid]);
  });

  it('fails with one error class carrying the code, status and a readable message', async () => {
    const { url } = await backend();
    const { alice, conv } = await dm(url);
    const invalid = await alice
      .sendMessage({ sid: conv.sid, content: '   ', nonce: 'x' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(CommunicationError);
    expect(invalid).toMatchObject({ kind: 'rpc', code: -32602, status: 200 });
    expect((invalid as Error).message).toBe('-32602 invalid params: content: content is empty');
    const big = await alice
      .sendMessage({ sid: conv.sid, content: 'x'.repeat(70_000), nonce: 'y' })
      .catch((e: unknown) => e);
    expect(big).toMatchObject({ kind: 'http', status: 413 });
    const stranger = client(url, 'demo', 'mallory');
    await expect(stranger.listConversations()).rejects.toMatchObject({ kind: 'rpc', code: -32001 });
    const down = client('http://127.0.0.1:9', 'demo', 'alice');
    const err = await down.listContacts().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', retryable: true });
    expect((err as Error).message).toMatch(/network error: could not reach/);
  });

  it('delivers a message sent by another client to a subscriber', async () => {
    const { url } = await backend();
    const { bob, send } = await dm(url);
    const stream = listen(bob);
    await stream.until(() => stream.out.states().includes('connected'), 'connected');
    await send('live!');
    await stream.until(() => stream.messages().includes('live!'), 'the message');
    expect(stream.out.types()).toEqual(['ready', 'chatmessage.new', 'conversation.updated']);
  });

  it('stops with unauthorized for an unknown key', async () => {
    const { url } = await backend();
    const stream = listen(client(url, freshContext(), 'mallory'));
    await stream.out.done;
    expect(stream.out.states()).toEqual(['connecting', 'unauthorized']);
  });

  it('resumes a cut connection with Last-Event-ID and receives exactly the missed events, in order', async () => {
    const running = await backend();
    const proxy = await startFaultProxy({ port: running.port });
    cleanups.push(() => proxy.close());
    const { context, send } = await dm(running.url);
    const stream = listen(client(proxy.url, context, 'bob'));
    await stream.until(() => stream.out.states().includes('connected'), 'connected');
    await send('before');
    await stream.until(() => stream.messages().includes('before'), 'before');
    proxy.cutAll();
    const missed = ['gap 1', 'gap 2', 'gap 3'];
    for (const text of missed) await send(text);
    await stream.until(
      () => stream.out.states().filter((s) => s === 'connected').length === 2,
      'reconnect',
    );
    await send('after');
    await stream.until(() => stream.messages().includes('after'), 'after');
    expect(stream.messages()).toEqual(['before', ...missed, 'after']);
    expect(stream.out.types().filter((t) => t === 'resync')).toEqual([]);
    expect(stream.out.states()).toContain('reconnecting');
  });

  it('gets resync after a backend restart (new epoch) and then live events again', async () => {
    const dir = tempDir();
    cleanups.push(dir.remove);
    const first = await startBackendServer({ seed: false, dataDir: dir.path, fsync: false });
    const { bob, send } = await dm(first.url);
    const stream = listen(bob);
    await stream.until(() => stream.out.states().includes('connected'), 'connected');
    await first.close();
    const second = await backend({ dataDir: dir.path, fsync: false, port: first.port });
    await stream.until(() => stream.out.types().includes('resync'), 'resync', 5000);
    await send('after restart');
    await stream.until(() => stream.messages().includes('after restart'), 'live after restart');
    expect(second.backend.stats().epoch).not.toBe(first.backend.stats().epoch);
  });

  it('polling delivers the same messages as the stream', async () => {
    const { url } = await backend();
    const { bob, conv, send } = await dm(url);
    const push = listen(bob);
    const poll = listen(bob, 'poll', conv.sid);
    await push.until(() => push.out.states().includes('connected'), 'stream connected');
    await poll.until(() => poll.out.states().includes('connected'), 'poll connected');
    for (const text of ['p1', 'p2', 'p3']) await send(text);
    await push.until(() => push.messages().length === 3, 'stream messages');
    await poll.until(() => poll.messages().length === 3, 'polled messages');
    expect(poll.messages()).toEqual(push.messages());
    const lastRow = poll.out
      .events()
      .filter((e) => e.type === 'conversation.updated')
      .at(-1);
    expect(lastRow).toMatchObject({ data: { last_message: 'p3', unread_count: 3 } });
  });
});

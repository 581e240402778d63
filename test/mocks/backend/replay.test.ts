// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { formatCursor, type ChatMessage, type Conversation } from '../../../src/protocol/index.ts';
import type { RunningBackend, ServerOptions } from '../../../mocks/backend/index.ts';
import {
  call,
  freshContext,
  openStream,
  withBackend,
  type RawStream,
} from '../../support/backend.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function start(options: ServerOptions = {}) {
  const server = await withBackend(options);
  cleanups.push(() => server.close());
  return server;
}

async function stream(
  server: RunningBackend,
  who: { context: string; key: string },
  lastEventId?: string,
): Promise<RawStream> {
  const s = await openStream(server.url, who, lastEventId);
  cleanups.push(s.close);
  return s;
}

/** Sends straight on the service: the same code path as RPC, without 300 round trips. */
function sender(server: RunningBackend, context: string, sid: string) {
  let n = 0;
  return (content: string, key = 'alice') =>
    server.backend.service.call(context, key, 'conversation.send_message', {
      sid,
      content,
      nonce: `n${n++}`,
    }) as ChatMessage;
}

describe('dev backend replay', () => {
  it('replays 300 messages of 4,000 characters to a reader that reconnects with Last-Event-ID', async () => {
    const server = await start();
    const context = freshContext();
    const conv = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      { participant_keys: ['alice', 'bob'] },
    );
    const first = await stream(server, { context, key: 'bob' });
    const cursor = (await first.waitFor((f) => f.json.type === 'ready')).json.data.cursor as string;
    first.close();
    await expect.poll(() => server.backend.stats().subscribers).toBe(0);
    const send = sender(server, context, conv.sid);
    const sent = Array.from({ length: 300 }, (_, i) => send(`${i} `.padEnd(4000, 'x')));

    const again = await stream(server, { context, key: 'bob' }, cursor);
    await again.waitFor(
      (f) => f.json.type === 'chatmessage.new' && f.json.data.sid === sent.at(-1)!.sid,
      15_000,
    );
    const received = again.frames
      .filter((f) => f.json.type === 'chatmessage.new')
      .map((f) => f.json.data);
    expect(received).toEqual(sent);
    expect(server.backend.stats().droppedSlow).toBe(0);
    // Caught up, it goes on live.
    const live = send('live');
    await again.waitFor((f) => f.json.type === 'chatmessage.new' && f.json.data.sid === live.sid);
  });

  it('holds each event once however many receive it, and each receiver still gets its own unread count', async () => {
    const server = await start();
    const context = freshContext();
    const conv = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      {
        name: 'Four',
        participant_keys: ['alice', 'bob', 'carol', 'dave'],
      },
    );
    const readers = await Promise.all(
      ['bob', 'carol', 'dave', 'dave'].map((key) => stream(server, { context, key })),
    );
    await Promise.all(readers.map((r) => r.waitFor((f) => f.json.type === 'ready')));
    const { log: before, epoch, seq } = server.backend.stats();
    const send = sender(server, context, conv.sid);
    // Control characters: each is six bytes in JSON, the worst case for frame size.
    const content = '\u0001'.repeat(4000);
    for (let i = 0; i < 10; i++) send(content);
    await call(server.url, { context, key: 'carol' }, 'conversation.mark_read', {
      sid: conv.sid,
      receipt: false,
    });
    for (let i = 0; i < 10; i++) send(content);
    const after = server.backend.stats().log;
    // 41 events: each message once, each conversation.updated once (it carries the content as preview).
    expect(after.events - before.events).toBe(41);
    expect(after.bytes - before.bytes).toBeLessThan(41 * (6 * 4000 + 1000));

    const unreadOf = (key: string) => (key === 'carol' ? 10 : 20);
    const isLast =
      (key: string) =>
      (f: { json: { type: string; data: { unread_count?: number; seq?: number } } }) =>
        f.json.type === 'conversation.updated' &&
        f.json.data.seq === seq + 41 &&
        f.json.data.unread_count === unreadOf(key);
    await Promise.all(
      readers.map((reader, i) => reader.waitFor(isLast(['bob', 'carol', 'dave', 'dave'][i]!))),
    );
    for (const key of ['bob', 'carol']) {
      const replay = await stream(server, { context, key }, formatCursor({ epoch, seq }));
      const replayed = await replay.waitFor(isLast(key));
      expect(replayed.json.data.last_message).toBe(content);
    }
  });

  it('bounds the replay log by bytes too: the oldest go first, and a cursor before them gets resync', async () => {
    const server = await start({ logBytes: 100_000 });
    const context = freshContext();
    const conv = await call<Conversation>(
      server.url,
      { context, key: 'alice' },
      'conversation.set',
      { participant_keys: ['alice', 'bob'] },
    );
    const first = await stream(server, { context, key: 'bob' });
    const cursor = (await first.waitFor((f) => f.json.type === 'ready')).json.data.cursor as string;
    const send = sender(server, context, conv.sid);
    for (let i = 0; i < 50; i++) send('y'.repeat(4000));
    const { log } = server.backend.stats();
    expect(log.bytes).toBeLessThanOrEqual(100_000);
    expect(log.events).toBeLessThan(100);
    const again = await stream(server, { context, key: 'bob' }, cursor);
    const resync = await again.waitFor((f) => f.json.type === 'resync');
    expect(again.frames.indexOf(resync)).toBe(1);
  });
});

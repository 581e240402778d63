// @vitest-environment node
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  formatCursor,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
} from '../../../src/protocol';
import type { RunningBackend } from '../../../mocks/backend';
import { call, freshContext, openStream, withBackend } from '../../support/backend';

const BOUND = 64 * 1024;
let server: RunningBackend;
beforeAll(async () => {
  server = await withBackend({ backlogBytes: BOUND });
});
afterAll(() => server.close());

/** A subscriber that never reads: its socket fills up, then the server stops writing to it. */
function stuckReader(context: string, key: string, on = server): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${on.url}/hero_osis_communication/events`, {
      headers: { 'X-Hero-Context': context, 'X-Public-Key': key },
    });
    req.on('response', (res) => {
      res.pause();
      res.on('error', () => {});
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}

const endOf = (res: IncomingMessage) =>
  new Promise<void>((resolve) => {
    if (res.destroyed) return resolve();
    res.on('close', resolve);
    res.on('error', () => resolve());
    res.resume();
  });

it('cuts off a subscriber that stops reading, keeping its unsent backlog bounded; it resumes by replay', async () => {
  const context = freshContext();
  const conv = await call<Conversation>(server.url, { context, key: 'alice' }, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const { epoch, seq } = server.backend.stats();
  const response = await stuckReader(context, 'bob');
  await expect.poll(() => server.backend.stats().subscribers).toBe(1);

  let worst = 0;
  const all: ChatMessage[] = [];
  const content = 'x'.repeat(4000);
  const dropped = server.backend.stats().droppedSlow;
  for (let batch = 0; batch < 250 && server.backend.stats().droppedSlow === dropped; batch++) {
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call<ChatMessage>(server.url, { context, key: 'alice' }, 'conversation.send_message', {
          sid: conv.sid,
          content,
          nonce: `b${batch}-${i}`,
        }),
      ),
    );
    all.push(...sent);
    worst = Math.max(worst, server.backend.stats().backlogBytes);
  }
  expect(server.backend.stats().droppedSlow).toBe(dropped + 1);
  expect(server.backend.stats().subscribers).toBe(0);
  expect(worst).toBeLessThanOrEqual(BOUND + 8 * 1024);
  // Once it reads again, it finds its stream ended by the server.
  await endOf(response);
  // It reconnects from where it was and gets every message it missed.
  const again = await openStream(server.url, { context, key: 'bob' }, formatCursor({ epoch, seq }));
  const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
  const newest = [...all].sort(bySeq).at(-1)!;
  await again.waitFor(
    (f) => f.json.type === 'chatmessage.new' && f.json.data.sid === newest.sid,
    15_000,
  );
  const messages = again.frames
    .filter((f) => f.json.type === 'chatmessage.new')
    .map((f) => f.json.data as ChatMessage);
  expect(messages).toEqual(all.sort(bySeq));
  again.close();
});

it('cuts off 200 readers that never read at once, cheaply: every send succeeds and a reader keeps up', async () => {
  // The default bound (1 MiB): a stream that is not reading must not hold that much in memory meanwhile.
  const crowd = await withBackend();
  const context = freshContext();
  const who = { context, key: 'alice' };
  const conv = await call<Conversation>(crowd.url, who, 'conversation.set', {
    name: 'Crowd',
    participant_keys: ['alice', 'bob', 'carol'],
  });
  const stuck = await Promise.all(
    Array.from({ length: 200 }, (_, i) => stuckReader(context, i % 2 ? 'bob' : 'carol', crowd)),
  );
  const reader = await openStream(crowd.url, { context, key: 'carol' });
  await expect.poll(() => crowd.backend.stats().subscribers).toBe(201);

  let worstBuffered = 0;
  const sent: ChatMessage[] = [];
  const content = '\u0001'.repeat(4000);
  for (let batch = 0; batch < 100 && crowd.backend.stats().subscribers > 1; batch++) {
    const replies = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        call<ChatMessage>(crowd.url, who, 'conversation.send_message', {
          sid: conv.sid,
          content,
          nonce: `c${batch}-${i}`,
        }),
      ),
    );
    sent.push(...replies);
    worstBuffered = Math.max(worstBuffered, crowd.backend.stats().bufferedBytes);
  }
  expect(crowd.backend.stats().droppedSlow).toBe(200);
  // Each held about a socket buffer in memory, never the bound.
  expect(worstBuffered).toBeLessThan(201 * 128 * 1024);
  const stored = await call<ChatMessage[]>(crowd.url, who, 'conversation.list_messages', {
    sid: conv.sid,
    limit: 200,
  });
  expect(stored).toEqual(sent.sort((a, b) => a.seq - b.seq));
  await reader.waitFor(
    (f) => f.json.type === 'chatmessage.new' && f.json.data.sid === sent.at(-1)!.sid,
    15_000,
  );
  expect(reader.frames.filter((f) => f.json.type === 'chatmessage.new')).toHaveLength(sent.length);
  reader.close();
  await Promise.all(stuck.map(endOf));
  await crowd.close();
});

it('tells a reader that fell out of the ring while it was not reading to resync, then goes on live', async () => {
  const small = await withBackend({ logSize: 20, backlogBytes: 256 * 1024 * 1024 });
  const context = freshContext();
  const who = { context, key: 'alice' };
  const conv = await call<Conversation>(small.url, who, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const res = await stuckReader(context, 'bob', small);
  await expect.poll(() => small.backend.stats().subscribers).toBe(1);
  const content = '\u0001'.repeat(4000);
  let n = 0;
  // Until the server holds back bytes for it (its socket is full), then 20 more sends: past the ring.
  while (small.backend.stats().backlogBytes <= small.backend.stats().bufferedBytes && n < 2000) {
    small.backend.service.call(context, 'alice', 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce: `f${n++}`,
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (let i = 0; i < 20; i++)
    small.backend.service.call(context, 'alice', 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce: `g${i}`,
    });
  let text = '';
  res.setEncoding('utf8');
  const resynced = new Promise<void>((resolve) =>
    res.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('event: resync')) resolve();
    }),
  );
  res.resume();
  await resynced;
  const live = small.backend.service.call(context, 'alice', 'conversation.send_message', {
    sid: conv.sid,
    content: 'live',
    nonce: 'live',
  }) as ChatMessage;
  await expect.poll(() => text.includes(`"sid":"${live.sid}"`)).toBe(true);
  expect(small.backend.stats().droppedSlow).toBe(0);
  res.destroy();
  await small.close();
});

it('goes on with a reader that keeps up under a backlog bound smaller than the socket mark (--backlog-bytes 24000)', async () => {
  // The stream's window is then 12,000 bytes, under the response's 16 KiB mark: a write past the
  // window still goes through at once, so no `drain` ever comes to wake the stream.
  const tight = await withBackend({ backlogBytes: 24_000 });
  const context = freshContext();
  const conv = await call<Conversation>(tight.url, { context, key: 'alice' }, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const reader = await openStream(tight.url, { context, key: 'bob' });
  await reader.waitFor((f) => f.json.type === 'ready');
  // One synchronous run of about 19 KB: past the window, under the bound.
  for (let i = 0; i < 30; i++) {
    tight.backend.service.call(context, 'alice', 'conversation.send_message', {
      sid: conv.sid,
      content: `t${i}`,
      nonce: `t${i}`,
    });
  }
  await reader.waitFor(
    (f) => f.json.type === 'chatmessage.new' && f.json.data.content === 't29',
    5_000,
  );
  expect(
    reader.frames.filter((f) => f.json.type === 'chatmessage.new').map((f) => f.json.data.content),
  ).toEqual(Array.from({ length: 30 }, (_, i) => `t${i}`));
  expect(tight.backend.stats().droppedSlow).toBe(0);
  reader.close();
  await tight.close();
});

// @vitest-environment node
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCursor, type Contact } from '../../../src/protocol';
import { createBackend, type RunningBackend } from '../../../mocks/backend';
import type { SeedConversation, SeedMessage } from '../../../mocks/backend/seed-shape';
import {
  call,
  freshContext,
  notify,
  openStream,
  rpc,
  withBackend,
  type RawFrame,
  type RawStream,
} from '../../support/backend';

let server: RunningBackend;
const streams: RawStream[] = [];
beforeAll(async () => {
  server = await withBackend({ shape: 'seed', heartbeatMs: 60_000 });
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server.close();
});

async function stream(who: { context?: string; key?: string }, lastEventId?: string, on = server) {
  const s = await openStream(on.url, who, lastEventId);
  streams.push(s);
  return s;
}

async function setup() {
  const context = freshContext('seed');
  const conv = await call<SeedConversation>(
    server.url,
    { context, key: 'alice' },
    'conversation.set',
    {
      participant_keys: ['alice', 'bob'],
    },
  );
  const send = (content: string, nonce?: string) =>
    call<SeedMessage>(server.url, { context, key: 'alice' }, 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce,
    });
  return { context, conv, send };
}

const updatedWith = (content: string) => (f: RawFrame) =>
  f.json.type === 'conversation.updated' && f.json.data.last_message === content;
const contents = (s: RawStream) =>
  s.frames.filter((f) => f.json.type === 'chatmessage.new').map((f) => f.json.data.content);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('dev backend in the seed shape', () => {
  it('writes each event as a data line alone, with no ready first and no id or event line', async () => {
    const { context, conv, send } = await setup();
    const bob = await stream({ context, key: 'bob' });
    const sent = await send('hi bob', 'n1');
    await bob.waitFor(updatedWith('hi bob'));
    expect(bob.frames.map((f) => f.json.type)).toEqual(['chatmessage.new', 'conversation.updated']);
    expect(bob.frames.every((f) => f.id === undefined && f.event === undefined)).toBe(true);
    expect(bob.text()).toBe(bob.frames.map((f) => `data: ${f.data}\n\n`).join(''));
    expect(bob.frames[0]!.json.data).toEqual(sent);
    expect(bob.frames[1]!.json.data).toEqual({
      sid: conv.sid,
      name: '',
      participant_keys: ['alice', 'bob'],
      created_at: conv.created_at,
      last_message: 'hi bob',
      last_message_time: sent.created_at * 1000,
    });
  });

  it('answers objects without seq, nonce or unread_count, and without a preview before the first message', async () => {
    const { context, conv, send } = await setup();
    const who = { context, key: 'alice' };
    expect(Object.keys(conv).sort()).toEqual(['created_at', 'name', 'participant_keys', 'sid']);
    expect(conv.created_at).toBeLessThan(Date.now() / 1000 + 1);
    expect(await call(server.url, who, 'conversation.get', { sid: conv.sid })).toEqual(conv);
    const sent = await send('first');
    expect(Object.keys(sent).sort()).toEqual([
      'content',
      'conversation_sid',
      'created_at',
      'sender_public_key',
      'sid',
    ]);
    const after = { ...conv, last_message: 'first', last_message_time: sent.created_at * 1000 };
    expect(await call(server.url, who, 'conversation.get', { sid: conv.sid })).toEqual(after);
    expect(await call(server.url, who, 'conversation.list')).toEqual([after]);
    expect(await call(server.url, who, 'conversation.list_messages', { sid: conv.sid })).toEqual([
      sent,
    ]);
    expect(
      (await call<Contact[]>(server.url, who, 'contact.list')).map((c) => c.public_key),
    ).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('does not know conversation.mark_read (-32601) and never writes conversation.read, receipts or read_by', async () => {
    const { context, conv, send } = await setup();
    const reply = await rpc(server.url, { context, key: 'bob' }, 'conversation.mark_read', {
      sid: conv.sid,
    });
    expect(reply.body.error?.code).toBe(-32601);
    const bob = await stream({ context, key: 'bob' });
    await send('one');
    // The service behind still records reads (the full shape's path): the stream leaves them out.
    server.backend.service.call(context, 'bob', 'conversation.mark_read', { sid: conv.sid });
    await send('two');
    await bob.waitFor(updatedWith('two'));
    expect(bob.frames.map((f) => f.json.type)).toEqual([
      'chatmessage.new',
      'conversation.updated',
      'chatmessage.new',
      'conversation.updated',
    ]);
    expect(
      server.backend.service.call(context, 'alice', 'conversation.get', { sid: conv.sid }),
    ).toHaveProperty('read_by', [expect.objectContaining({ reader_key: 'bob' })]);
    expect(
      await call(server.url, { context, key: 'alice' }, 'conversation.get', { sid: conv.sid }),
    ).not.toHaveProperty('read_by');
    expect(bob.frames[3]!.json.data).not.toHaveProperty('read_by');
  });

  it('does not know edit_message, delete_message or typing (-32601), and writes no edit, deletion or typing', async () => {
    const { context, conv, send } = await setup();
    const kept = await send('kept');
    const edited = await send('edited');
    const deleted = await send('deleted');
    const bob = await stream({ context, key: 'bob' });
    const who = { context, key: 'alice' };
    const tries: [string, object][] = [
      ['conversation.edit_message', { sid: conv.sid, message_sid: edited.sid, content: 'changed' }],
      ['conversation.delete_message', { sid: conv.sid, message_sid: deleted.sid }],
      ['conversation.typing', { sid: conv.sid }],
    ];
    for (const [method, params] of tries) {
      expect((await rpc(server.url, who, method, params)).body.error).toEqual({
        code: -32601,
        message: `method not found: ${method}`,
      });
    }
    expect(await notify(server.url, who, 'conversation.typing', { sid: conv.sid })).toEqual({
      status: 204,
      body: '',
    });
    // The service behind still can (the full shape's path, on the same data): the wire leaves it out.
    server.backend.service.call(context, 'alice', 'conversation.edit_message', {
      sid: conv.sid,
      message_sid: edited.sid,
      content: 'changed',
    });
    server.backend.service.call(context, 'alice', 'conversation.delete_message', {
      sid: conv.sid,
      message_sid: deleted.sid,
    });
    await send('live');
    await bob.waitFor(updatedWith('live'));
    expect(bob.frames.map((f) => f.json.type)).toEqual([
      'conversation.updated',
      'chatmessage.new',
      'conversation.updated',
    ]);
    const listed = await call<SeedMessage[]>(server.url, who, 'conversation.list_messages', {
      sid: conv.sid,
    });
    expect(listed.map((m) => m.content)).toEqual(['kept', 'changed', 'live']);
    expect(listed[1]).toEqual({ ...edited, content: 'changed' });
    expect(listed[0]).toEqual(kept);
  });

  it('answers the newest limit messages in ascending order, whatever before_seq says', async () => {
    const { context, conv, send } = await setup();
    for (let i = 0; i < 5; i++) await send(`m${i}`);
    const page = (params: object) =>
      call<SeedMessage[]>(server.url, { context, key: 'bob' }, 'conversation.list_messages', {
        sid: conv.sid,
        ...params,
      });
    expect((await page({ limit: 2 })).map((m) => m.content)).toEqual(['m3', 'm4']);
    expect((await page({ limit: 2, before_seq: 1 })).map((m) => m.content)).toEqual(['m3', 'm4']);
  });

  it('answers the whole conversation list whatever limit and before say: it does not page', async () => {
    const { context } = await setup();
    for (let i = 0; i < 3; i++)
      await call(server.url, { context, key: 'alice' }, 'conversation.set', {
        name: `Room ${i}`,
        participant_keys: ['alice', 'carol'],
      });
    const list = (params: object) =>
      call<SeedConversation[]>(server.url, { context, key: 'alice' }, 'conversation.list', params);
    const whole = await list({});
    expect(whole).toHaveLength(4);
    expect(await list({ limit: 1 })).toEqual(whole);
    expect(await list({ limit: 2, before: { last_message_time: 0, sid: 'a' } })).toEqual(whole);
    // Even params the full shape refuses: this server does not know them.
    expect(await list({ limit: 0, before: 'nowhere' })).toEqual(whole);
  });

  it('stores one message per nonce without echoing it, and stores a send without a nonce', async () => {
    const { context, conv, send } = await setup();
    const once = await send('retried', 'same');
    expect(await send('retried', 'same')).toEqual(once);
    expect(once).not.toHaveProperty('nonce');
    const a = await send('no nonce');
    const b = await send('no nonce');
    expect(a.sid).not.toBe(b.sid);
    const stored = await call<SeedMessage[]>(
      server.url,
      { context, key: 'alice' },
      'conversation.list_messages',
      { sid: conv.sid },
    );
    expect(stored.map((m) => m.sid)).toEqual([once.sid, a.sid, b.sid]);
  });

  it('ignores Last-Event-ID: no replay and no resync, every connection starts live', async () => {
    const { context, send } = await setup();
    const { epoch, seq } = server.backend.stats();
    await send('missed');
    const resumed = await stream({ context, key: 'bob' }, formatCursor({ epoch, seq }));
    const garbage = await stream({ context, key: 'bob' }, 'not a cursor');
    await send('live');
    for (const s of [resumed, garbage]) {
      await s.waitFor(updatedWith('live'));
      expect(s.frames.map((f) => f.json.type)).toEqual(['chatmessage.new', 'conversation.updated']);
      expect(contents(s)).toEqual(['live']);
    }
  });

  it('takes the caller from the query string too, and refuses an unknown one', async () => {
    const base = `${server.url}/hero_osis_communication/events?context=${freshContext('seed')}`;
    const res = await fetch(`${base}&public_key=bob`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await res.body?.cancel();
    expect((await fetch(`${base}&public_key=mallory`)).status).toBe(401);
  });

  it('writes nothing to someone who is not a participant', async () => {
    const { context, send } = await setup();
    const bob = await stream({ context, key: 'bob' });
    const carol = await stream({ context, key: 'carol' });
    await send('not for carol');
    await bob.waitFor(updatedWith('not for carol'));
    await pause(150);
    expect(carol.status).toBe(200);
    expect(carol.text()).toBe('');
  });

  it('writes a bare ":" comment every heartbeat and nothing else on a quiet stream', async () => {
    const quiet = await withBackend({ shape: 'seed', heartbeatMs: 100 });
    const s = await stream({ context: freshContext('seed'), key: 'dave' }, undefined, quiet);
    await pause(350);
    expect(s.text()).toMatch(/^(:\n\n){2,}$/);
    s.close();
    await quiet.close();
  });

  it('refuses an unknown shape with a readable error', () => {
    expect(() => createBackend({ seed: false, shape: 'partial' as never })).toThrow(
      'shape must be full or seed, got "partial"',
    );
  });
});

/** A subscriber that never reads: its socket fills up, then the server stops writing to it. */
function stuckReader(on: RunningBackend, context: string, key: string): Promise<IncomingMessage> {
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

it('seed shape: tells a reader that fell behind to resync instead of cutting it off, holding no backlog for it', async () => {
  const BOUND = 64 * 1024;
  const slow = await withBackend({ shape: 'seed', backlogBytes: BOUND });
  const context = freshContext('seed');
  const who = { context, key: 'alice' };
  const conv = await call<SeedConversation>(slow.url, who, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const res = await stuckReader(slow, context, 'bob');
  await expect.poll(() => slow.backend.stats().subscribers).toBe(1);

  let worst = 0;
  let sent = 0;
  const content = 'x'.repeat(4000);
  for (let batch = 0; batch < 250 && slow.backend.stats().resyncedSlow === 0; batch++) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(slow.url, who, 'conversation.send_message', {
          sid: conv.sid,
          content,
          nonce: `b${batch}-${i}`,
        }),
      ),
    );
    sent += 20;
    worst = Math.max(worst, slow.backend.stats().backlogBytes);
  }
  expect(slow.backend.stats()).toMatchObject({ resyncedSlow: 1, droppedSlow: 0, subscribers: 1 });
  expect(worst).toBeLessThanOrEqual(BOUND + 8 * 1024);

  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.resume();
  await expect.poll(() => text.includes('data: {"type":"resync"}\n\n')).toBe(true);
  await call(slow.url, who, 'conversation.send_message', { sid: conv.sid, content: 'live' });
  await expect.poll(() => text.includes('"content":"live"')).toBe(true);
  expect(text.indexOf('"content":"live"')).toBeGreaterThan(text.indexOf('{"type":"resync"}'));
  // It missed what it did not read, and was never cut off.
  const received = text.split('"type":"chatmessage.new"').length - 1 - 1; // less 'live'
  expect(received).toBeLessThan(sent);
  expect(text).not.toMatch(/^(id|event):/m);
  expect(slow.backend.stats()).toMatchObject({ droppedSlow: 0, subscribers: 1 });
  res.destroy();
  await slow.close();
});

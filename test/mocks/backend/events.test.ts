// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatCursor,
  parseCursor,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
} from '../../../src/protocol';
import type { RunningBackend } from '../../../mocks/backend';
import { call, freshContext, openStream, withBackend, type RawStream } from '../../support/backend';

let server: RunningBackend;
const streams: RawStream[] = [];
beforeAll(async () => {
  server = await withBackend({ heartbeatMs: 100, logSize: 50 });
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server.close();
});

async function stream(who: { context?: string; key?: string }, lastEventId?: string) {
  const s = await openStream(server.url, who, lastEventId);
  streams.push(s);
  return s;
}

async function setup() {
  const context = freshContext();
  const conv = await call<Conversation>(server.url, { context, key: 'alice' }, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const send = (content: string, key = 'alice') =>
    call<ChatMessage>(server.url, { context, key }, 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce: content,
    });
  return { context, conv, send };
}

const isMessage =
  (content: string) => (f: { json: { type: string; data: { content?: string } } }) =>
    f.json.type === 'chatmessage.new' && f.json.data.content === content;

describe('dev backend event stream', () => {
  it('sends ready first with a cursor and the heartbeat, without an id', async () => {
    const s = await stream({ context: freshContext(), key: 'alice' });
    const ready = await s.waitFor(() => true);
    expect(ready.json.type).toBe('ready');
    expect(ready.event).toBe('ready');
    expect(ready.id).toBeUndefined();
    expect(parseCursor(ready.json.data.cursor).ok).toBe(true);
    expect(ready.json.data.heartbeat_ms).toBe(100);
  });

  it('answers 401 without a known key', async () => {
    expect((await stream({ context: freshContext() })).status).toBe(401);
    expect((await stream({ context: freshContext(), key: 'mallory' })).status).toBe(401);
  });

  it('accepts the identity as query parameters for plain EventSource clients', async () => {
    const res = await fetch(
      `${server.url}/hero_osis_communication/events?context=${freshContext()}&public_key=bob`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toMatch(/no-cache/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    await res.body?.cancel();
  });

  it('delivers a message to participants, in order chatmessage.new then conversation.updated, and nothing to others', async () => {
    const { context, send } = await setup();
    const bob = await stream({ context, key: 'bob' });
    const carol = await stream({ context, key: 'carol' });
    await bob.waitFor((f) => f.json.type === 'ready');
    await carol.waitFor((f) => f.json.type === 'ready');
    const sent = await send('hi bob');
    const frame = await bob.waitFor(isMessage('hi bob'));
    expect(frame.json.data).toEqual(sent);
    expect(frame.event).toBe('chatmessage.new');
    expect(frame.id).toMatch(new RegExp(`:${sent.seq}$`));
    const updated = await bob.waitFor((f) => f.json.type === 'conversation.updated');
    expect(updated.json.data).toMatchObject({
      last_message: 'hi bob',
      unread_count: 1,
      seq: sent.seq + 1,
    });
    expect(bob.frames.indexOf(updated)).toBeGreaterThan(bob.frames.indexOf(frame));
    await new Promise((r) => setTimeout(r, 150));
    expect(carol.frames.map((f) => f.json.type)).toEqual(['ready']);
  });

  it('keeps contexts apart on the stream', async () => {
    const { send } = await setup();
    const other = await stream({ context: freshContext(), key: 'bob' });
    await other.waitFor((f) => f.json.type === 'ready');
    await send('not for you');
    await new Promise((r) => setTimeout(r, 150));
    expect(other.frames.map((f) => f.json.type)).toEqual(['ready']);
  });

  it('sends conversation.read to every subscription of the reader only', async () => {
    const { context, conv, send } = await setup();
    await send('read me');
    const tab1 = await stream({ context, key: 'bob' });
    const tab2 = await stream({ context, key: 'bob' });
    const alice = await stream({ context, key: 'alice' });
    await Promise.all([tab1, tab2, alice].map((s) => s.waitFor((f) => f.json.type === 'ready')));
    const read = await call<Conversation>(
      server.url,
      { context, key: 'bob' },
      'conversation.mark_read',
      { sid: conv.sid, receipt: false },
    );
    for (const tab of [tab1, tab2]) {
      const frame = await tab.waitFor((f) => f.json.type === 'conversation.read');
      expect(frame.json.data).toEqual({ sid: conv.sid, reader_key: 'bob', seq: read.seq });
    }
    await new Promise((r) => setTimeout(r, 150));
    expect(alice.frames.some((f) => f.json.type === 'conversation.read')).toBe(false);
  });

  it('replays exactly the missed events after Last-Event-ID, then goes on live', async () => {
    const { context, send } = await setup();
    const first = await stream({ context, key: 'bob' });
    await send('one');
    const seen = await first.waitFor(isMessage('one'));
    first.close();
    await send('two');
    await send('three');
    const again = await stream({ context, key: 'bob' }, seen.id);
    await again.waitFor(isMessage('three'));
    await send('four');
    await again.waitFor(
      (f) => f.json.type === 'conversation.updated' && f.json.data.last_message === 'four',
    );
    const types = again.frames.map((f) =>
      f.json.type === 'chatmessage.new' ? f.json.data.content : f.json.type,
    );
    expect(types).toEqual([
      'ready',
      'conversation.updated',
      'two',
      'conversation.updated',
      'three',
      'conversation.updated',
      'four',
      'conversation.updated',
    ]);
    const ids = again.frames
      .slice(1)
      .map((f) => parseCursor(f.id).ok && Number(f.id!.split(':')[1]));
    expect(ids).toEqual([...(ids as number[])].sort((a, b) => a - b));
  });

  it('answers resync after ready to a cursor of another epoch, a stale one, or garbage', async () => {
    const { context, send } = await setup();
    const probe = await stream({ context, key: 'bob' });
    const ready = await probe.waitFor((f) => f.json.type === 'ready');
    const cursor = parseCursor(ready.json.data.cursor);
    if (!cursor.ok) throw new Error(cursor.error);
    for (let i = 0; i < 30; i++) await send(`fill ${i}`); // 60 events through a ring of 50
    const cases = [
      formatCursor({ epoch: 'otherepoch', seq: cursor.value.seq }),
      ready.json.data.cursor,
      'not a cursor',
    ];
    for (const lastEventId of cases) {
      const s = await stream({ context, key: 'bob' }, lastEventId);
      const resync = await s.waitFor((f) => f.json.type === 'resync');
      expect(s.frames.indexOf(resync)).toBe(1);
      expect(resync.json.data.reason).toEqual(expect.any(String));
    }
  });

  it('writes a burst whole and in order, with a frame written in the middle of it in its place', async () => {
    const { context, conv } = await setup();
    const bob = await stream({ context, key: 'bob' });
    await bob.waitFor((f) => f.json.type === 'ready');
    // One synchronous run of the server, as a burst is: its frames reach the socket together.
    const expected: string[] = [];
    for (let i = 0; i < 100; i++) {
      server.backend.service.call(context, 'alice', 'conversation.send_message', {
        sid: conv.sid,
        content: `m${i}`,
        nonce: `m${i}`,
      });
      expected.push(`m${i}`);
      if (i === 49) {
        server.backend.injectRaw(
          context,
          'bob',
          'event: resync\ndata: {"type":"resync","data":{"reason":"between"}}\n\n',
        );
        expected.push('resync');
      }
    }
    await bob.waitFor(isMessage('m99'));
    const seen = bob.frames
      .filter((f) => f.json.type === 'chatmessage.new' || f.json.type === 'resync')
      .map((f) => (f.json.type === 'resync' ? 'resync' : f.json.data.content));
    expect(seen).toEqual(expected);
  });

  it('writes keepalive comments every heartbeat_ms', async () => {
    const s = await stream({ context: freshContext(), key: 'dave' });
    await s.waitFor((f) => f.json.type === 'ready');
    await new Promise((r) => setTimeout(r, 350));
    expect(s.comments.filter((c) => c.trim() === 'keepalive').length).toBeGreaterThanOrEqual(2);
  });
});

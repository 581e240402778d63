// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  formatCursor,
  type FullChatMessage as ChatMessage,
  type FullConversation as Conversation,
} from '../../../src/protocol/index.ts';
import type { RunningBackend } from '../../../mocks/backend/index.ts';
import {
  backendFixture,
  call,
  freshContext,
  tempDir,
  type RawFrame,
  type RawStream,
} from '../../support/backend.ts';

/** The backend per test, on a clock the test moves (`fx.now`, unix ms). */
const fx = backendFixture();
const { start, stream } = fx;

async function group(server: RunningBackend, keys = ['alice', 'bob', 'carol']) {
  const context = freshContext('seen');
  const conv = await call<Conversation>(
    server.url,
    { context, key: keys[0]! },
    'conversation.set',
    { name: 'Seen', participant_keys: keys },
  );
  let n = 0;
  const send = (key: string, content = `from ${key} ${n}`) =>
    call<ChatMessage>(server.url, { context, key }, 'conversation.send_message', {
      sid: conv.sid,
      content,
      nonce: `n${n++}`,
    });
  const markRead = (key: string, receipt?: boolean) =>
    call<Conversation>(server.url, { context, key }, 'conversation.mark_read', {
      sid: conv.sid,
      ...(receipt === undefined ? {} : { receipt }),
    });
  const get = (key: string) =>
    call<Conversation>(server.url, { context, key }, 'conversation.get', { sid: conv.sid });
  return { context, conv, send, markRead, get };
}

const isSeen = (reader: string) => (f: RawFrame) =>
  f.json.type === 'conversation.seen' && f.json.data.receipt.reader_key === reader;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const types = (s: RawStream) => s.frames.map((f) => f.json.type);

describe('dev backend read receipts', () => {
  it('mark_read records where the reader is, and tells every participant with conversation.seen', async () => {
    const server = await start();
    const { context, conv, send, markRead, get } = await group(server);
    const of = (key: string) => stream(server, { context, key });
    const [alice, bob, carol, dave] = await Promise.all([
      of('alice'),
      of('bob'),
      of('carol'),
      of('dave'),
    ]);
    await send('alice');
    const last = await send('carol');
    const read = await markRead('bob');

    const receipt = {
      reader_key: 'bob',
      message_sid: last.sid,
      message_seq: last.seq,
      read_at: fx.now / 1000,
    };
    expect(read).toMatchObject({ unread_count: 0, read_by: [receipt] });
    for (const s of [alice, bob, carol]) {
      const seen = await s.waitFor(isSeen('bob'));
      expect(seen.json.data).toEqual({ sid: conv.sid, receipt, seq: read.seq });
      expect(seen.event).toBe('conversation.seen');
      expect(seen.id).toBe(formatCursor({ epoch: server.backend.stats().epoch, seq: read.seq }));
    }
    // The reader's own tabs hear the read first, then the receipt.
    expect(
      types(bob).filter((t) => t.startsWith('conversation.') && t !== 'conversation.updated'),
    ).toEqual(['conversation.read', 'conversation.seen']);
    expect((await get('alice')).read_by).toEqual([receipt]);
    expect((await get('alice')).seq).toBe(read.seq);
    await pause(100);
    expect(types(dave)).toEqual(['ready']);
  });

  it('keeps one receipt per reader, in the order of participant_keys, and moves it only past what others wrote', async () => {
    const server = await start();
    const { send, markRead, get } = await group(server);
    await send('alice');
    await markRead('carol');
    await markRead('bob');
    expect((await get('alice')).read_by!.map((r) => r.reader_key)).toEqual(['bob', 'carol']);

    fx.now += 60_000;
    const next = await send('alice');
    const moved = await markRead('carol');
    expect(moved.read_by).toEqual([
      expect.objectContaining({ reader_key: 'bob' }),
      { reader_key: 'carol', message_sid: next.sid, message_seq: next.seq, read_at: fx.now / 1000 },
    ]);

    // Nothing new, or only what carol wrote herself: nobody is told anything.
    const before = server.backend.stats().seq;
    expect(await markRead('carol')).toEqual(moved);
    await send('carol');
    const own = server.backend.stats().seq;
    expect((await markRead('carol')).read_by).toEqual(moved.read_by);
    expect(server.backend.stats().seq).toBe(own);
    expect(own).toBe(before + 2); // the message and its conversation.updated
  });

  it('with receipt: false clears unread but tells nobody; a later read with receipts catches up', async () => {
    const server = await start();
    const { context, send, markRead, get } = await group(server);
    const alice = await stream(server, { context, key: 'alice' });
    const sent = await send('alice');
    const quiet = await markRead('bob', false);
    expect(quiet.unread_count).toBe(0);
    expect(quiet.read_by).toEqual([]);
    await pause(100);
    expect(types(alice)).not.toContain('conversation.seen');

    // Nothing unread any more, but bob's receipt is behind what alice wrote: it moves now.
    const told = await markRead('bob', true);
    const seen = await alice.waitFor(isSeen('bob'));
    expect(seen.json.data.receipt).toMatchObject({ message_sid: sent.sid });
    expect((await get('alice')).read_by).toEqual(told.read_by);
  });

  it('gives no receipt in a conversation without a message', async () => {
    const server = await start();
    const { markRead } = await group(server);
    const before = server.backend.stats().seq;
    expect((await markRead('bob')).read_by).toEqual([]);
    expect(server.backend.stats().seq).toBe(before);
  });

  it('tells a removed member nothing after removal, and leaves its receipt out of read_by', async () => {
    const server = await start();
    const { context, conv, send, markRead, get } = await group(server);
    await send('alice');
    await markRead('carol');
    const carol = await stream(server, { context, key: 'carol' });
    await call(server.url, { context, key: 'alice' }, 'conversation.set', {
      sid: conv.sid,
      participant_keys: ['alice', 'bob', 'dave'],
    });
    await carol.waitFor((f) => f.json.type === 'conversation.updated');
    await send('alice');
    await markRead('bob');
    expect((await get('alice')).read_by!.map((r) => r.reader_key)).toEqual(['bob']);
    await pause(100);
    expect(types(carol)).toEqual(['ready', 'conversation.updated']);
  });

  it('replays conversation.seen after Last-Event-ID', async () => {
    const server = await start();
    const { context, send, markRead } = await group(server);
    const first = await stream(server, { context, key: 'alice' });
    const sent = await send('alice');
    const echo = await first.waitFor(
      (f) => f.json.type === 'conversation.updated' && f.json.data.last_message === sent.content,
    );
    first.close();
    const read = await markRead('bob');
    const again = await stream(server, { context, key: 'alice' }, echo.id);
    const seen = await again.waitFor(isSeen('bob'));
    expect(seen.json.data.seq).toBe(read.seq);
    expect(types(again)).toEqual(['ready', 'conversation.seen']);
  });

  it('keeps receipts across a restart', async () => {
    const dir = tempDir();
    fx.defer(dir.remove);
    const first = await start({ dataDir: dir.path, fsync: false });
    const { context, conv, send, markRead } = await group(first);
    await send('alice');
    const read = await markRead('bob');
    await first.close();

    const second = await start({ dataDir: dir.path, fsync: false });
    const view = await call<Conversation>(
      second.url,
      { context, key: 'alice' },
      'conversation.get',
      { sid: conv.sid },
    );
    expect(view.read_by).toEqual(read.read_by);
    expect(view.seq).toBe(read.seq);
  });
});

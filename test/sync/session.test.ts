import { findRow, rowAt, rowSlice } from '../../src/sync/rows.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcErrorCode, type ChatMessage, type ServerEvent } from '../../src/protocol/index.ts';
import { CommunicationError, type StreamStatus } from '../../src/sdk/index.ts';
import {
  legacyOutboxKey,
  makeChatSession,
  outboxKey,
  type SessionOptions,
} from '../../src/sync/index.ts';
import { createFakeClient } from '../support/fake-client.ts';
import { chatMessage, waitingSend } from '../support/messages.ts';
import { mapStorage } from '../support/fake-storage.ts';
import { row, testEnvironment } from '../support/session-env.ts';

const settle = () => vi.advanceTimersByTimeAsync(0);
/** Lets the answer just given be merged, within the current task: no timer (no next task) runs. */
const withinTask = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
const connected: StreamStatus = { state: 'connected', heartbeatMs: 15_000 };
const reconnecting: StreamStatus = {
  state: 'reconnecting',
  at: 60_000,
  attempt: 1,
  reason: 'stream ended',
};
const ready: ServerEvent = { type: 'ready', data: { cursor: 'e:5', heartbeat_ms: 15_000 } };
const fromAlice = (seq: number, sid = 'c1'): ChatMessage => ({
  ...chatMessage(seq),
  conversation_sid: sid,
});

function start(options: Partial<SessionOptions> = {}) {
  const client = createFakeClient();
  const world = testEnvironment();
  const session = makeChatSession({ client, environment: world.env, ...options });
  const sub = client.subscription;
  const methods = () => client.calls.map((c) => c.method);
  const state = () => session.status().state;
  /** A connection: `connecting` (from the subscription's position), `connected`, `ready`. */
  const connect = async () => {
    sub.status({ state: 'connecting', attempt: 0 });
    sub.status(connected);
    sub.event(ready);
    await settle();
  };
  /**
   * Connects and answers the snapshot asked for at mount, the one the connection asks for (the first
   * may have been taken before the stream was up), and the contacts.
   */
  const goLive = async (rows = [row('c1', { unread_count: 2 })]) => {
    await connect();
    client.reply('conversation.list', rows);
    await settle();
    client.reply('conversation.list', rows);
    await settle();
    client.reply('contact.list', []);
    await settle();
    sub.lastEventId = 'e:5';
  };
  return { client, world, session, sub, methods, state, connect, goLive };
}

beforeEach(() => {
  vi.useFakeTimers();
  // Failures the tests cause are logged; the units' own tests check those lines.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The newer list asked for lands: now the session is Live. */
async function newerListGoesLive(t: ReturnType<typeof start>) {
  t.client.reply('conversation.list', [row('c1'), row('c2')]);
  await settle();
  expect(t.state()).toBe('live');
}

describe('the chat session', () => {
  it('goes live only once the first snapshot landed, then fetches the contacts and resends what waits', async () => {
    const key = outboxKey('http://host', 'ctx', 'bob');
    const stored = [waitingSend({ error: 'x' })];
    const storage = new Map([[key, JSON.stringify(stored)]]);
    const t = start({
      storage: mapStorage(storage),
      outboxKey: key,
    });
    expect(t.client.transport).toBe('sse');
    await t.connect();
    expect(t.state()).toBe('connecting');
    expect(t.methods()).toEqual(['conversation.list']);
    // The list asked for at mount shows its rows, but may predate the stream: not Live on it.
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.session.loaded()).toBe(true);
    expect(t.state()).toBe('connecting');
    expect(t.methods()).toEqual(['conversation.list', 'contact.list', 'conversation.list']);
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.state()).toBe('live');
    expect(t.methods().sort()).toEqual([
      'contact.list',
      'conversation.list',
      'conversation.list',
      'conversation.send_message',
    ]);
    expect(t.client.pending('conversation.send_message')[0]!.params).toEqual({
      sid: 'c1',
      content: 'waiting',
      nonce: 'old',
    });
  });

  it('takes over, at the start, the unsent messages an older version kept under its key, and removes that key', () => {
    const key = outboxKey('http://host', 'ctx', 'bob');
    const legacy = legacyOutboxKey('http://host', 'ctx', 'bob');
    const stored = [waitingSend()];
    const storage = new Map([[legacy, JSON.stringify(stored)]]);
    const t = start({
      storage: mapStorage(storage),
      outboxKey: key,
      legacyOutboxKey: legacy,
    });
    expect(t.session.store.state().outbox.map((p) => p.content)).toEqual(['waiting']);
    expect([...storage.keys()]).toEqual([key]);
  });

  it('hands nothing more of a batch to a session disposed while the stream loop held it', async () => {
    // Disposed as the first message of the batch is published (the page unmounts the island then).
    let disposeOnPublish = false;
    const schedulePublish = (run: () => void) => {
      run();
      if (disposeOnPublish) t.session.dispose();
      return () => {};
    };
    const t = start({ environment: { ...testEnvironment().env, schedulePublish } });
    await t.goLive([row('c1'), row('c2')]);
    disposeOnPublish = true;
    t.sub.events(
      { type: 'chatmessage.new', data: fromAlice(6, 'c2') },
      { type: 'chatmessage.new', data: fromAlice(7, 'c2') },
    );
    await settle();
    expect(findRow(t.session.store.state().conversations, 'c2')!.last_message).toBe('text 6');
  });

  it('publishes the rows before the status says Live', async () => {
    const t = start({ environment: { ...testEnvironment().env, schedulePublish: () => () => {} } });
    await t.connect();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.state()).toBe('live');
    expect(rowSlice(t.session.store.view().conversations).map((c) => c.sid)).toEqual(['c1']);
  });

  it('merges a list snapshot in one task and renders it in the next, so neither holds the page long', async () => {
    const t = start({ environment: { ...testEnvironment().env, schedulePublish: () => () => {} } });
    await t.connect();
    t.client.reply('conversation.list', []);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    // The answer's own task: merged into the store, not yet published, not yet Live.
    await withinTask();
    expect(rowSlice(t.session.store.state().conversations).map((c) => c.sid)).toEqual(['c1']);
    expect(rowSlice(t.session.store.view().conversations)).toEqual([]);
    expect(t.state()).toBe('connecting');
    await settle();
    expect(rowSlice(t.session.store.view().conversations).map((c) => c.sid)).toEqual(['c1']);
    expect(t.state()).toBe('live');
    expect(t.session.loaded()).toBe(true);
  });

  it('is not Live on a snapshot the server said was stale between its merge and its render', async () => {
    const t = start();
    await t.connect();
    t.client.reply('conversation.list', []);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    await withinTask();
    expect(rowSlice(t.session.store.state().conversations).map((c) => c.sid)).toEqual(['c1']);
    // Before the rows render, the server says the stream lost track: that snapshot may be stale.
    t.sub.event({ type: 'resync', data: { reason: 'new epoch' } });
    await settle();
    expect(t.session.loaded()).toBe(true);
    expect(t.state()).toBe('connecting');
    await newerListGoesLive(t);
  });

  it('is not Live on a snapshot that was on its way while the stream dropped and came back: the newer one is', async () => {
    const t = start();
    await t.connect();
    // The list is on its way; the stream drops with no position and comes back.
    t.sub.status(reconnecting);
    t.sub.status({ state: 'connecting', attempt: 1 });
    t.sub.status(connected);
    t.sub.event(ready);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.session.loaded()).toBe(true);
    // Events between that list and the new stream are missing from it: not Live until the newer lands.
    expect(t.state()).toBe('connecting');
    await newerListGoesLive(t);
  });

  it('tells the other tabs at mount which chat it shows: the one opened as it was made', async () => {
    const t = start();
    const show = vi.spyOn(t.sub, 'show');
    t.session.open('c1');
    expect(show).not.toHaveBeenCalled();
    await settle();
    expect(show).toHaveBeenCalledWith('c1');
  });

  it('asks for the contacts again as it goes live again, after the server turned them down', async () => {
    const t = start();
    await t.connect();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    await newerListGoesLive(t);
    t.client.failWith(
      'contact.list',
      new CommunicationError('rpc', 'no contacts', RpcErrorCode.MethodNotFound, 200),
    );
    await settle();
    // The stream drops and resumes from its position: Live again without a new list.
    t.sub.lastEventId = 'e:5';
    t.sub.status(reconnecting);
    t.sub.status({ state: 'connecting', attempt: 1 });
    t.sub.status(connected);
    await settle();
    expect(t.state()).toBe('live');
    expect(t.methods().filter((m) => m === 'conversation.list')).toHaveLength(2);
    expect(t.client.pending('contact.list')).toHaveLength(1);
  });

  it('says it has loaded once the first list snapshot landed, and keeps saying so through an outage', async () => {
    const t = start();
    expect(t.session.loaded()).toBe(false);
    await t.connect();
    t.sub.status(reconnecting);
    await settle();
    expect(t.session.loaded()).toBe(false);
    await t.goLive([]);
    expect(t.session.loaded()).toBe(true);
    t.sub.status(reconnecting);
    await settle();
    expect(t.session.loaded()).toBe(true);
  });

  it('shows Not authorised when an RPC says the identity is unknown, and stays so', async () => {
    const t = start();
    await t.connect();
    t.client.failWith(
      'conversation.list',
      new CommunicationError('rpc', 'unknown key', RpcErrorCode.Unauthenticated, 200),
    );
    await settle();
    expect(t.state()).toBe('unauthorized');
    t.sub.end();
    await settle();
    expect(t.state()).toBe('unauthorized');
  });

  it('shows Offline, not a stale Live, when the loop ends or fails without a refusal', async () => {
    const ended = start();
    await ended.goLive();
    ended.sub.end();
    await settle();
    expect(ended.state()).toBe('offline');
    const failed = start();
    await failed.goLive();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    failed.sub.fail(new Error('bug'));
    await settle();
    expect(failed.state()).toBe('offline');
  });

  it('recovers a resumed connection by replay: no new snapshot, live again at ready', async () => {
    const t = start();
    await t.goLive();
    t.sub.status(reconnecting);
    await settle();
    expect(t.state()).toBe('reconnecting');
    await t.connect();
    expect(t.state()).toBe('live');
    expect(t.client.pending('conversation.list')).toHaveLength(0);
    t.sub.event({ type: 'chatmessage.new', data: fromAlice(6) });
    await settle();
    expect(rowAt(t.session.store.state().conversations, 0)!.last_message).toBe('text 6');
  });

  it('takes a new snapshot when a connection starts without a position, and is not live until it lands', async () => {
    const t = start();
    await t.goLive();
    t.sub.lastEventId = undefined;
    t.sub.status({ state: 'connecting', attempt: 0 });
    t.sub.status(connected);
    await settle();
    expect(t.state()).toBe('connecting');
    t.sub.event(ready);
    await settle();
    expect(t.state()).toBe('connecting');
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.state()).toBe('live');
  });

  it('asks for the list at mount, before the stream says anything, and shows it though the stream never comes up', async () => {
    const t = start();
    await withinTask();
    expect(t.methods()).toEqual(['conversation.list']);
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.session.loaded()).toBe(true);
    expect(rowSlice(t.session.store.view().conversations).map((c) => c.sid)).toEqual(['c1']);
    // Nothing from the stream yet: not Live, and nothing asked twice.
    expect(t.state()).toBe('connecting');
    expect(t.methods()).toEqual(['conversation.list', 'contact.list']);
  });

  it('fetches the open chat with the list at mount, in one run', async () => {
    const t = start();
    t.session.open('c1');
    await withinTask();
    expect(t.methods().sort()).toEqual(['conversation.list', 'conversation.list_messages']);
  });

  it('from a server without ids, refetches at every reconnect, and is Live without a ready', async () => {
    const t = start();
    const up: StreamStatus = { state: 'connected', heartbeatMs: 15_000, resumable: false };
    t.sub.status({ state: 'connecting', attempt: 0 });
    t.sub.status(up);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.state()).toBe('live');
    for (let i = 1; i <= 2; i++) {
      t.sub.status(reconnecting);
      t.sub.status({ state: 'connecting', attempt: i });
      t.sub.status(up);
      await settle();
      expect(t.state()).toBe('connecting');
      t.client.reply('conversation.list', [row('c1'), row(`c${i + 1}`)]);
      await settle();
      expect(t.state()).toBe('live');
    }
    expect(t.methods().filter((m) => m === 'conversation.list')).toHaveLength(4);
  });

  it('does not say Live after a polling outage before the new snapshot lands', async () => {
    const t = start({ transport: 'poll' });
    await t.goLive();
    t.sub.lastEventId = undefined;
    t.sub.status(reconnecting);
    t.sub.status(connected);
    await settle();
    expect(t.state()).toBe('connecting');
    t.sub.event(ready);
    await settle();
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.state()).toBe('live');
  });

  it('refetches on resync and is not live until the snapshot lands', async () => {
    const t = start();
    await t.goLive();
    t.sub.event({ type: 'resync', data: { reason: 'new epoch' } });
    await settle();
    expect(t.state()).toBe('connecting');
    expect(t.client.pending('conversation.list')).toHaveLength(1);
    t.client.reply('conversation.list', [row('c1')]);
    await settle();
    expect(t.state()).toBe('live');
  });

  it('fetches the open chat’s history when it first becomes ours (we were added to it)', async () => {
    const t = start();
    await t.goLive();
    t.session.open('c9');
    t.client.reply('conversation.list_messages', []);
    await settle();
    t.sub.event({ type: 'conversation.updated', data: row('c9', { seq: 7 }) });
    await settle();
    expect(t.client.pending('conversation.list_messages')).toHaveLength(1);
    // A later update of a row already held fetches nothing.
    t.client.reply('conversation.list_messages', [fromAlice(7, 'c9')]);
    await settle();
    t.sub.event({ type: 'conversation.updated', data: row('c9', { seq: 8 }) });
    await settle();
    expect(t.client.pending('conversation.list_messages')).toHaveLength(0);
  });

  it('opening a chat with unread messages clears them once its messages are in, and tells the server', async () => {
    const t = start();
    await t.goLive();
    t.session.open('c1');
    expect(rowAt(t.session.store.state().conversations, 0)!.unread_count).toBe(2);
    t.client.reply('conversation.list_messages', [fromAlice(1)]);
    await settle();
    // Opening the chat already open fetches nothing again.
    t.session.open('c1');
    expect(t.client.pending('conversation.list_messages')).toHaveLength(0);
    expect(rowAt(t.session.store.state().conversations, 0)!.unread_count).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(t.client.pending('conversation.mark_read').map((c) => c.params)).toEqual([
      { sid: 'c1' },
    ]);
  });

  it('marks the open chat read when someone else writes in it, not for its own messages', async () => {
    const t = start();
    await t.goLive([row('c1', { unread_count: 0 })]);
    t.session.open('c1');
    t.client.reply('conversation.list_messages', []);
    await settle();
    t.sub.event({ type: 'chatmessage.new', data: { ...fromAlice(7), sender_public_key: 'bob' } });
    t.sub.event({ type: 'conversation.updated', data: row('c1', { seq: 8, unread_count: 0 }) });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.client.pending('conversation.mark_read')).toHaveLength(0);
    t.sub.event({ type: 'chatmessage.new', data: fromAlice(9) });
    t.sub.event({ type: 'conversation.updated', data: row('c1', { seq: 10, unread_count: 1 }) });
    await settle();
    expect(rowAt(t.session.store.state().conversations, 0)!.unread_count).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(t.client.pending('conversation.mark_read')).toHaveLength(1);
  });

  it('marks the open chat read when the server counts a message unread after it arrived (its count comes second)', async () => {
    const t = start();
    await t.goLive([row('c1', { unread_count: 0 })]);
    t.session.open('c1');
    t.client.reply('conversation.list_messages', []);
    await settle();
    t.sub.event({ type: 'chatmessage.new', data: fromAlice(7) });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.client.pending('conversation.mark_read')).toHaveLength(0);
    t.sub.event({ type: 'conversation.updated', data: row('c1', { seq: 8, unread_count: 1 }) });
    await settle();
    expect(rowAt(t.session.store.state().conversations, 0)!.unread_count).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(t.client.pending('conversation.mark_read')).toHaveLength(1);
  });

  it('handles a burst queued for one publication as it does event by event: the same state, mark_read, refetch and incoming messages', async () => {
    // What the server sends for each message: the message, then its conversation with bob's unread count.
    const burst: ServerEvent[] = [];
    for (let i = 1; i <= 50; i++) {
      burst.push({ type: 'chatmessage.new', data: fromAlice(10 + 2 * i) });
      burst.push({
        type: 'conversation.updated',
        data: row('c1', { seq: 11 + 2 * i, unread_count: i, last_message: `text ${10 + 2 * i}` }),
      });
      if (i === 20) burst.push({ type: 'chatmessage.new', data: { ...fromAlice(60, 'c2') } });
      if (i === 30)
        burst.push({
          type: 'conversation.updated',
          data: row('c1', { seq: 100, participant_keys: ['alice', 'carol'] }),
        });
      if (i === 31) burst.push({ type: 'conversation.updated', data: row('c1', { seq: 101 }) });
    }
    const run = async (schedulePublish: (run: () => void) => () => void) => {
      const t = start({ environment: { ...testEnvironment().env, schedulePublish } });
      await t.goLive([row('c1', { unread_count: 0 }), row('c2')]);
      t.session.open('c1');
      t.client.reply('conversation.list_messages', [fromAlice(5)]);
      await settle();
      const incoming: string[] = [];
      t.session.onIncoming((m) => incoming.push(m.sid));
      // How many messages the open chat had when the store's watchers last heard it change.
      const seen: number[] = [];
      let heard = 0;
      t.session.store.watch((next) => (heard = next.open!.messages.length));
      for (const event of burst) {
        t.sub.event(event);
        await settle();
        seen.push(heard);
      }
      const state = t.session.store.state();
      const calls = t.client.calls.map((c) => [c.method, c.params]);
      await vi.advanceTimersByTimeAsync(300);
      return {
        t,
        state,
        calls,
        later: t.client.calls.map((c) => [c.method, c.params]),
        incoming,
        seen,
      };
    };
    const eachAtOnce = await run((publish) => {
      publish();
      return () => {};
    });
    const queued: (() => void)[] = [];
    const batched = await run((publish) => {
      queued.push(publish);
      return () => {};
    });
    // Batched, nothing was appended until asked (the refetch of c1, made visible again, asked once).
    expect(batched.seen.filter((n, i) => n !== batched.seen[i - 1]).length).toBeLessThan(4);
    expect(eachAtOnce.seen.at(-1)).toBe(51);
    expect(batched.state).toEqual(eachAtOnce.state);
    expect(batched.calls).toEqual(eachAtOnce.calls);
    expect(batched.later).toEqual(eachAtOnce.later);
    expect(batched.later.filter(([method]) => method === 'conversation.mark_read')).toEqual([
      ['conversation.mark_read', { sid: 'c1' }],
    ]);
    expect(
      batched.later.filter(([method]) => method === 'conversation.list_messages'),
    ).toHaveLength(2);
    expect(batched.incoming).toEqual(eachAtOnce.incoming);
    // The open chat, in view, is read: the server's count of it is cleared as it comes.
    expect(findRow(batched.state.conversations, 'c1')!.unread_count).toBe(0);
    queued.splice(0).forEach((publish) => publish());
    expect(batched.t.session.store.view()).toBe(batched.t.session.store.state());
  });

  it('marks the chat opened while hidden as read when the page becomes visible, and retries the stream at once', async () => {
    const t = start({ markReadDelayMs: 300 });
    await t.goLive();
    t.world.setVisible(false);
    t.session.open('c1');
    t.client.reply('conversation.list_messages', []);
    await vi.advanceTimersByTimeAsync(1000);
    expect(rowAt(t.session.store.state().conversations, 0)!.unread_count).toBe(2);
    expect(t.sub.retries).toBe(0);
    t.world.setVisible(true);
    expect(t.sub.retries).toBe(1);
    expect(rowAt(t.session.store.state().conversations, 0)!.unread_count).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(t.client.pending('conversation.mark_read')).toHaveLength(1);
  });

  it('while the stream waits to reconnect, a successful RPC or a user action retries it at once', async () => {
    const t = start();
    await t.goLive();
    t.session.open('c1');
    t.client.reply('conversation.list_messages', []);
    await settle();
    expect(t.sub.retries).toBe(0);
    t.sub.status(reconnecting);
    await settle();
    t.session.send('hello');
    expect(t.sub.retries).toBe(1);
    await settle();
    t.client.reply('conversation.send_message', {
      ...fromAlice(6),
      sender_public_key: 'bob',
      nonce: 'n1',
      content: 'hello',
    });
    await settle();
    expect(t.sub.retries).toBe(2);
    t.session.retryNow();
    expect(t.sub.retries).toBe(3);
  });

  it('a successful RPC also ends the wait of a failed snapshot', async () => {
    const t = start();
    await t.goLive();
    t.session.open('c1');
    t.client.reply('conversation.list_messages', []);
    await settle();
    t.session.send('hello');
    await settle();
    t.sub.event({ type: 'resync', data: { reason: 'new epoch' } });
    await settle();
    t.client.failWith('conversation.list', new CommunicationError('network', 'fetch failed'));
    // The snapshot waits for both its answers before it waits to try again.
    t.client.reply('conversation.list_messages', []);
    await settle();
    expect(t.client.pending('conversation.list')).toHaveLength(0);
    t.client.reply('conversation.send_message', {
      ...fromAlice(6),
      sender_public_key: 'bob',
      nonce: 'n1',
      content: 'hello',
    });
    await settle();
    expect(t.client.pending('conversation.list')).toHaveLength(1);
  });

  it('retryNow also ends the wait of a failed snapshot', async () => {
    const t = start();
    await t.goLive();
    t.sub.event({ type: 'resync', data: { reason: 'new epoch' } });
    await settle();
    t.client.failWith('conversation.list', new CommunicationError('network', 'fetch failed'));
    await settle();
    t.session.retryNow();
    expect(t.client.pending('conversation.list')).toHaveLength(1);
  });

  it('polls with the open chat from the store when the transport is poll', async () => {
    const t = start({ transport: 'poll' });
    expect(t.client.transport).toBe('poll');
    t.session.open('c3');
    expect(t.sub.options!.openChat!()).toBe('c3');
  });

  it('loads older messages below the first one shown', async () => {
    const t = start({ pageSize: 2 });
    await t.goLive();
    t.session.open('c1');
    t.client.reply('conversation.list_messages', [fromAlice(5), fromAlice(6)]);
    await settle();
    const older = t.session.loadOlder();
    await settle();
    expect(t.client.pending('conversation.list_messages')[0]!.params).toEqual({
      sid: 'c1',
      before_seq: 5,
      limit: 2,
    });
    t.client.reply('conversation.list_messages', [fromAlice(4)]);
    await older;
    expect(t.session.store.state().open).toMatchObject({ hasOlder: false });
    expect(t.session.store.state().open!.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
    await t.session.loadOlder();
    expect(t.client.pending('conversation.list_messages')).toHaveLength(0);
  });

  it('from a server without seq, loads older messages as a longer page of the newest, up to 200', async () => {
    const t = start({ pageSize: 2 });
    await t.goLive();
    t.session.open('c1');
    const bare = (n: number): ChatMessage => {
      const { seq: _seq, ...m } = fromAlice(n);
      return m;
    };
    t.client.reply('conversation.list_messages', [bare(5), bare(6)]);
    await settle();
    expect(t.session.store.state().open).toMatchObject({ hasOlder: true });
    const older = t.session.loadOlder();
    await settle();
    expect(t.client.pending('conversation.list_messages')[0]!.params).toEqual({
      sid: 'c1',
      limit: 4,
    });
    t.client.reply('conversation.list_messages', [bare(3), bare(4), bare(5), bare(6)]);
    await older;
    expect(t.session.store.state().open!.messages.map((m) => m.sid)).toEqual([
      'm3',
      'm4',
      'm5',
      'm6',
    ]);
    expect(t.session.store.state().open).toMatchObject({ hasOlder: true });
  });

  it('reuses a direct chat with the same person and creates a group otherwise', async () => {
    const t = start();
    await t.goLive([row('dm', { participant_keys: ['alice', 'bob'] })]);
    await expect(t.session.startConversation(['alice'])).resolves.toBe('dm');
    const group = t.session.startConversation(['alice', 'carol'], ' Crew ');
    await settle();
    expect(t.client.pending('conversation.set')[0]!.params).toEqual({
      participant_keys: ['bob', 'alice', 'carol'],
      name: 'Crew',
    });
    t.client.reply(
      'conversation.set',
      row('g1', { name: 'Crew', participant_keys: ['bob', 'alice', 'carol'], seq: 9 }),
    );
    await expect(group).resolves.toBe('g1');
    expect(rowSlice(t.session.store.state().conversations).map((c) => c.sid)).toContain('g1');
  });

  it('stops everything on dispose: the stream, every timer and retry, the visibility listener, the outbox', async () => {
    const key = outboxKey('http://host', 'ctx', 'bob');
    let writes = 0;
    const t = start({
      storage: {
        getItem: () => null,
        setItem: () => void writes++,
        removeItem: () => void writes++,
      },
      outboxKey: key,
    });
    await t.connect();
    t.client.reply('conversation.list', [row('c1', { unread_count: 2 })]);
    await settle();
    t.client.reply('conversation.list', [row('c1', { unread_count: 2 })]);
    await settle();
    // Each part has something waiting: a contacts retry, a snapshot retry, a mark_read.
    t.client.failWith('contact.list', new CommunicationError('network', 'fetch failed'));
    t.session.open('c1');
    t.client.reply('conversation.list_messages', []);
    t.sub.event({ type: 'resync', data: { reason: 'new epoch' } });
    await settle();
    t.client.failWith('conversation.list', new CommunicationError('network', 'fetch failed'));
    // The snapshot waits for both its answers before it waits to try again.
    t.client.reply('conversation.list_messages', []);
    await settle();
    expect(vi.getTimerCount()).toBe(3);
    t.session.dispose();
    expect(t.sub.options!.signal.aborted).toBe(true);
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    t.world.setVisible(true);
    expect(t.sub.retries).toBe(0);
    t.session.send('after the end');
    expect(writes).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(t.client.pending('conversation.list')).toHaveLength(0);
  });
});

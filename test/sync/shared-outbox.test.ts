import { rowAt } from '../../src/sync/rows.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../src/protocol/index.ts';
import { CommunicationError, type StreamStatus } from '../../src/sdk/index.ts';
import {
  makeChatSession,
  outboxKey,
  type ChatSession,
  type PendingSend,
  type Schedule,
} from '../../src/sync/index.ts';
import { loadOutbox, SEND_GRACE_MS } from '../../src/sync/outbox.ts';
import { createFakeClient, type FakeClient } from '../support/fake-client.ts';
import { shareFakeStream } from '../support/fake-leadership.ts';
import { createFakeOrigin, type FakeOrigin } from '../support/fake-storage.ts';
import { row, testEnvironment } from '../support/session-env.ts';
import { settle, useFakeClock } from '../support/clock.ts';
import { spyOnConsole } from '../support/console.ts';
import { echo, waitingSend } from '../support/messages.ts';

// One owner for the outbox's side effects across the tabs of one identity.

const KEY = outboxKey('http://host', 'ctx', 'bob');
const connected: StreamStatus = { state: 'connected', heartbeatMs: 15_000 };

interface Tab {
  name: string;
  client: FakeClient;
  session: ChatSession;
  lead(leading: boolean): void;
  /** The outbox as this tab shows it. */
  outbox(): Pick<PendingSend, 'content' | 'state' | 'failure'>[];
  /** The stream (re)connects and the snapshot lands: the tab turns Live. */
  goLive(): Promise<void>;
  /** The stream drops. */
  drop(): Promise<void>;
}

let origin: FakeOrigin;
const open: Tab[] = [];

/** A tab of bob's in the same browser (one `localStorage`), leading the shared stream or not. */
/** `t` sends `text`, and the network fails it: a failed message waiting in the outbox. */
async function failedSend(t: Tab, text: string): Promise<void> {
  t.session.send(text);
  await settle();
  t.client.failWith('conversation.send_message', new CommunicationError('network', 'fetch failed'));
  await settle();
}

function tab(
  name: string,
  leading: boolean,
  options: { shared?: boolean; schedulePublish?: Schedule } = {},
): Tab {
  const client = createFakeClient();
  const { lead } = options.shared === false ? { lead: () => {} } : shareFakeStream(client, leading);
  const { storage, events } = origin.tab();
  let nonces = 0;
  const { env } = testEnvironment({
    storageEvents: events,
    newNonce: () => `${name}${++nonces}`,
    ...(options.schedulePublish ? { schedulePublish: options.schedulePublish } : {}),
  });
  const session = makeChatSession({
    client,
    environment: env,
    storage,
    outboxKey: KEY,
    tabId: name,
  });
  session.open('c1');
  const sub = client.subscription;
  const t: Tab = {
    name,
    client,
    session,
    lead,
    outbox: () =>
      session.store.view().outbox.map((p) => ({
        content: p.content,
        state: p.state,
        ...(p.failure ? { failure: p.failure } : {}),
      })),
    async goLive() {
      sub.status({ state: 'connecting', attempt: 0 });
      sub.status(connected);
      sub.event({ type: 'ready', data: { cursor: 'e:5', heartbeat_ms: 15_000 } });
      await settle();
      // The chat opened at the start may still be on its way: the list comes after it.
      for (let round = 0; round < 3; round++) {
        for (const call of client.pending('conversation.list')) call.resolve([row('c1')]);
        for (const call of client.pending('conversation.list_messages')) call.resolve([]);
        for (const call of client.pending('contact.list')) call.resolve([]);
        await settle();
      }
      expect(session.status().state).toBe('live');
    },
    async drop() {
      sub.status({
        state: 'reconnecting',
        at: Date.now() + 1000,
        attempt: 1,
        reason: 'stream ended',
      });
      await settle();
    },
  };
  open.push(t);
  return t;
}

/** The contents of the sends in storage now, as a tab reading it would find them. */
const storedContents = () => loadOutbox(origin.tab().storage, KEY).map((p) => p.content);

/** Every send_message RPC of these tabs, as `tab:content`. */
const sends = (...tabs: Tab[]) =>
  tabs.flatMap((t) =>
    t.client.calls
      .filter((c) => c.method === 'conversation.send_message')
      .map((c) => `${t.name}:${(c.params as { content: string }).content}`),
  );

beforeEach(() => {
  useFakeClock(1_700_000_000_000);
  spyOnConsole('warn');
  origin = createFakeOrigin();
});
afterEach(() => {
  for (const t of open.splice(0)) t.session.dispose();
});

describe('the outbox shared by the tabs of one identity', () => {
  it('sends a message once, from the tab it was written in, though the leader flushes meanwhile', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    await b.drop();
    a.session.send('hello');
    await settle();
    // Pending in every tab.
    expect(b.outbox()).toEqual([{ content: 'hello', state: 'sending' }]);
    await b.goLive();
    await settle();
    expect(sends(a, b)).toEqual(['a:hello']);
    a.client.reply('conversation.send_message', echo('a1', 'hello'));
    await settle();
    expect(a.outbox()).toEqual([]);
    expect(b.outbox()).toEqual([]);
    expect(storedContents()).toEqual([]);
    expect(sends(a, b)).toEqual(['a:hello']);
  });

  it('does not flush a send the leader has not heard of yet (written a moment ago in another tab)', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    a.session.send('hello');
    // The leader turns Live before the storage event reaches it.
    await b.goLive();
    await settle();
    expect(sends(a, b)).toEqual(['a:hello']);
  });

  it('shows a failed send in every tab, and only the leader resends it after the reconnect', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    await b.goLive();
    await failedSend(a, 'hello');
    expect(a.outbox()).toEqual([
      { content: 'hello', state: 'failed', failure: { why: 'unreachable' } },
    ]);
    expect(b.outbox()).toEqual([
      { content: 'hello', state: 'failed', failure: { why: 'unreachable' } },
    ]);

    await a.drop();
    await b.drop();
    await a.goLive();
    await b.goLive();
    await settle();
    expect(sends(a, b)).toEqual(['a:hello', 'b:hello']);
    expect(b.client.pending('conversation.send_message')[0]!.params).toMatchObject({ nonce: 'a1' });
    // The leader's try shows in the follower too, once the storage event of its write arrives (the
    // leader flushed in a timer task, so the fake timers put that event a millisecond later).
    await vi.advanceTimersByTimeAsync(1);
    expect(a.outbox()).toEqual([{ content: 'hello', state: 'sending' }]);
    b.client.reply('conversation.send_message', echo('a1', 'hello'));
    await settle();
    expect(a.outbox()).toEqual([]);
    expect(b.outbox()).toEqual([]);
  });

  it("writes what a burst still held queued (an echo confirming a send) before it merges another tab's write", async () => {
    // Publications wait (a burst in progress): the echo stays queued in the store.
    const a = tab('a', false, { shared: false, schedulePublish: () => () => {} });
    const b = tab('b', true, { shared: false });
    await a.goLive();
    await b.goLive();
    a.session.send('hello');
    await settle();
    const echoed = echo('a1', 'hello');
    a.client.subscription.event({ type: 'chatmessage.new', data: echoed });
    await settle();
    // Another tab writes the outbox before a's next publication.
    b.session.send('other');
    await vi.advanceTimersByTimeAsync(1);
    const pending = a.session.store.state().outbox.map((p) => p.content);
    expect(pending).toEqual(['other']);
    expect(storedContents()).toEqual(['other']);
  });

  it('keeps a follower from flushing until it takes the lead', async () => {
    const stored = [waitingSend({ failure: { why: 'closed' } })];
    origin.items.set(KEY, JSON.stringify(stored));
    const a = tab('a', false);
    await a.goLive();
    expect(sends(a)).toEqual([]);
    a.lead(true);
    await settle();
    expect(sends(a)).toEqual(['a:waiting']);
  });

  it('sends a message left behind by a closed tab once, from the leader, after the grace', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    await b.goLive();
    a.session.send('hello');
    await settle();
    // Tab a closes mid-send: its try is cut off, its entry stays `sending` in storage.
    a.session.dispose();
    expect(b.outbox()).toEqual([{ content: 'hello', state: 'sending' }]);
    await vi.advanceTimersByTimeAsync(SEND_GRACE_MS - 1000);
    expect(sends(b)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sends(b)).toEqual(['b:hello']);
    b.client.reply('conversation.send_message', echo('a1', 'hello'));
    await settle();
    expect(b.outbox()).toEqual([]);
    await vi.advanceTimersByTimeAsync(SEND_GRACE_MS * 2);
    expect(sends(b)).toEqual(['b:hello']);
  });

  it('shows a send left behind as failed in a tab that does not flush, for the person to retry', async () => {
    const a = tab('a', false);
    const b = tab('b', false);
    await a.goLive();
    a.session.send('hello');
    await settle();
    a.session.dispose();
    await vi.advanceTimersByTimeAsync(SEND_GRACE_MS);
    expect(b.outbox()).toEqual([{ content: 'hello', state: 'failed', failure: { why: 'closed' } }]);
    expect(sends(b)).toEqual([]);
  });

  it('leaves a Retry alone when another tab has just started sending the message', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    await b.goLive();
    await failedSend(a, 'hello');
    // Both people's clicks land before either tab hears of the other's.
    b.session.retry('a1');
    a.session.retry('a1');
    await settle();
    expect(sends(a, b)).toEqual(['a:hello', 'b:hello']);
    expect(a.outbox()).toEqual([{ content: 'hello', state: 'sending' }]);
  });

  it('flushes in each tab that has its own stream, each taking only what no tab is sending', async () => {
    const stored = [waitingSend({ failure: { why: 'closed' } })];
    origin.items.set(KEY, JSON.stringify(stored));
    const a = tab('a', false, { shared: false });
    const b = tab('b', false, { shared: false });
    await a.goLive();
    await b.goLive();
    await settle();
    expect(sends(a, b)).toEqual(['a:waiting']);
    expect(b.outbox()).toEqual([{ content: 'waiting', state: 'sending' }]);
  });

  it('drops what another tab wrote that makes no sense, with a warning, and keeps going', async () => {
    const a = tab('a', true);
    await a.goLive();
    await failedSend(a, 'hello');
    origin.write(KEY, '{oops');
    await settle();
    expect(a.outbox()).toEqual([
      { content: 'hello', state: 'failed', failure: { why: 'unreachable' } },
    ]);
    const other = {
      nonce: 'z',
      conversation_sid: 'c1',
      content: 'from elsewhere',
      created_at: Date.now(),
      state: 'failed',
      failure: { why: 'closed' },
    };
    origin.write(KEY, JSON.stringify({ sends: [other, { nonce: 7 }, null], done: [] }));
    await settle();
    // Its own message, which the other tab left out, stays (and is written back).
    expect(a.outbox()).toEqual([
      { content: 'from elsewhere', state: 'failed', failure: { why: 'closed' } },
      { content: 'hello', state: 'failed', failure: { why: 'unreachable' } },
    ]);
    expect(console.warn).toHaveBeenCalledWith(
      '[hero-messaging] the stored outbox is not an outbox; ignored',
    );
    expect(console.warn).toHaveBeenCalledWith('[hero-messaging] dropped a corrupt outbox entry');
    // Still sending and saving.
    a.session.send('again');
    await settle();
    expect(sends(a)).toEqual(['a:hello', 'a:again']);
    expect(storedContents()).toEqual(['from elsewhere', 'hello', 'again']);
  });

  it('keeps a failed message when another tab clears storage, writes it back, and the leader sends it once', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    await b.goLive();
    await failedSend(a, 'hello');
    origin.clear();
    await settle();
    const failed = [{ content: 'hello', state: 'failed', failure: { why: 'unreachable' } }];
    expect(a.outbox()).toEqual(failed);
    expect(b.outbox()).toEqual(failed);
    expect(storedContents()).toEqual(['hello']);
    await a.drop();
    await b.drop();
    await a.goLive();
    await b.goLive();
    await settle();
    expect(sends(a, b)).toEqual(['a:hello', 'b:hello']);
    b.client.reply('conversation.send_message', echo('a1', 'hello'));
    await settle();
    expect(a.outbox()).toEqual([]);
    expect(storedContents()).toEqual([]);
  });

  it('keeps a failed message when another tab clears storage and a third writes the outbox at once', async () => {
    const a = tab('a', true);
    const c = tab('c', false);
    await a.goLive();
    await failedSend(a, 'hello');
    // Before any tab hears of the clear, c writes the outbox as it finds it: without a's message.
    origin.clear();
    c.session.send('other');
    await settle();
    expect(a.outbox().map((p) => p.content)).toEqual(['hello', 'other']);
    expect(c.outbox().map((p) => p.content)).toEqual(['hello', 'other']);
    expect(storedContents()).toEqual(['hello', 'other']);
  });

  it('takes a message discarded in another tab away in every tab, and no tab writes it back', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    await a.goLive();
    await b.goLive();
    await failedSend(a, 'hello');
    b.session.discard('a1');
    await settle();
    expect(a.outbox()).toEqual([]);
    expect(b.outbox()).toEqual([]);
    a.session.send('next');
    await settle();
    expect(storedContents()).toEqual(['next']);
    expect(b.outbox().map((p) => p.content)).toEqual(['next']);
  });

  it('marks at once a message storage cannot keep, drops nothing stored to make room, and unmarks it once stored', async () => {
    const a = tab('a', true);
    await a.goLive();
    await failedSend(a, 'stored');
    origin.full = true;
    a.session.send('not stored');
    const unsaved = () =>
      a.session.store
        .bubbles()
        .filter((b) => b.status !== 'sent')
        .map((b) => [b.content, b.unsaved ?? false]);
    // Before its send has an answer.
    expect(unsaved()).toEqual([
      ['stored', false],
      ['not stored', true],
    ]);
    await settle();
    a.client.failWith(
      'conversation.send_message',
      new CommunicationError('network', 'fetch failed'),
    );
    await settle();
    expect(unsaved()).toEqual([
      ['stored', false],
      ['not stored', true],
    ]);
    expect(storedContents()).toEqual(['stored']);
    expect(console.warn).toHaveBeenCalledWith(
      expect.stringContaining('[hero-messaging] cannot save the outbox: '),
    );
    // Another tab makes room: the next write stores it.
    origin.full = false;
    origin.write('something else', 'x');
    await settle();
    expect(unsaved()).toEqual([
      ['stored', false],
      ['not stored', false],
    ]);
    expect(storedContents()).toEqual(['stored', 'not stored']);
    expect(origin.items.get(KEY)).not.toContain('unsaved');
  });

  it('stops listening to the other tabs once disposed', async () => {
    const a = tab('a', true);
    const b = tab('b', false);
    b.session.dispose();
    a.session.send('hello');
    await settle();
    expect(b.outbox()).toEqual([]);
  });
});

describe('messages for side effects once per person', () => {
  const fromAlice: ChatMessage = {
    ...echo('x', 'Are you there?', 11),
    sender_public_key: 'alice',
    nonce: undefined,
  };

  it('reach the leader only, and never for the person’s own messages', async () => {
    const a = tab('a', false);
    const b = tab('b', true);
    const heard = { a: [] as string[], b: [] as string[] };
    a.session.onIncoming((m) => heard.a.push(m.content));
    b.session.onIncoming((m) => heard.b.push(m.content));
    for (const t of [a, b]) {
      t.client.subscription.event({ type: 'chatmessage.new', data: fromAlice });
      t.client.subscription.event({ type: 'chatmessage.new', data: echo('n', 'mine', 12) });
    }
    await settle();
    expect(heard).toEqual({ a: [], b: ['Are you there?'] });
  });

  it('reach a tab with its own stream, and stop when it is disposed or the listener is removed', async () => {
    const a = tab('a', false, { shared: false });
    const heard: string[] = [];
    const stop = a.session.onIncoming((m) => heard.push(m.content));
    a.client.subscription.event({ type: 'chatmessage.new', data: fromAlice });
    await settle();
    expect(heard).toEqual(['Are you there?']);
    stop();
    a.client.subscription.event({
      type: 'chatmessage.new',
      data: { ...fromAlice, sid: 'm12', seq: 12 },
    });
    await settle();
    expect(heard).toEqual(['Are you there?']);
  });

  it('keep the stream going when a listener throws', async () => {
    spyOnConsole('error');
    const a = tab('a', false, { shared: false });
    a.session.onIncoming(() => {
      throw new Error('bug');
    });
    await a.goLive();
    a.client.subscription.event({ type: 'chatmessage.new', data: fromAlice });
    await settle();
    expect(a.session.status().state).toBe('live');
    expect(rowAt(a.session.store.view().conversations, 0)!.last_message).toBe('Are you there?');
  });
});

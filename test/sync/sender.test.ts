import { beforeEach, describe, expect, it } from 'vitest';
import { RpcErrorCode } from '../../src/protocol/index.ts';
import { CommunicationError } from '../../src/sdk/index.ts';
import { applyEvent } from '../../src/sync/merge.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import {
  outboxKey,
  OUTBOX_MAX_AGE_MS,
  parseOutbox,
  type StoredOutbox,
} from '../../src/sync/outbox.ts';
import { makeSender } from '../../src/sync/sender.ts';
import { initialState, type PendingSend } from '../../src/sync/state.ts';
import { settle, useFakeClock } from '../support/clock.ts';
import { createUnitWorld } from '../support/unit-world.ts';
import { echo } from '../support/messages.ts';

const KEY = outboxKey('http://host', 'ctx', 'bob');

function setup(stored: PendingSend[] = [], withKey = true) {
  const { client, store, controller, parts } = createUnitWorld(
    openChat(initialState('bob', stored), 'c1'),
  );
  const storage = new Map<string, string>();
  let writes = 0;
  const sender = makeSender({
    ...parts,
    storage: {
      getItem: (k) => storage.get(k) ?? null,
      setItem: (k, v) => void (writes++, storage.set(k, v)),
      removeItem: (k) => void storage.delete(k),
    },
    outboxKey: withKey ? KEY : undefined,
  });
  const outbox = () =>
    store.state().outbox.map((p) => ({
      nonce: p.nonce,
      state: p.state,
      failure: p.failure,
      retryable: p.retryable,
    }));
  const saved = () =>
    storage.has(KEY)
      ? (JSON.parse(storage.get(KEY)!) as StoredOutbox).sends.map((p) => p.content)
      : undefined;
  return { client, store, controller, sender, outbox, saved, storage, writes: () => writes };
}

beforeEach(() => useFakeClock(1_700_000_000_000));

describe('the sender', () => {
  it.each([
    [undefined, 'hi', 'no-chat'],
    ['c1', '   ', 'empty'],
    ['c1', 'x'.repeat(4001), 'too-long'],
  ])('refuses a message it cannot send, with a reason (chat %s)', (sid, text, error) => {
    const { client, sender, outbox } = setup();
    expect(sender.send(sid, text)).toEqual({ ok: false, error });
    expect(client.calls).toHaveLength(0);
    expect(outbox()).toEqual([]);
  });

  it('shows a send at once, trimmed, and drops it from the outbox when the server confirms it', async () => {
    const { client, store, sender, outbox } = setup();
    expect(sender.send('c1', '  hello  ')).toEqual({ ok: true });
    expect(store.state().outbox).toMatchObject([
      { nonce: 'n1', content: 'hello', state: 'sending', created_at: 1_700_000_000_000 },
    ]);
    await settle();
    expect(client.pending('conversation.send_message')[0]!.params).toEqual({
      sid: 'c1',
      content: 'hello',
      nonce: 'n1',
    });
    client.reply('conversation.send_message', echo('n1', 'hello'));
    await settle();
    expect(outbox()).toEqual([]);
    expect(store.state().open!.messages.map((m) => m.content)).toEqual(['hello']);
  });

  it('does not send a message discarded before its turn', async () => {
    const { client, sender } = setup();
    sender.send('c1', 'one');
    sender.send('c1', 'two');
    sender.discard('n2');
    await settle();
    client.reply('conversation.send_message', echo('n1', 'one', 10));
    await settle();
    expect(client.calls.map((c) => (c.params as { content: string }).content)).toEqual(['one']);
  });

  it('sends one at a time, in the order written', async () => {
    const { client, sender } = setup();
    sender.send('c1', 'one');
    sender.send('c1', 'two');
    await settle();
    expect(
      client
        .pending('conversation.send_message')
        .map((c) => (c.params as { content: string }).content),
    ).toEqual(['one']);
    client.reply('conversation.send_message', echo('n1', 'one', 10));
    await settle();
    expect(
      client
        .pending('conversation.send_message')
        .map((c) => (c.params as { content: string }).content),
    ).toEqual(['two']);
  });

  it('marks a failed send with its reason; network trouble may be retried, a refusal not', async () => {
    const { client, sender, outbox, storage } = setup();
    sender.send('c1', 'one');
    sender.send('c1', 'two');
    await settle();
    client.failWith('conversation.send_message', new CommunicationError('network', 'fetch failed'));
    await settle();
    client.failWith(
      'conversation.send_message',
      new CommunicationError('rpc', 'no such chat', RpcErrorCode.NotFound, 200),
    );
    await settle();
    expect(outbox()).toEqual([
      { nonce: 'n1', state: 'failed', failure: { why: 'unreachable' }, retryable: true },
      {
        nonce: 'n2',
        state: 'failed',
        failure: { why: 'refused', said: 'no such chat' },
        retryable: false,
      },
    ]);
    // Stored as `failure` (version 0.1 kept its reason in words, as `error`).
    const stored = (JSON.parse([...storage.values()][0]!) as { sends: Record<string, unknown>[] })
      .sends;
    expect(stored.map((p) => [p.failure, 'error' in p])).toEqual([
      [{ why: 'unreachable' }, false],
      [{ why: 'refused', said: 'no such chat' }, false],
    ]);
  });

  it('retries with the same nonce, and discards', async () => {
    const { client, sender, outbox } = setup();
    sender.send('c1', 'one');
    await settle();
    client.failWith('conversation.send_message', new TypeError('boom'));
    await settle();
    expect(outbox()).toEqual([
      { nonce: 'n1', state: 'failed', failure: { why: 'trouble' }, retryable: true },
    ]);
    sender.retry('n1');
    expect(outbox()[0]!.state).toBe('sending');
    await settle();
    expect(client.pending('conversation.send_message')[0]!.params).toMatchObject({ nonce: 'n1' });
    client.failWith('conversation.send_message', new TypeError('boom'));
    await settle();
    sender.discard('n1');
    expect(outbox()).toEqual([]);
  });

  it('saves the outbox on every change, whoever makes it, and remembers what is done', async () => {
    const { client, store, sender, saved, storage } = setup();
    sender.send('c1', 'one');
    sender.send('c1', 'two');
    expect(saved()).toEqual(['one', 'two']);
    await settle();
    // The echo of "one" on the stream confirms it before the reply does.
    store.update((s) => applyEvent(s, { type: 'chatmessage.new', data: echo('n1', 'one', 10) }));
    expect(saved()).toEqual(['two']);
    client.reply('conversation.send_message', echo('n1', 'one', 10));
    await settle();
    client.reply('conversation.send_message', echo('n2', 'two', 11));
    await settle();
    expect(saved()).toEqual([]);
    expect(parseOutbox(storage.get(KEY)!, Date.now())!.done.map((d) => d.nonce)).toEqual([
      'n1',
      'n2',
    ]);
  });

  it('writes storage only when the outbox changed', () => {
    const { store, sender, writes } = setup();
    sender.send('c1', 'one');
    expect(writes()).toBe(1);
    store.update((s) => ({ ...s, contacts: [{ public_key: 'alice', name: 'Alice' }] }));
    expect(writes()).toBe(1);
  });

  it('keeps nothing in storage without an outbox key, and stops saving after dispose', () => {
    const nowhere = setup([], false);
    nowhere.sender.send('c1', 'one');
    expect(nowhere.storage.size).toBe(0);
    const disposed = setup();
    disposed.sender.dispose();
    disposed.sender.send('c1', 'one');
    expect(disposed.saved()).toBeUndefined();
  });

  it('resends on its own only the failed entries that may be retried and are under a day old', async () => {
    const now = Date.now();
    const entry = (nonce: string, over: Partial<PendingSend>): PendingSend => ({
      nonce,
      conversation_sid: 'c1',
      content: nonce,
      created_at: now - 1000,
      state: 'failed',
      failure: { why: 'closed' },
      ...over,
    });
    const { client, sender } = setup([
      entry('fresh', {}),
      entry('refused', { retryable: false }),
      entry('stale', { created_at: now - OUTBOX_MAX_AGE_MS - 1 }),
      entry('busy', { state: 'sending' }),
    ]);
    sender.flushDue();
    await settle();
    expect(client.calls.map((c) => (c.params as { nonce: string }).nonce)).toEqual(['fresh']);
  });

  it('sends nothing once its signal aborted, and leaves an aborted send as it was', async () => {
    const { client, controller, sender, outbox } = setup();
    sender.send('c1', 'one');
    sender.send('c1', 'two');
    await settle();
    controller.abort();
    client.failWith('conversation.send_message', new CommunicationError('aborted', 'aborted'));
    await settle();
    expect(client.calls).toHaveLength(1);
    expect(outbox().map((p) => p.state)).toEqual(['sending', 'sending']);
  });
});

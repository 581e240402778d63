import { rowAt, rowSlice } from '../../src/sync/rows.ts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcErrorCode } from '../../src/protocol/index.ts';
import { CommunicationError } from '../../src/sdk/index.ts';
import { applyEvent } from '../../src/sync/merge.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import { makeSnapshotter } from '../../src/sync/snapshotter.ts';
import { initialState } from '../../src/sync/state.ts';
import { chatMessage } from '../support/messages.ts';
import { row } from '../support/session-env.ts';
import { settle, useFakeClock } from '../support/clock.ts';
import { spyOnConsole } from '../support/console.ts';
import { createUnitWorld } from '../support/unit-world.ts';

const rpcError = (code: number) => new CommunicationError('rpc', `${code} refused`, code, 200);
const networkError = () => new CommunicationError('network', 'fetch failed');

function setup(open?: string) {
  const { client, store, controller, parts } = createUnitWorld(openChat(initialState('bob'), open));
  const taken: { list: boolean; sid: string | undefined }[] = [];
  const onRefused = vi.fn();
  const retryAt: number[] = [];
  const snapshotter = makeSnapshotter({
    ...parts,
    pageSize: 2,
    onTaken: (t) => taken.push(t),
    onRefused,
    onRetryAt: (at) => retryAt.push(at),
  });
  return { client, store, controller, taken, onRefused, retryAt, snapshotter };
}

let warn: ReturnType<typeof spyOnConsole>;
beforeEach(() => {
  useFakeClock();
  warn = spyOnConsole('warn');
});

describe('the snapshotter', () => {
  it('fetches the list and the open chat’s newest page, replaces both and says what it took', async () => {
    const { client, store, taken, snapshotter } = setup('c1');
    snapshotter.request(true);
    expect(client.pending('conversation.list_messages')[0]!.params).toEqual({
      sid: 'c1',
      limit: 2,
    });
    client.reply('conversation.list', [row('c1')]);
    client.reply('conversation.list_messages', [chatMessage(1), chatMessage(2)]);
    await settle();
    expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1']);
    expect(store.state().open).toMatchObject({ sid: 'c1', loaded: true, hasOlder: true });
    expect(store.state().open!.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(taken).toEqual([{ list: true, sid: 'c1' }]);
  });

  it('fetches only the chat when the list is not asked for, and only the list when no chat is open', async () => {
    const chat = setup('c1');
    chat.snapshotter.request(false);
    expect(chat.client.calls.map((c) => c.method)).toEqual(['conversation.list_messages']);
    chat.client.reply('conversation.list_messages', [chatMessage(1)]);
    await settle();
    expect(chat.store.state().open).toMatchObject({ loaded: true, hasOlder: false });
    const list = setup();
    list.snapshotter.request(true);
    expect(list.client.calls.map((c) => c.method)).toEqual(['conversation.list']);
  });

  it('runs one snapshot at a time and folds the requests made meanwhile into one more', async () => {
    const { client, taken, snapshotter } = setup();
    snapshotter.request(true);
    snapshotter.request(true);
    snapshotter.request(true);
    expect(client.pending('conversation.list')).toHaveLength(1);
    client.reply('conversation.list', []);
    await settle();
    expect(client.pending('conversation.list')).toHaveLength(1);
    client.reply('conversation.list', []);
    await settle();
    expect(client.calls).toHaveLength(2);
    expect(taken).toHaveLength(2);
  });

  it('applies the events that arrived while it was in flight on top of it', async () => {
    const { client, store, snapshotter } = setup('c1');
    snapshotter.request(true);
    // A message the snapshot does not hold yet reaches the stream while it is in flight.
    const event = { type: 'chatmessage.new', data: chatMessage(3) } as const;
    store.update((s) => applyEvent(s, event));
    snapshotter.observe(event);
    client.reply('conversation.list', [row('c1', { seq: 2 })]);
    client.reply('conversation.list_messages', [chatMessage(1), chatMessage(2)]);
    await settle();
    expect(store.state().open!.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(rowAt(store.state().conversations, 0)!.seq).toBe(3);
  });

  it('shows the first part of the first list at once, the events meanwhile on top, until the whole list replaces it', async () => {
    const { client, store, taken, snapshotter } = setup('c1');
    snapshotter.request(true);
    const event = { type: 'chatmessage.new', data: chatMessage(3) } as const;
    store.update((s) => applyEvent(s, event));
    snapshotter.observe(event);
    const call = client.pending('conversation.list')[0]!;
    call.onFirst!([
      row('c1', { seq: 2, unread_count: 1 }),
      row('c2', { unread_count: 2 }),
    ] as never);
    expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1', 'c2']);
    // The message that came meanwhile is on top of the first part too.
    expect(rowAt(store.state().conversations, 0)!.seq).toBe(3);
    expect(taken).toEqual([]);
    client.reply('conversation.list', [row('c1', { seq: 2 }), row('c2'), row('c3')]);
    client.reply('conversation.list_messages', [chatMessage(1), chatMessage(2)]);
    await settle();
    expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1', 'c2', 'c3']);
    expect(rowAt(store.state().conversations, 0)!.seq).toBe(3);
    expect(taken).toEqual([{ list: true, sid: 'c1' }]);
  });

  it('shows its list when the chat page fails (its first part too), then tries only the chat again', async () => {
    const { client, store, taken, retryAt, snapshotter } = setup('c1');
    snapshotter.request(true);
    const call = client.pending('conversation.list')[0]!;
    client.failWith('conversation.list_messages', networkError());
    await settle();
    // No other run starts while this one still waits for its list.
    expect(client.pending('conversation.list')).toEqual([call]);
    call.onFirst!([row('c1')] as never);
    expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1']);
    client.reply('conversation.list', [row('c1'), row('c2')]);
    await settle();
    expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1', 'c2']);
    expect(taken).toEqual([{ list: true, sid: undefined }]);
    expect(snapshotter.listWanted).toBe(false);
    // The list is in: a chat page tried again is no wait to tell the person about.
    expect(retryAt).toEqual([0]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.pending('conversation.list_messages')).toHaveLength(1);
    expect(client.pending('conversation.list')).toHaveLength(0);
  });

  it('shows the open chat’s page when the list fails, and tries the list again', async () => {
    const { client, store, taken, retryAt, snapshotter } = setup('c1');
    snapshotter.request(true);
    client.failWith('conversation.list', networkError());
    client.reply('conversation.list_messages', [chatMessage(1), chatMessage(2)]);
    await settle();
    expect(store.state().open).toMatchObject({ sid: 'c1', loaded: true });
    expect(store.state().open!.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(taken).toEqual([{ list: false, sid: 'c1' }]);
    expect(snapshotter.listWanted).toBe(true);
    expect(retryAt).toEqual([0, Date.now() + 500]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.pending('conversation.list')).toHaveLength(1);
  });

  it('never puts a first part in place of a list that has landed', async () => {
    const { client, store, snapshotter } = setup();
    snapshotter.request(true);
    client.reply('conversation.list', [row('c1'), row('c2'), row('c3')]);
    await settle();
    snapshotter.request(true);
    client.pending('conversation.list')[0]!.onFirst!([row('c9')] as never);
    expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1', 'c2', 'c3']);
  });

  it('retries a failed snapshot after the backoff delay, and says why and when', async () => {
    const { client, taken, retryAt, snapshotter } = setup();
    snapshotter.request(true);
    client.failWith('conversation.list', networkError());
    await settle();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('snapshot failed, retrying in 500 ms: fetch failed'),
    );
    expect(snapshotter.waiting).toBe(true);
    expect(retryAt).toEqual([0, Date.now() + 500]);
    await vi.advanceTimersByTimeAsync(499);
    expect(client.pending('conversation.list')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    // The wait is over: a try is under way.
    expect(retryAt.at(-1)).toBe(0);
    client.reply('conversation.list', []);
    await settle();
    expect(taken).toEqual([{ list: true, sid: undefined }]);
    expect(snapshotter.waiting).toBe(false);
    // A success starts the backoff over.
    snapshotter.request(true);
    client.failWith('conversation.list', networkError());
    await settle();
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('retrying in 500 ms'));
  });

  it('tries again at once on retryNow', async () => {
    const { client, snapshotter } = setup();
    snapshotter.request(true);
    client.failWith('conversation.list', networkError());
    await settle();
    snapshotter.retryNow();
    expect(client.pending('conversation.list')).toHaveLength(1);
  });

  it('stops when the server refuses the identity, and retries nothing', async () => {
    const { client, onRefused, snapshotter } = setup();
    snapshotter.request(true);
    client.failWith('conversation.list', rpcError(RpcErrorCode.Unauthenticated));
    await settle();
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(snapshotter.waiting).toBe(false);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(client.calls).toHaveLength(1);
  });

  it.each([
    ['not a participant', RpcErrorCode.NotParticipant],
    ['not found', RpcErrorCode.NotFound],
  ])(
    'closes an open chat that is gone (%s) and keeps the list that came with it',
    async (_name, code) => {
      const { client, store, snapshotter } = setup('gone');
      snapshotter.request(true);
      client.failWith('conversation.list_messages', rpcError(code));
      client.reply('conversation.list', [row('c1')]);
      await settle();
      expect(store.state().open).toBeUndefined();
      // The list that came with it is kept at once, not fetched again.
      expect(rowSlice(store.state().conversations).map((c) => c.sid)).toEqual(['c1']);
      expect(snapshotter.listWanted).toBe(false);
      await vi.advanceTimersByTimeAsync(500);
      expect(client.pending('conversation.list')).toHaveLength(0);
      expect(client.pending('conversation.list_messages')).toHaveLength(0);
    },
  );

  it('keeps a chat opened meanwhile when the one that failed is gone', async () => {
    const { client, store, snapshotter } = setup('gone');
    snapshotter.request(false);
    store.update((s) => openChat(s, 'other'));
    client.failWith('conversation.list_messages', rpcError(RpcErrorCode.NotFound));
    await settle();
    expect(store.state().open?.sid).toBe('other');
  });

  it('neither retries nor complains after its signal aborts, nor after dispose', async () => {
    const aborted = setup();
    aborted.snapshotter.request(true);
    aborted.controller.abort();
    aborted.client.failWith('conversation.list', networkError());
    await settle();
    expect(aborted.snapshotter.waiting).toBe(false);
    expect(warn).not.toHaveBeenCalled();
    const disposed = setup();
    disposed.snapshotter.request(true);
    disposed.client.failWith('conversation.list', networkError());
    await settle();
    disposed.snapshotter.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(disposed.client.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

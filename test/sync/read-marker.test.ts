import { findRow, putRow } from '../../src/sync/rows.ts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcErrorCode } from '../../src/protocol/index.ts';
import { CommunicationError } from '../../src/sdk/index.ts';
import { openChat } from '../../src/sync/open-chat.ts';
import { applySnapshot } from '../../src/sync/snapshot.ts';
import { makeReadMarker } from '../../src/sync/read-marker.ts';
import { initialState } from '../../src/sync/state.ts';
import { row } from '../support/session-env.ts';
import { settle, useFakeClock } from '../support/clock.ts';
import { spyOnConsole } from '../support/console.ts';
import { createUnitWorld } from '../support/unit-world.ts';

function setup(unread = 3) {
  const initial = applySnapshot(initialState('bob'), {
    conversations: [row('c1', { unread_count: unread }), row('c2', { unread_count: 2 })],
  });
  const world = createUnitWorld(openChat(initial, 'c1'));
  const { client, store, controller } = world;
  const marker = makeReadMarker({ ...world.parts, delayMs: 300 });
  const unreadOf = (sid: string) => findRow(store.state().conversations, sid)!.unread_count;
  return { client, store, marker, unreadOf, world, controller };
}

let warn: ReturnType<typeof spyOnConsole>;
beforeEach(() => {
  useFakeClock();
  warn = spyOnConsole('warn');
});

describe('the read marker', () => {
  it('clears the open chat’s unread count at once and makes one mark_read for a burst, after the delay', async () => {
    const { client, marker, unreadOf } = setup();
    marker.soon();
    expect(unreadOf('c1')).toBe(0);
    expect(unreadOf('c2')).toBe(2);
    await vi.advanceTimersByTimeAsync(299);
    expect(client.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.calls.map((c) => c.params)).toEqual([{ sid: 'c1' }]);
  });

  it('waits while a burst goes on: one call for many messages', async () => {
    const { client, store, marker } = setup();
    marker.soon();
    await vi.advanceTimersByTimeAsync(100);
    store.update((s) => ({
      ...s,
      conversations: putRow(s.conversations, {
        ...findRow(s.conversations, 'c1')!,
        unread_count: 1,
      }),
    }));
    marker.soon();
    await vi.advanceTimersByTimeAsync(1000);
    expect(client.calls).toHaveLength(1);
  });

  it('does nothing while the page is hidden', async () => {
    const { client, marker, unreadOf, world } = setup();
    world.setVisible(false);
    marker.soon();
    await vi.advanceTimersByTimeAsync(1000);
    expect(unreadOf('c1')).toBe(3);
    expect(client.calls).toHaveLength(0);
  });

  it('does nothing without an open chat, an unknown one, or nothing unread', async () => {
    for (const open of [undefined, 'unknown']) {
      const { client, store, marker } = setup();
      store.update((s) => openChat(s, open));
      marker.soon();
      await vi.advanceTimersByTimeAsync(1000);
      expect(client.calls).toHaveLength(0);
    }
    const read = setup(0);
    read.marker.soon();
    await vi.advanceTimersByTimeAsync(1000);
    expect(read.client.calls).toHaveLength(0);
  });

  it('marks the chat it cleared, even when the person left it before the call went out', async () => {
    const { client, store, marker, unreadOf } = setup();
    marker.soon();
    store.update((s) => openChat(s, 'c2'));
    await vi.advanceTimersByTimeAsync(300);
    // c2 was never shown as read here: it is not marked on the server behind the person's back.
    expect(client.calls.map((c) => c.params)).toEqual([{ sid: 'c1' }]);
    expect(unreadOf('c2')).toBe(2);
    const closed = setup();
    closed.marker.soon();
    closed.store.update((s) => openChat(s, undefined));
    await vi.advanceTimersByTimeAsync(300);
    expect(closed.client.calls.map((c) => c.params)).toEqual([{ sid: 'c1' }]);
  });

  it('retries a failed mark_read with backoff while the chat stays open, saying so once', async () => {
    const { client, store, marker } = setup();
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('mark_read failed, retrying in 500 ms: fetch failed'),
    );
    await vi.advanceTimersByTimeAsync(500);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    expect(warn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    client.reply('conversation.mark_read', {});
    await settle();
    expect(client.calls).toHaveLength(3);
    // After a success, a new failure is said again, with the shortest delay.
    store.update((s) => ({
      ...s,
      conversations: putRow(s.conversations, {
        ...findRow(s.conversations, 'c1')!,
        unread_count: 1,
      }),
    }));
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('retrying in 500 ms'));
  });

  it('keeps one retry waiting however many calls fail meanwhile', async () => {
    const { client, store, marker } = setup();
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    // A retry waits 500 ms; a new message meanwhile makes its own call, which fails too.
    store.update((s) => ({
      ...s,
      conversations: putRow(s.conversations, {
        ...findRow(s.conversations, 'c1')!,
        unread_count: 1,
      }),
    }));
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    // The second failure's wait (1000 ms) replaced the first's: nothing goes out at the first's time.
    await vi.advanceTimersByTimeAsync(900);
    expect(client.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(client.calls).toHaveLength(3);
  });

  it('gives up a retry when the chat was left meanwhile', async () => {
    const { client, store, marker } = setup();
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    store.update((s) => openChat(s, 'c2'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.calls).toHaveLength(1);
  });

  it('keeps retrying the open chat when a chat left meanwhile fails after it', async () => {
    const { client, store, marker } = setup();
    marker.soon();
    store.update((s) => openChat(s, 'c2'));
    marker.soon();
    store.update((s) => openChat(s, 'c1'));
    await vi.advanceTimersByTimeAsync(300);
    expect(client.calls.map((c) => c.params)).toEqual([{ sid: 'c1' }, { sid: 'c2' }]);
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    client.failWith('conversation.mark_read', new CommunicationError('network', 'fetch failed'));
    await settle();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.calls.slice(2).map((c) => c.params)).toEqual([{ sid: 'c1' }]);
  });

  it('logs a refusal with its reason and does not retry it', async () => {
    const { client, marker } = setup();
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith(
      'conversation.mark_read',
      new CommunicationError('rpc', 'not a participant', RpcErrorCode.NotParticipant, 200),
    );
    await settle();
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('mark_read refused: not a participant'),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.calls).toHaveLength(1);
  });

  it('leaves no timer after dispose, and says nothing about a call its signal aborted', async () => {
    const pending = setup();
    pending.marker.soon();
    pending.marker.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(pending.client.calls).toHaveLength(0);
    const aborted = setup();
    aborted.marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    aborted.controller.abort();
    aborted.client.failWith('conversation.mark_read', new CommunicationError('aborted', 'aborted'));
    await settle();
    aborted.marker.dispose();
    expect(warn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('asks a server without mark_read (-32601) once, says so once, and keeps clearing chats here', async () => {
    const info = spyOnConsole('info');
    const { client, store, marker, unreadOf } = setup();
    marker.soon();
    await vi.advanceTimersByTimeAsync(300);
    client.failWith(
      'conversation.mark_read',
      new CommunicationError('rpc', '-32601 method not found', RpcErrorCode.MethodNotFound, 200),
    );
    await settle();
    expect(info).toHaveBeenCalledTimes(1);
    // More unread arrives in the open chat, and the reader sees it.
    store.update((s) => ({
      ...s,
      conversations: putRow(s.conversations, {
        ...findRow(s.conversations, 'c1')!,
        unread_count: 2,
      }),
    }));
    marker.soon();
    expect(unreadOf('c1')).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.calls.filter((c) => c.method === 'conversation.mark_read')).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseOutbox, SEND_GRACE_MS } from '../../src/sync/outbox.ts';
import { mergeStored } from '../../src/sync/shared-outbox.ts';
import type { PendingSend } from '../../src/sync/state.ts';

const NOW = 1_700_000_000_000;
const entry = (nonce: string, over: Partial<PendingSend> = {}): PendingSend => ({
  nonce,
  conversation_sid: 'c1',
  content: nonce,
  created_at: NOW - 5000,
  state: 'failed',
  failure: { why: 'unreachable' },
  ...over,
});

afterEach(() => vi.restoreAllMocks());

describe('reading the stored outbox', () => {
  it('counts a send as being sent only while its try is under the grace, and reads older or ownerless ones as failed', () => {
    const text = JSON.stringify([
      entry('running', { state: 'sending', owner: 'a', since: NOW - SEND_GRACE_MS + 1, failure: undefined }),
      entry('left', { state: 'sending', owner: 'a', since: NOW - SEND_GRACE_MS, failure: undefined }),
      entry('old-format', { state: 'sending', failure: undefined }),
      entry('refused', { retryable: false, failure: { why: 'refused', said: 'no such chat' } }),
    ]);
    expect(parseOutbox(text, NOW)!.map((p) => [p.nonce, p.state, p.owner, p.failure, p.retryable])).toEqual([
      ['running', 'sending', 'a', undefined, undefined],
      ['left', 'failed', undefined, { why: 'closed' }, undefined],
      ['old-format', 'failed', undefined, { why: 'closed' }, undefined],
      ['refused', 'failed', undefined, { why: 'refused', said: 'no such chat' }, false],
    ]);
  });

  it('keeps an entry whose reason it cannot read without the reason, and one stored by version 0.1 (its reason in words, as `error`)', () => {
    const { failure, ...kept } = entry('words');
    expect(failure).toBeDefined();
    for (const unreadable of ['the server could not be reached', { why: 'refused' }, { why: 'bored' }, 7]) {
      expect(parseOutbox(JSON.stringify([{ ...kept, failure: unreadable, retryable: true }]), NOW)).toEqual([{ ...kept, retryable: true }]);
    }
    expect(parseOutbox(JSON.stringify([{ ...kept, error: 'the server could not be reached', retryable: true }]), NOW)).toEqual([{ ...kept, retryable: true }]);
  });

  it('drops a corrupt entry with a warning and answers undefined for text that is not a list', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(parseOutbox(JSON.stringify([entry('ok'), { nonce: 'x' }]), NOW)!.map((p) => p.nonce)).toEqual(['ok']);
    expect(warn).toHaveBeenCalledWith('[hero-messaging] dropped a corrupt outbox entry');
    expect(parseOutbox('{"a":1}', NOW)).toBeUndefined();
    expect(parseOutbox('nope', NOW)).toBeUndefined();
    expect(parseOutbox(null, NOW)).toEqual([]);
  });
});

describe('merging what other tabs stored', () => {
  it('takes what storage says, but keeps this tab’s own tries, stored or not', () => {
    const mine = entry('m', { state: 'sending', owner: 'me', since: NOW, failure: undefined });
    const unsaved = entry('u', { state: 'sending', owner: 'me', since: NOW, failure: undefined });
    const theirs = entry('t');
    const merged = mergeStored([mine, unsaved, entry('gone')], [{ ...mine, state: 'failed', owner: undefined }, theirs], 'me');
    expect(merged).toEqual([mine, theirs, unsaved]);
    expect(merged[0]).toBe(mine);
  });

  it('keeps the objects of unchanged entries, and the same list when nothing changed', () => {
    const local = [entry('a'), entry('b')];
    expect(mergeStored(local, local.map((p) => ({ ...p })), 'me')).toBe(local);
    const merged = mergeStored(local, [{ ...local[0]! }, { ...local[1]!, failure: { why: 'trouble' } }], 'me');
    expect(merged[0]).toBe(local[0]);
    expect(merged[1]).toEqual({ ...local[1], failure: { why: 'trouble' } });
  });
});

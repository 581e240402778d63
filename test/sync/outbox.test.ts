import { describe, expect, it } from 'vitest';
import {
  adoptOutbox,
  DONE_KEPT,
  DONE_KEPT_MS,
  legacyOutboxKey,
  outboxKey,
  parseOutbox,
  SEND_GRACE_MS,
  updateOutbox,
} from '../../src/sync/outbox.ts';
import { mergeStored } from '../../src/sync/shared-outbox.ts';
import type { PendingSend } from '../../src/sync/state.ts';
import { spyOnConsole } from '../support/console.ts';

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

describe('reading the stored outbox', () => {
  it('counts a send as being sent only while its try is under the grace, and reads older or ownerless ones as failed', () => {
    const text = JSON.stringify([
      entry('running', {
        state: 'sending',
        owner: 'a',
        since: NOW - SEND_GRACE_MS + 1,
        failure: undefined,
      }),
      entry('left', {
        state: 'sending',
        owner: 'a',
        since: NOW - SEND_GRACE_MS,
        failure: undefined,
      }),
      entry('old-format', { state: 'sending', failure: undefined }),
      entry('refused', { retryable: false, failure: { why: 'refused', said: 'no such chat' } }),
    ]);
    expect(
      parseOutbox(text, NOW)!.sends.map((p) => [p.nonce, p.state, p.owner, p.failure, p.retryable]),
    ).toEqual([
      ['running', 'sending', 'a', undefined, undefined],
      ['left', 'failed', undefined, { why: 'closed' }, undefined],
      ['old-format', 'failed', undefined, { why: 'closed' }, undefined],
      ['refused', 'failed', undefined, { why: 'refused', said: 'no such chat' }, false],
    ]);
  });

  it('keeps an entry whose reason it cannot read without the reason, and one stored by version 0.1 (its reason in words, as `error`)', () => {
    const { failure, ...kept } = entry('words');
    expect(failure).toBeDefined();
    for (const unreadable of [
      'the server could not be reached',
      { why: 'refused' },
      { why: 'bored' },
      7,
    ]) {
      expect(
        parseOutbox(JSON.stringify([{ ...kept, failure: unreadable, retryable: true }]), NOW)!
          .sends,
      ).toEqual([{ ...kept, retryable: true }]);
    }
    expect(
      parseOutbox(
        JSON.stringify([{ ...kept, error: 'the server could not be reached', retryable: true }]),
        NOW,
      )!.sends,
    ).toEqual([{ ...kept, retryable: true }]);
  });

  it('drops a corrupt entry with a warning and answers undefined for text that is not an outbox', () => {
    const warn = spyOnConsole('warn');
    expect(
      parseOutbox(JSON.stringify([entry('ok'), { nonce: 'x' }]), NOW)!.sends.map((p) => p.nonce),
    ).toEqual(['ok']);
    expect(warn).toHaveBeenCalledWith('[hero-messaging] dropped a corrupt outbox entry');
    for (const text of ['{"a":1}', '{"sends":[],"done":7}', 'nope', 'null'])
      expect(parseOutbox(text, NOW)).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      '[hero-messaging] the stored outbox is not an outbox; ignored',
    );
    expect(parseOutbox(null, NOW)).toEqual({ sends: [], done: [] });
  });

  it('reads the sends and what is done, and leaves out a send that is done; a mark it cannot read is dropped', () => {
    const text = JSON.stringify({
      sends: [entry('a'), entry('b')],
      done: [{ nonce: 'b', at: NOW }, { nonce: 7 }, null],
    });
    expect(parseOutbox(text, NOW)).toEqual({
      sends: [entry('a')],
      done: [{ nonce: 'b', at: NOW }],
    });
  });
});

/** A `Storage` over a Map; `full` makes every write throw as a full localStorage does. */
function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  const storage = {
    map,
    full: false,
    getItem: (k: string) => map.get(k) ?? null,
    setItem(k: string, value: string) {
      if (storage.full) throw new DOMException('quota', 'QuotaExceededError');
      map.set(k, value);
    },
    removeItem: (k: string) => void map.delete(k),
  };
  return storage;
}

describe('writing the stored outbox', () => {
  const KEY = outboxKey('https://a.test', 'ctx', 'pk');

  it('keeps the sends and what is done, forgets marks older than a day or beyond the newest hundred, and removes the key once empty', () => {
    const storage = memoryStorage();
    const old = { nonce: 'old', at: NOW - DONE_KEPT_MS };
    const many = Array.from({ length: DONE_KEPT + 1 }, (_, i) => ({
      nonce: `d${i}`,
      at: NOW - 1000 + i,
    }));
    expect(
      updateOutbox(storage, KEY, NOW, () => ({ sends: [entry('a')], done: [old, ...many] }))?.sends,
    ).toEqual([entry('a')]);
    const stored = parseOutbox(storage.map.get(KEY)!, NOW)!;
    expect(stored.sends).toEqual([entry('a')]);
    expect(stored.done).toEqual(many.slice(1));
    updateOutbox(storage, KEY, NOW + DONE_KEPT_MS, () => ({ sends: [], done: stored.done }));
    expect(storage.map.has(KEY)).toBe(false);
  });

  it("never writes an entry's unsaved mark", () => {
    const storage = memoryStorage();
    updateOutbox(storage, KEY, NOW, () => ({
      sends: [{ ...entry('a'), unsaved: true }],
      done: [],
    }));
    expect(storage.map.get(KEY)).not.toContain('unsaved');
  });

  it('answers what stays stored when storage refuses the write: all that was there, nothing dropped to make room', () => {
    const warn = spyOnConsole('warn');
    const storage = memoryStorage();
    updateOutbox(storage, KEY, NOW, () => ({ sends: [entry('a')], done: [] }));
    const before = storage.map.get(KEY);
    storage.full = true;
    expect(
      updateOutbox(storage, KEY, NOW, (s) => ({ ...s, sends: [...s.sends, entry('b')] }))?.sends,
    ).toEqual([entry('a')]);
    expect(storage.map.get(KEY)).toBe(before);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('[hero-messaging] cannot save the outbox: '),
    );
  });

  it('moves what an older version stored into the outbox, less what is done there, then removes the old key', () => {
    const legacy = legacyOutboxKey('https://a.test', 'ctx', 'pk');
    expect(legacy).toBe('hero-messaging:outbox:["https://a.test","ctx","pk"]');
    const storage = memoryStorage({
      [legacy]: JSON.stringify([entry('old'), entry('done')]),
      [KEY]: JSON.stringify({ sends: [entry('new')], done: [{ nonce: 'done', at: NOW }] }),
    });
    adoptOutbox(storage, legacy, KEY, NOW);
    expect(parseOutbox(storage.map.get(KEY)!, NOW)!.sends.map((p) => p.nonce)).toEqual([
      'new',
      'old',
    ]);
    expect(storage.map.has(legacy)).toBe(false);
  });

  it('leaves the old key as it is when the move cannot be stored', () => {
    spyOnConsole('warn');
    const legacy = legacyOutboxKey('https://a.test', 'ctx', 'pk');
    const storage = memoryStorage({ [legacy]: JSON.stringify([entry('old')]) });
    storage.full = true;
    adoptOutbox(storage, legacy, KEY, NOW);
    expect(storage.map.get(legacy)).toBe(JSON.stringify([entry('old')]));
    expect(storage.map.has(KEY)).toBe(false);
  });

  it('answers undefined, and writes nothing, without a storage that can be read', () => {
    expect(
      updateOutbox(undefined, KEY, NOW, () => ({ sends: [entry('a')], done: [] })),
    ).toBeUndefined();
  });
});

describe('merging what other tabs stored', () => {
  const stored = (sends: PendingSend[], done: string[] = []) => ({
    sends,
    done: done.map((nonce) => ({ nonce, at: NOW })),
  });

  it('takes what storage says, but keeps this tab’s own tries', () => {
    const mine = entry('m', { state: 'sending', owner: 'me', since: NOW, failure: undefined });
    const theirs = entry('t');
    const merged = mergeStored(
      [mine],
      stored([{ ...mine, state: 'failed', owner: undefined }, theirs]),
      'me',
    );
    expect(merged).toEqual([mine, theirs]);
    expect(merged[0]).toBe(mine);
  });

  it('keeps, in the order written, every send it holds that storage lacks, unless storage says it is done', () => {
    const first = entry('first', { created_at: NOW - 3000 });
    const sending = entry('sending', {
      state: 'sending',
      owner: 'me',
      since: NOW,
      failure: undefined,
      created_at: NOW - 2000,
    });
    const theirs = entry('theirs', { created_at: NOW - 1000 });
    const confirmed = entry('confirmed');
    expect(mergeStored([first, sending, confirmed], stored([theirs], ['confirmed']), 'me')).toEqual(
      [first, sending, theirs],
    );
    // Storage cleared: nothing is done, everything is kept.
    const local = [first, theirs];
    expect(mergeStored(local, stored([]), 'me')).toBe(local);
  });

  it('keeps the objects of unchanged entries, and the same list when nothing changed', () => {
    const local = [entry('a'), entry('b')];
    expect(mergeStored(local, stored(local.map((p) => ({ ...p }))), 'me')).toBe(local);
    const merged = mergeStored(
      local,
      stored([{ ...local[0]! }, { ...local[1]!, failure: { why: 'trouble' } }]),
      'me',
    );
    expect(merged[0]).toBe(local[0]);
    expect(merged[1]).toEqual({ ...local[1], failure: { why: 'trouble' } });
  });
});

// @vitest-environment node
import { createEffect, createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createDrafts, DRAFT_MAX, draftKey, loadDraft, saveDraft } from '../../src/sync/drafts.ts';
import { LIMITS } from '../../src/protocol/index.ts';
import { outboxKey } from '../../src/sync/outbox.ts';
import { spyOnConsole } from '../support/console.ts';

/** A `Storage` over a Map, counting its reads. */
function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  let reads = 0;
  return {
    map,
    get reads() {
      return reads;
    },
    getItem: (k: string) => (reads++, map.get(k) ?? null),
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('draft storage', () => {
  it('keys a draft per origin, context, key and chat, beside the outbox of the same identity', () => {
    const key = draftKey('https://a.test', 'ctx', 'pk', 's1');
    expect(key).toBe('hero-messaging:draft:["https://a.test","ctx","pk","s1"]');
    expect(outboxKey('https://a.test', 'ctx', 'pk')).toBe(
      'hero-messaging:outbox:v2:["https://a.test","ctx","pk"]',
    );
    expect(
      new Set([
        key,
        draftKey('https://b.test', 'ctx', 'pk', 's1'),
        draftKey('https://a.test', 'ctx', 'pk2', 's1'),
        draftKey('https://a.test', 'ctx', 'pk', 's2'),
      ]).size,
    ).toBe(4);
    // No separator trick makes two identities share a key.
    expect(draftKey('a', 'b","c', 'd', 'e')).not.toBe(draftKey('a', 'b', 'c","d', 'e'));
  });

  it('saves a draft as JSON and reads it back; whitespace only removes it', () => {
    const storage = memoryStorage();
    saveDraft(storage, 'k', '  two\nlines ');
    expect(storage.map.get('k')).toBe(JSON.stringify({ text: '  two\nlines ' }));
    expect(loadDraft(storage, 'k')).toBe('  two\nlines ');
    saveDraft(storage, 'k', ' \n\t');
    expect(storage.map.has('k')).toBe(false);
    expect(loadDraft(storage, 'k')).toBe('');
  });

  it('reads bad JSON, a wrong shape or a refusing storage as no draft, with a warning, and never throws', () => {
    const warn = spyOnConsole('warn');
    const storage = memoryStorage({
      a: '{oops',
      b: '"just a string"',
      c: JSON.stringify({ text: ['x'] }),
      d: 'null',
    });
    for (const key of ['a', 'b', 'c', 'd']) expect(loadDraft(storage, key)).toBe('');
    expect(warn).toHaveBeenCalledTimes(4);
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(loadDraft(refusing, 'k')).toBe('');
    expect(() => saveDraft(refusing, 'k', 'text')).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(6);
    expect(loadDraft(undefined, 'k')).toBe('');
    expect(warn).toHaveBeenCalledTimes(6);
  });
});

describe('a draft far over the content limit', () => {
  it('holds the content limit and a margin', () => {
    expect(DRAFT_MAX).toBe(LIMITS.contentMax + 1000);
  });

  it('is cut when read, with a warning, never inside a surrogate pair; storage keeps it whole until it changes', () => {
    const warn = spyOnConsole('warn');
    const huge = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    const emoji = `${'x'.repeat(DRAFT_MAX - 1)}😀 and more`;
    const storage = memoryStorage({
      a: JSON.stringify({ text: huge }),
      b: JSON.stringify({ text: emoji }),
      c: JSON.stringify({ text: 'x'.repeat(DRAFT_MAX) }),
    });
    expect(loadDraft(storage, 'a')).toBe(huge.slice(0, DRAFT_MAX));
    expect(warn).toHaveBeenCalledWith(
      `[hero-messaging] a stored draft of ${huge.length} characters was cut to ${DRAFT_MAX}`,
    );
    expect(loadDraft(storage, 'b')).toBe('x'.repeat(DRAFT_MAX - 1));
    expect(loadDraft(storage, 'c')).toHaveLength(DRAFT_MAX);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(JSON.parse(storage.map.get('a')!)).toEqual({ text: huge });
  });

  it('is cut when set, in memory and in storage', () => {
    const storage = memoryStorage();
    createRoot((dispose) => {
      const drafts = createDrafts(storage, (sid) => `k:${sid}`);
      drafts.set('s1', 'y'.repeat(DRAFT_MAX + 10));
      expect(drafts.get('s1')).toHaveLength(DRAFT_MAX);
      expect((JSON.parse(storage.map.get('k:s1')!) as { text: string }).text).toHaveLength(
        DRAFT_MAX,
      );
      dispose();
    });
  });
});

describe('createDrafts', () => {
  it('reads each chat from storage once, then answers from memory, reactively', () => {
    const storage = memoryStorage({
      [draftKey('o', 'c', 'me', 's1')]: JSON.stringify({ text: 'kept' }),
    });
    createRoot((dispose) => {
      const drafts = createDrafts(storage, (sid) => draftKey('o', 'c', 'me', sid));
      expect(drafts.get('s1')).toBe('kept');
      expect(drafts.get('s1')).toBe('kept');
      expect(drafts.get('s2')).toBe('');
      expect(storage.reads).toBe(2);
      dispose();
    });
  });

  it('updates a reader of one chat when its draft changes, and keeps whitespace in memory but not in storage', () => {
    const storage = memoryStorage();
    const seen: string[] = [];
    const drafts = createRoot((dispose) => {
      const d = createDrafts(storage, (sid) => `k:${sid}`);
      createEffect(() => seen.push(d.get('s1')));
      return Object.assign(d, { dispose });
    });
    drafts.set('s1', 'h');
    drafts.set('s1', 'hi');
    drafts.set('s2', 'elsewhere');
    drafts.set('s1', ' ');
    expect(seen).toEqual(['', 'h', 'hi', ' ']);
    expect([...storage.map.keys()]).toEqual(['k:s2']);
    drafts.dispose();
  });
});

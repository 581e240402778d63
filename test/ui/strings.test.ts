import { createRoot, createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { en, makeStrings, validStrings, type Strings } from '../../src/ui/strings.ts';
import { spyOnConsole } from '../support/console.ts';

describe('the table of texts', () => {
  it('keeps a host’s texts of the right kind: strings for strings, functions for the ones that take a value', () => {
    const unread = (n: number) => `${n} ungelesen`;
    expect(validStrings({ newChat: 'Neuer Chat', unread })).toEqual({
      newChat: 'Neuer Chat',
      unread,
    });
  });

  it('reports an unknown key or a value of the wrong kind once, and ignores it', () => {
    const warn = spyOnConsole('warn');
    const input = {
      newChatt: 'typo',
      send: 42,
      unread: 'n unread',
      toString: 'x',
      live: 'Verbunden',
    };
    expect(validStrings(input)).toEqual({ live: 'Verbunden' });
    expect(validStrings(input)).toEqual({ live: 'Verbunden' });
    const lines = warn.mock.calls.map((call) => String(call[0]));
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes('"newChatt"'))).toMatch(/unknown key/);
    expect(lines.find((l) => l.includes('"send"'))).toMatch(/must be a string, not number/);
    expect(lines.find((l) => l.includes('"unread"'))).toMatch(/must be a function, not string/);
    expect(lines.find((l) => l.includes('"toString"'))).toMatch(/unknown key/);
  });

  it('reports a table that is not an object, and takes nothing from it', () => {
    const warn = spyOnConsole('warn');
    expect(validStrings('Neuer Chat')).toEqual({});
    expect(validStrings(undefined)).toEqual({});
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('shows a replacement where there is one and English elsewhere, and follows a new table', () => {
    createRoot((dispose) => {
      const [overrides, setOverrides] = createSignal<Partial<Strings>>({ newChat: 'Neuer Chat' });
      const t = makeStrings(overrides);
      expect(t.newChat).toBe('Neuer Chat');
      expect(t.send).toBe(en.send);
      expect(t.below(1)).toBe('1 message below');
      expect(t.below(3)).toBe('3 messages below');
      setOverrides({ send: 'Senden' });
      expect(t.newChat).toBe('New chat');
      expect(t.send).toBe('Senden');
      dispose();
    });
  });
});

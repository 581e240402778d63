import { fireEvent, waitFor } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { clockTime } from '../src/ui/format.ts';
import { createFakeWorld } from './support/fake-world.ts';
import { openChat, rowOf } from './support/island.ts';
import { identity, makeElement, placeElement, shadow } from './support/element.ts';
import { spyOnConsole } from './support/console.ts';

// The host's language for times, the host's texts for everything shown.

const newChat = (el: HTMLElement) =>
  shadow(el).querySelector('.hm-list-header .hm-button')?.textContent;
const rowTime = (el: HTMLElement, sid: string) =>
  rowOf(shadow(el), sid)?.querySelector('.hm-conv-time')?.textContent;

describe('<hero-messaging> in the host’s language', () => {
  it('writes times in the language of its nearest ancestor with lang, and follows its own lang', async () => {
    const world = createFakeWorld();
    const sent = world.send('alice', world.dm.sid, 'Hallo').created_at * 1000;
    const section = document.createElement('section');
    section.lang = 'de';
    document.body.append(section);
    const el = placeElement(world, identity, section);
    // Today's messages show the clock, as the language writes it: 07:05 in German, 7:05 AM in English.
    await waitFor(() => expect(rowTime(el, world.dm.sid)).toBe(clockTime(sent, 'de')));
    el.setAttribute('lang', 'en-US');
    await waitFor(() => expect(rowTime(el, world.dm.sid)).toBe(clockTime(sent, 'en-US')));
    expect(clockTime(sent, 'en-US')).not.toBe(clockTime(sent, 'de'));
    // Still the same island: the language changed without a restart.
    expect(world.server.connections).toHaveLength(1);
    // Names read in their own direction whatever the host's.
    expect(
      rowOf(shadow(el), world.dm.sid)?.querySelector('.hm-conv-title')?.getAttribute('dir'),
    ).toBe('auto');
  });

  it('falls back to the browser’s language without a lang, or with one Intl cannot use', async () => {
    const world = createFakeWorld();
    const sent = world.send('alice', world.dm.sid, 'Hello').created_at * 1000;
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-DE');
    const el = placeElement(world);
    await waitFor(() => expect(rowTime(el, world.dm.sid)).toBe(clockTime(sent, 'de-DE')));
    el.setAttribute('lang', 'xx_YY!');
    await waitFor(() => expect(rowTime(el, world.dm.sid)).toBe(clockTime(sent, 'de-DE')));
    el.setAttribute('lang', 'en');
    await waitFor(() => expect(rowTime(el, world.dm.sid)).toBe(clockTime(sent, 'en')));
  });

  it('shows a host’s texts in place of the English ones, set before or after it starts', async () => {
    const world = createFakeWorld();
    const el = makeElement(world);
    el.strings = { newChat: 'Neuer Chat' };
    document.body.append(el);
    await waitFor(() => expect(newChat(el)).toBe('Neuer Chat'));
    el.strings = { newChat: 'Neuer Chat', live: 'Verbunden', unread: (n) => `${n} ungelesen` };
    await waitFor(() =>
      expect(shadow(el).querySelector('.hm-status')?.textContent).toBe('Verbunden'),
    );
    await waitFor(() =>
      expect(
        rowOf(shadow(el), world.dm.sid)?.querySelector('.hm-badge')?.getAttribute('aria-label'),
      ).toBe('1 ungelesen'),
    );
    el.strings = {};
    await waitFor(() => expect(newChat(el)).toBe('New chat'));
    expect(el.strings).toEqual({});
  });

  it('says why a send failed in the host’s words', async () => {
    const world = createFakeWorld();
    const el = makeElement(world);
    // The world's client: its sends can be made to fail.
    el.client = world.client('bob');
    el.strings = {
      notSentWhy: (reason) => `Nicht gesendet: ${reason}.`,
      failedUnreachable: 'Server nicht erreichbar',
      retry: 'Nochmal',
      discard: 'Verwerfen',
    };
    document.body.append(el);
    await openChat(shadow(el), world.dm.sid);
    const input = await waitFor(() =>
      shadow(el).querySelector<HTMLTextAreaElement>('textarea:not(:disabled)')!,
    );
    world.failNext('conversation.send_message');
    fireEvent.input(input, { target: { value: 'hallo' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() =>
      expect(shadow(el).querySelector('.hm-failed-note')?.textContent).toBe(
        'Nicht gesendet: Server nicht erreichbar. Nochmal · Verwerfen',
      ),
    );
  });

  it('reports unknown keys and values of the wrong kind once, and shows the rest', async () => {
    const warn = spyOnConsole('warn');
    const world = createFakeWorld();
    const el = placeElement(world);
    const table = { newChat: 'Nuevo chat', newChatButton: 'x', chats: 7 } as never;
    el.strings = table;
    el.strings = table;
    await waitFor(() => expect(newChat(el)).toBe('Nuevo chat'));
    expect(el.strings).toEqual({ newChat: 'Nuevo chat' });
    const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('strings'));
    expect(lines).toHaveLength(2);
    expect(shadow(el).querySelector('.hm-list-header h2')?.textContent).toBe('Chats');
  });
});

import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { IslandContext, type IslandContextValue } from '../../src/ui/context.ts';
import { collapsed, MessageText } from '../../src/ui/MessageText.tsx';
import { en } from '../../src/ui/strings.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount, openChat } from '../support/island.ts';

/** The text alone, with the island's English texts (all it reads of the island). */
const renderText = (text: string) =>
  render(() => (
    <IslandContext.Provider value={{ t: en } as IslandContextValue}>
      <MessageText text={text} />
    </IslandContext.Provider>
  ));

describe('<MessageText>', () => {
  it('renders http(s) URLs as links that open in a new tab without access to the page', () => {
    const { container } = renderText('Agenda: https://example.com/plan. Bring snacks');
    const text = container.querySelector('.hm-text')!;
    expect(text.textContent).toBe('Agenda: https://example.com/plan. Bring snacks');
    const links = text.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe('https://example.com/plan');
    expect(links[0]!.textContent).toBe('https://example.com/plan');
    expect(links[0]!.getAttribute('target')).toBe('_blank');
    expect(links[0]!.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('never parses the text as HTML', () => {
    const hostile =
      '<img src=x onerror="alert(1)"><b>bold</b> javascript:alert(1) <a href="javascript:alert(2)">x</a>';
    const { container } = renderText(hostile);
    const text = container.querySelector('.hm-text')!;
    expect(text.textContent).toBe(hostile);
    expect(text.querySelector('img, b')).toBeNull();
    expect(text.querySelectorAll('a')).toHaveLength(0);
  });

  it('follows a change of text', () => {
    const [value, setValue] = createSignal('plain');
    const { container } = render(() => (
      <IslandContext.Provider value={{ t: en } as IslandContextValue}>
        <MessageText text={value()} />
      </IslandContext.Provider>
    ));
    expect(container.querySelectorAll('a')).toHaveLength(0);
    setValue('now http://a.example and https://b.example');
    expect([...container.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'http://a.example',
      'https://b.example',
    ]);
    expect(container.textContent).toBe('now http://a.example and https://b.example');
  });
});

describe('a long message', () => {
  it('shows its start, cut between words, and "Show more"; opened, all of it and "Show less"', () => {
    const long = `${'word '.repeat(800)}end`.slice(0, 4000);
    const { container } = renderText(long);
    const text = container.querySelector('.hm-text')!;
    const more = text.querySelector<HTMLButtonElement>('button.hm-more')!;
    expect(more.textContent).toBe('Show more');
    expect(more.getAttribute('aria-expanded')).toBe('false');
    const shown = text.textContent!.replace(/ Show more$/, '');
    expect(shown.length).toBeLessThanOrEqual(601);
    expect(shown).toMatch(/ word…$/);
    fireEvent.click(more);
    expect(text.textContent).toBe(`${long} Show less`);
    expect(more.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(more);
    expect(text.textContent).toBe(`${shown} Show more`);
  });

  it('counts lines as well as characters, and leaves a short message whole', () => {
    expect(collapsed('short')).toBeUndefined();
    expect(collapsed('x'.repeat(1200))).toBeUndefined();
    expect(collapsed('x'.repeat(1201))).toBe(`${'x'.repeat(600)}…`);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    expect(collapsed(lines)).toBe(
      `${Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n')}…`,
    );
    const { container } = renderText('Just a line');
    expect(container.querySelector('button')).toBeNull();
  });
});

describe('links in the open chat', () => {
  it('shows a URL in a message from someone else as a link, the rest as text', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    world.send('alice', world.dm.sid, 'Tickets: https://tickets.example/42, <b>not bold</b>');
    await waitFor(() => expect(host.querySelector('.hm-msg:last-child .hm-text a')).toBeTruthy());
    const text = host.querySelector('.hm-msg:last-child .hm-text')!;
    expect(text.textContent).toBe('Tickets: https://tickets.example/42, <b>not bold</b>');
    expect(text.querySelector('a')!.getAttribute('href')).toBe('https://tickets.example/42');
    expect(text.querySelector('b')).toBeNull();
    // The direction is found on the bubble, a block, so its lines align to the text's own start;
    // the time is isolated from that search.
    const bubble = text.closest('.hm-bubble')!;
    expect(bubble.getAttribute('dir')).toBe('auto');
    expect(text.hasAttribute('dir')).toBe(false);
    expect(bubble.querySelector('.hm-meta time')!.getAttribute('dir')).toBe('auto');
  });
});

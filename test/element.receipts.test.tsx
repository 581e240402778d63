import { waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { defineHeroMessaging, type HeroMessagingElement } from '../src/element.tsx';
import { createFakeWorld, type FakeWorld } from './support/fake-world.ts';

defineHeroMessaging();

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

function place(world: FakeWorld, receipts: string): HeroMessagingElement {
  const el = document.createElement('hero-messaging');
  for (const [name, value] of Object.entries({
    'osis-url': 'http://osis.test',
    context: 'world',
    'public-key': 'bob',
    'read-receipts': receipts,
  }))
    el.setAttribute(name, value);
  el.fetch = world.server.fetch;
  document.body.append(el);
  return el;
}

const note = (el: HTMLElement) => el.shadowRoot!.querySelector('p[role="alert"]');

describe('<hero-messaging read-receipts>', () => {
  it.each(['on', 'off'])('accepts read-receipts="%s"', async (receipts) => {
    const el = place(createFakeWorld(), receipts);
    await waitFor(() =>
      expect(el.shadowRoot!.querySelector('.hm-status')?.textContent).toBe('Live'),
    );
    expect(note(el)).toBeNull();
  });

  it('explains a bad value inside the element instead of starting', () => {
    const world = createFakeWorld();
    const el = place(world, 'no');
    expect(note(el)?.textContent).toBe(
      'hero-messaging: read-receipts must be "on" or "off", not "no"',
    );
    expect(world.server.connections).toHaveLength(0);
  });
});

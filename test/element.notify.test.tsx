import { waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { defineHeroMessaging, type HeroMessagingElement } from '../src/element.tsx';
import { createFakeWorld, type FakeWorld } from './support/fake-world.ts';

defineHeroMessaging();

afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

function place(world: FakeWorld, notify: string): HeroMessagingElement {
  const el = document.createElement('hero-messaging');
  for (const [name, value] of Object.entries({
    'osis-url': 'http://osis.test',
    context: 'world',
    'public-key': 'bob',
    notify,
  }))
    el.setAttribute(name, value);
  el.fetch = world.server.fetch;
  document.body.append(el);
  return el;
}

const note = (el: HTMLElement) => el.shadowRoot!.querySelector('p[role="alert"]');

describe('<hero-messaging notify>', () => {
  it.each(['', 'true', 'false'])('accepts notify="%s"', async (notify) => {
    const el = place(createFakeWorld(), notify);
    await waitFor(() =>
      expect(el.shadowRoot!.querySelector('.hm-status')?.textContent).toBe('Live'),
    );
    expect(note(el)).toBeNull();
  });

  it('explains a bad value inside the element instead of starting', () => {
    const world = createFakeWorld();
    const el = place(world, 'yes');
    expect(note(el)?.textContent).toBe(
      'hero-messaging: notify must be empty, "true" or "false", not "yes"',
    );
    expect(world.server.connections).toHaveLength(0);
  });
});

import { waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { createFakeWorld } from './support/fake-world.ts';
import { identity, placeElement } from './support/element.ts';

const note = (el: HTMLElement) => el.shadowRoot!.querySelector('p[role="alert"]');

describe('<hero-messaging notify>', () => {
  it.each(['', 'true', 'false'])('accepts notify="%s"', async (notify) => {
    const el = placeElement(createFakeWorld(), { ...identity, notify });
    await waitFor(() =>
      expect(el.shadowRoot!.querySelector('.hm-status')?.textContent).toBe('Live'),
    );
    expect(note(el)).toBeNull();
  });

  it('explains a bad value inside the element instead of starting', () => {
    const world = createFakeWorld();
    const el = placeElement(world, { ...identity, notify: 'yes' });
    expect(note(el)?.textContent).toBe(
      'hero-messaging: notify must be empty, "true" or "false", not "yes"',
    );
    expect(world.server.connections).toHaveLength(0);
  });
});

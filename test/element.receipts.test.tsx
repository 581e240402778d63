import { waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { createFakeWorld } from './support/fake-world.ts';
import { identity, placeElement } from './support/element.ts';

const note = (el: HTMLElement) => el.shadowRoot!.querySelector('p[role="alert"]');

describe('<hero-messaging read-receipts>', () => {
  it.each(['on', 'off'])('accepts read-receipts="%s"', async (receipts) => {
    const el = placeElement(createFakeWorld(), { ...identity, 'read-receipts': receipts });
    await waitFor(() =>
      expect(el.shadowRoot!.querySelector('.hm-status')?.textContent).toBe('Live'),
    );
    expect(note(el)).toBeNull();
  });

  it('explains a bad value inside the element instead of starting', () => {
    const world = createFakeWorld();
    const el = placeElement(world, { ...identity, 'read-receipts': 'no' });
    expect(note(el)?.textContent).toBe(
      'hero-messaging: read-receipts must be "on" or "off", not "no"',
    );
    expect(world.server.connections).toHaveLength(0);
  });
});

import { waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { createFakeWorld } from './support/fake-world.ts';
import { identity, placeElement } from './support/element.ts';

const note = (el: HTMLElement) => el.shadowRoot!.querySelector('p[role="alert"]');
const pill = (el: HTMLElement) => el.shadowRoot!.querySelector('.hm-status');

describe('<hero-messaging theme>', () => {
  it.each(['light', 'dark', 'auto'])('accepts theme="%s"', async (theme) => {
    const world = createFakeWorld();
    const el = placeElement(world, { ...identity, theme });
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    expect(note(el)).toBeNull();
  });

  it('explains a bad theme inside the element instead of starting', async () => {
    const world = createFakeWorld();
    const el = placeElement(world, { ...identity, theme: 'night' });
    expect(note(el)?.textContent).toBe(
      'hero-messaging: theme must be "light", "dark" or "auto", not "night"',
    );
    expect(world.server.connections).toHaveLength(0);
    el.setAttribute('theme', 'dark');
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    expect(note(el)).toBeNull();
  });

  it('changes theme without restarting the island, and stops for a bad one', async () => {
    const world = createFakeWorld();
    const el = placeElement(world);
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    const stream = world.server.connections[0]!;
    for (const theme of ['dark', 'light', 'auto']) el.setAttribute('theme', theme);
    el.removeAttribute('theme');
    await Promise.resolve();
    expect(stream.aborted).toBe(false);
    expect(world.server.connections).toHaveLength(1);
    expect(pill(el)?.textContent).toBe('Live');
    el.setAttribute('theme', 'Dark');
    await waitFor(() => expect(stream.aborted).toBe(true));
    expect(note(el)?.textContent).toContain('theme must be');
  });
});

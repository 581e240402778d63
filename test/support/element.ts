import { afterEach } from 'vitest';
import { defineHeroMessaging, type HeroMessagingElement } from '../../src/element.tsx';
import type { FakeWorld } from './fake-world.ts';

defineHeroMessaging();
afterEach(() => {
  document.body.innerHTML = '';
  localStorage.clear();
});

/** The attributes an element needs to start: bob, in the fake world's context. */
export const identity = { 'osis-url': 'http://osis.test', context: 'world', 'public-key': 'bob' };

/** A `<hero-messaging>` with `attributes`, talking to `world`'s fake server; not yet in the page. */
export function makeElement(
  world: FakeWorld,
  attributes: Record<string, string> = identity,
): HeroMessagingElement {
  const el = document.createElement('hero-messaging');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.fetch = world.server.fetch;
  return el;
}

/**
 * `makeElement`, appended to `parent` (default the body), which starts it. The page is emptied and
 * localStorage cleared after the test.
 */
export function placeElement(
  world: FakeWorld,
  attributes: Record<string, string> = identity,
  parent: HTMLElement = document.body,
): HeroMessagingElement {
  const el = makeElement(world, attributes);
  parent.append(el);
  return el;
}

/** The element's shadow root, where the island renders. */
export const shadow = (el: HTMLElement) => el.shadowRoot!;

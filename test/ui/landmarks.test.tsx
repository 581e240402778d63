import { waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { mountIsland } from '../../src/ui/index.ts';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';

// Issue 27: the island lives inside a host page, which has its own <main>; two islands on one page
// must not offer two landmarks of the same name.

const mounted: (() => void)[] = [];
afterEach(() => {
  for (const dispose of mounted.splice(0)) dispose();
  document.body.innerHTML = '';
  localStorage.clear();
});

function mount(world: FakeWorld, key: string) {
  const host = document.createElement('div');
  document.body.append(host);
  mounted.push(
    mountIsland(host, {
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: key,
      client: world.client(key),
    }),
  );
  return host;
}

/** The landmarks a screen reader lists: role and name. */
const landmarks = (host: HTMLElement) =>
  [...host.querySelectorAll('main, nav, section[aria-label], [role="main"], [role="region"]')].map(
    (el) => `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? ''}`,
  );

describe('landmarks', () => {
  it('renders no main of its own, and names its list after the person, so two islands differ', async () => {
    const world = createFakeWorld();
    const bob = mount(world, 'bob');
    const alice = mount(world, 'alice');
    await waitFor(() => expect(landmarks(bob)).toEqual(["nav Bob's conversations"]));
    await waitFor(() => expect(landmarks(alice)).toEqual(["nav Alice's conversations"]));
  });

  it('names the chat after the conversation once one is open', async () => {
    const world = createFakeWorld();
    const bob = mount(world, 'bob');
    await waitFor(() =>
      expect(bob.querySelector(`button.hm-conv[data-sid="${world.group.sid}"]`)).toBeTruthy(),
    );
    bob.querySelector<HTMLButtonElement>(`button.hm-conv[data-sid="${world.group.sid}"]`)!.click();
    await waitFor(() =>
      expect(landmarks(bob)).toEqual([
        "nav Bob's conversations",
        `section ${bob.querySelector('.hm-chat h2')!.textContent}`,
      ]),
    );
  });
});

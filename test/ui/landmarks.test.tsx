import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount } from '../support/island.ts';

// The island lives inside a host page, which has its own <main>; two islands on one page
// must not offer two landmarks of the same name.

/** The landmarks a screen reader lists: role and name. */
const landmarks = (host: HTMLElement) =>
  [...host.querySelectorAll('main, nav, section[aria-label], [role="main"], [role="region"]')].map(
    (el) => `${el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? ''}`,
  );

describe('landmarks', () => {
  it('renders no main of its own, and names its list after the person, so two islands differ', async () => {
    const world = createFakeWorld();
    const { host: bob } = mount({ world });
    const { host: alice } = mount({ world, publicKey: 'alice' });
    await waitFor(() => expect(landmarks(bob)).toEqual(["nav Bob's conversations"]));
    await waitFor(() => expect(landmarks(alice)).toEqual(["nav Alice's conversations"]));
  });

  it('names the chat after the conversation once one is open', async () => {
    const world = createFakeWorld();
    const { host: bob } = mount({ world });
    // A row is a button named by its conversation's title, then its time and preview.
    fireEvent.click(await within(bob).findByRole('button', { name: /^Crew/ }));
    await waitFor(() =>
      expect(landmarks(bob)).toEqual([
        "nav Bob's conversations",
        `section ${bob.querySelector('.hm-chat h2')!.textContent}`,
      ]),
    );
  });
});

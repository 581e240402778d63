import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { expect, it } from 'vitest';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount } from '../support/island.ts';

// New chat lists people as chat apps do, each with an avatar, and finds them by name.

it('shows each person with an avatar, narrows them by a search, and keeps who was picked', async () => {
  const world = createFakeWorld();
  const { host } = mount({ world, publicKey: 'dave' });
  const newChat = () => within(host).getByRole<HTMLButtonElement>('button', { name: 'New chat' });
  await waitFor(() => expect(newChat().disabled).toBe(false));
  fireEvent.click(newChat());
  const people = () =>
    [...host.querySelectorAll('.hm-check')].map(
      (row) =>
        `${row.querySelector('.hm-avatar')!.textContent} ${row.querySelector('.hm-check-name')!.textContent}`,
    );
  await waitFor(() => expect(people()).toEqual(['A Alice', 'B Bob', 'C Carol']));
  fireEvent.click(host.querySelector<HTMLInputElement>('.hm-check input')!);
  const search = host.querySelector<HTMLInputElement>('.hm-new input[type="search"]')!;
  expect(search.getAttribute('aria-label')).toBe('Search people');
  fireEvent.input(search, { target: { value: ' CAR' } });
  expect(people()).toEqual(['C Carol']);
  fireEvent.input(search, { target: { value: 'zed' } });
  expect(people()).toEqual([]);
  expect(host.querySelector('.hm-new-people .hm-empty')!.textContent).toBe('Nobody by that name.');
  fireEvent.input(search, { target: { value: '' } });
  // Alice, picked before the search, is still picked.
  expect(
    [...host.querySelectorAll<HTMLInputElement>('.hm-check input')].map((box) => box.checked),
  ).toEqual([true, false, false]);
  expect(host.querySelector<HTMLButtonElement>('.hm-new button[type="submit"]')!.disabled).toBe(
    false,
  );
});

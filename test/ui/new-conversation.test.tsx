import { fireEvent, waitFor } from '@solidjs/testing-library';
import { afterEach, expect, it } from 'vitest';
import { mountIsland } from '../../src/ui/index.ts';
import { createFakeWorld } from '../support/fake-world.ts';

// Issue 27: New chat lists people as chat apps do, each with an avatar, and finds them by name.

const mounted: (() => void)[] = [];
afterEach(() => {
  for (const dispose of mounted.splice(0)) dispose();
  document.body.innerHTML = '';
  localStorage.clear();
});

it('shows each person with an avatar, narrows them by a search, and keeps who was picked', async () => {
  const world = createFakeWorld();
  const host = document.createElement('div');
  document.body.append(host);
  mounted.push(
    mountIsland(host, {
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'dave',
      client: world.client('dave'),
    }),
  );
  const newChat = () => host.querySelector<HTMLButtonElement>('.hm-list-header .hm-button')!;
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

import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { expect, it } from 'vitest';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount } from '../support/island.ts';

// New chat lists people as chat apps do, each with an avatar, and finds them by name.

/** Mounts Dave's island (with `contacts` as the server's, if given) and opens New chat on it. */
const openNewChat = async (contacts?: { public_key: string; name: string }[]) => {
  const world = createFakeWorld();
  const client = world.client('dave');
  const { host } = mount({
    world,
    publicKey: 'dave',
    ...(contacts ? { client: { ...client, listContacts: async () => contacts } } : {}),
  });
  const newChat = () => within(host).getByRole<HTMLButtonElement>('button', { name: 'New chat' });
  await waitFor(() => expect(newChat().disabled).toBe(false));
  fireEvent.click(newChat());
  /** The rows shown, each as its avatar's letter and its name. */
  const people = () =>
    [...host.querySelectorAll('.hm-check')].map(
      (row) =>
        `${row.querySelector('.hm-avatar')!.textContent} ${row.querySelector('.hm-check-name')!.textContent}`,
    );
  const search = (value: string) =>
    fireEvent.input(host.querySelector<HTMLInputElement>('.hm-new input[type="search"]')!, {
      target: { value },
    });
  return { host, people, search };
};

it('shows each person with an avatar, narrows them by a search, and keeps who was picked', async () => {
  const { host, people } = await openNewChat();
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

// Every contact the server sends is its own row, even two that share a key.
it('a search shows the same rows for duplicate keys from the server as the list before it', async () => {
  const { people, search } = await openNewChat([
    { public_key: 'alice', name: 'Alice' },
    { public_key: 'bob', name: 'Bob' },
    { public_key: 'alice', name: 'Alison' },
  ]);
  await waitFor(() => expect(people().length).toBeGreaterThan(0));
  const before = people();
  // Every row matching 'ali' stays, in order: a search that hides nobody who matched.
  search('ali');
  expect(people()).toEqual(before.filter((p) => p.toLowerCase().includes('ali')));
});

it('after a search and its clearing, contacts sharing a key from the server each have their row again', async () => {
  const { host, people, search } = await openNewChat([
    { public_key: 'alice', name: 'Alice' },
    { public_key: 'bob', name: 'Bob' },
    { public_key: 'alice', name: 'Alison' },
  ]);
  await waitFor(() => expect(people().length).toBe(3));
  search('b');
  search('');
  // After a search and its clearing, every contact the server gave has its row again.
  expect(people()).toEqual(['A Alice', 'B Bob', 'A Alison']);
  expect(host.querySelectorAll('.hm-check input').length).toBe(3);
});

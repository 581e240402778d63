import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { expect, it } from 'vitest';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount } from '../support/island.ts';

// New chat lists every contact the server sends, each as its own row, even two that share a key.

const open = async (contacts: { public_key: string; name: string }[]) => {
  const world = createFakeWorld();
  const client = world.client('dave');
  const listContacts = async () => contacts;
  const { host } = mount({
    world,
    publicKey: 'dave',
    client: { ...client, listContacts } as typeof client,
  });
  const newChat = () => within(host).getByRole<HTMLButtonElement>('button', { name: 'New chat' });
  await waitFor(() => expect(newChat().disabled).toBe(false));
  fireEvent.click(newChat());
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

it('a search shows the same rows for duplicate keys from the server as the list before it', async () => {
  const { people, search } = await open([
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
  const { host, people, search } = await open([
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

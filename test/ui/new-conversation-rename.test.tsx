import { fireEvent, render } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { expect, it } from 'vitest';
import { IslandContext, type IslandContextValue } from '../../src/ui/context.ts';
import { NewConversation } from '../../src/ui/NewConversation.tsx';
import { en } from '../../src/ui/strings.ts';

type Contact = { public_key: string; name: string };

it('contacts given again with a new name for a key show the new name and initials, and keep the pick', () => {
  const [contacts, setContacts] = createSignal<Contact[]>([
    { public_key: 'k1', name: 'Alice' },
    { public_key: 'k2', name: 'Bob' },
  ]);
  const session = { store: { view: () => ({ contacts: contacts() }) } };
  const { container } = render(() => (
    <IslandContext.Provider value={{ t: en, me: 'me', session } as unknown as IslandContextValue}>
      <NewConversation onCreated={() => {}} onCancel={() => {}} />
    </IslandContext.Provider>
  ));
  const people = () =>
    [...container.querySelectorAll('.hm-check')].map(
      (row) =>
        `${row.querySelector('.hm-avatar')!.textContent} ${row.querySelector('.hm-check-name')!.textContent}`,
    );
  expect(people()).toEqual(['A Alice', 'B Bob']);
  fireEvent.click(container.querySelector<HTMLInputElement>('.hm-check input')!);
  setContacts([
    { public_key: 'k1', name: 'Zoe' },
    { public_key: 'k2', name: 'Bob' },
  ]);
  expect(people()).toEqual(['Z Zoe', 'B Bob']);
  expect(
    [...container.querySelectorAll<HTMLInputElement>('.hm-check input')].map((b) => b.checked),
  ).toEqual([true, false]);
  // Reordered by the server: rows follow.
  setContacts([
    { public_key: 'k2', name: 'Bob' },
    { public_key: 'k1', name: 'Zoe' },
  ]);
  expect(people()).toEqual(['B Bob', 'Z Zoe']);
});

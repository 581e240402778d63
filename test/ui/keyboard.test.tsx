import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { type IslandRouter } from '../../src/ui/index.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { composer, mount, openChat, rowOf } from '../support/island.ts';

// Focus follows the person through list, chat and New chat, and Esc
// goes back or cancels.

const focused = () => document.activeElement as HTMLElement | null;
const newChat = (host: HTMLElement) =>
  within(host).getByRole<HTMLButtonElement>('button', { name: 'New chat' });
const view = (host: HTMLElement) => host.querySelector('.hm-root')!.getAttribute('data-view');

async function live(host: HTMLElement) {
  await waitFor(() =>
    expect(host.querySelector('.hm-status')?.getAttribute('data-state')).toBe('live'),
  );
}

describe('focus and keys', () => {
  it('opening a chat puts focus in its composer; ← puts it back on that chat’s row', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openChat(host, world.dm.sid);
    await waitFor(() => expect(focused()).toBe(composer(host)));
    expect(composer(host).disabled).toBe(false);
    fireEvent.click(host.querySelector('.hm-chat .hm-back')!);
    expect(view(host)).toBe('list');
    await waitFor(() => expect(focused()).toBe(rowOf(host, world.dm.sid)));
    expect(rowOf(host, world.dm.sid)!.tabIndex).toBe(0);
  });

  it('Esc in a chat goes back to the list, on that chat’s row', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openChat(host, world.group.sid);
    await waitFor(() => expect(focused()).toBe(composer(host)));
    fireEvent.keyDown(composer(host), { key: 'Escape' });
    expect(view(host)).toBe('list');
    await waitFor(() => expect(focused()).toBe(rowOf(host, world.group.sid)));
    // On the list, Esc has nowhere further to go.
    fireEvent.keyDown(focused()!, { key: 'Escape' });
    expect(focused()).toBe(rowOf(host, world.group.sid));
  });

  it('going back to a chat far down a long list renders its row and focuses it', async () => {
    const world = createFakeWorld();
    const sids: string[] = [];
    for (let i = 0; i < 600; i++) {
      const conv = world.service.call('world', 'carol', 'conversation.set', {
        name: `Room ${i}`,
        participant_keys: ['bob', 'carol'].concat(i % 2 ? ['dave'] : ['alice']),
      }) as Conversation;
      world.send('carol', conv.sid, `hello ${i}`);
      sids.push(conv.sid);
    }
    // Opened by link: the list shows its first rows, far above this one.
    const far = sids[10]!;
    const [path, setPath] = createSignal(`/chat/${far}`);
    const router: IslandRouter = { path, navigate: (to) => setPath(to) };
    const { host } = mount({ world, routing: router });
    await live(host);
    await waitFor(() => expect(host.querySelector('.hm-chat h2')?.textContent).toBe('Room 10'));
    expect(rowOf(host, far)).toBeNull();
    fireEvent.click(host.querySelector('.hm-chat .hm-back')!);
    await waitFor(() => expect(focused()?.dataset.sid).toBe(far));
    expect(host.querySelectorAll('button.hm-conv').length).toBeLessThanOrEqual(200);
  });

  it('New chat focuses its form; Esc or Cancel goes back to the New chat button', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world, publicKey: 'dave' });
    await live(host);
    await waitFor(() => expect(newChat(host).disabled).toBe(false));
    fireEvent.click(newChat(host));
    await waitFor(() => expect(focused()?.closest('.hm-new')).toBeTruthy());
    fireEvent.keyDown(focused()!, { key: 'Escape' });
    expect(host.querySelector('.hm-new')).toBeNull();
    await waitFor(() => expect(focused()).toBe(newChat(host)));
    // With the contacts in, the form opens on its search field, above the people.
    await waitFor(() =>
      expect(world.server.rpcCalls.some((c) => c.method === 'contact.list')).toBe(true),
    );
    fireEvent.click(newChat(host));
    await waitFor(() => expect(focused()?.getAttribute('type')).toBe('search'));
    await waitFor(() => expect(host.querySelector('.hm-new input[type="checkbox"]')).toBeTruthy());
    const cancel = [...host.querySelectorAll<HTMLButtonElement>('.hm-new button')].find(
      (b) => b.textContent === 'Cancel',
    )!;
    expect(cancel.classList.contains('hm-back')).toBe(false);
    fireEvent.click(cancel);
    expect(host.querySelector('.hm-new')).toBeNull();
    await waitFor(() => expect(focused()).toBe(newChat(host)));
  });

  it('a chat started from New chat opens with focus in its composer', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world, publicKey: 'dave' });
    await live(host);
    await waitFor(() => expect(newChat(host).disabled).toBe(false));
    fireEvent.click(newChat(host));
    await waitFor(() => expect(host.querySelector('.hm-new input[type="checkbox"]')).toBeTruthy());
    fireEvent.click(host.querySelector('.hm-new input[type="checkbox"]')!);
    fireEvent.submit(host.querySelector('form.hm-new')!);
    await waitFor(() => expect(host.querySelector('.hm-chat h2')?.textContent).toBe('Alice'));
    await waitFor(() => expect(focused()).toBe(composer(host)));
  });

  it('Esc while composing text in an input method does not leave the chat', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openChat(host, world.dm.sid);
    await waitFor(() => expect(focused()).toBe(composer(host)));
    fireEvent.keyDown(composer(host), { key: 'Escape', isComposing: true });
    expect(view(host)).toBe('chat');
  });

  it('Retry and Discard under a failed send leave focus in the composer, not on the page', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openChat(host, world.dm.sid);
    await waitFor(() => expect(focused()).toBe(composer(host)));
    for (const action of ['Retry', 'Discard']) {
      world.failNext('conversation.send_message');
      fireEvent.input(composer(host), { target: { value: `try ${action}` } });
      fireEvent.keyDown(composer(host), { key: 'Enter' });
      await waitFor(() => expect(host.querySelector('.hm-failed-note')).toBeTruthy());
      const button = [...host.querySelectorAll<HTMLButtonElement>('.hm-failed-note button')].find(
        (b) => b.textContent === action,
      )!;
      button.focus();
      fireEvent.click(button);
      await waitFor(() => expect(host.querySelector('.hm-failed-note')).toBeNull());
      expect(focused()).toBe(composer(host));
    }
  });

  it('the history is a Tab stop, so it can be scrolled from the keyboard', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openChat(host, world.dm.sid);
    await waitFor(() => expect(host.querySelector('[role="log"]')).toBeTruthy());
    expect(host.querySelector<HTMLElement>('[role="log"]')!.tabIndex).toBe(0);
  });
});

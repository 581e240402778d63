import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { afterEach, expect } from 'vitest';
import { mountIsland, type IslandOptions } from '../../src/ui/index.ts';
import type { FakeWorld } from './fake-world.ts';

const mounted: (() => void)[] = [];
afterEach(() => {
  for (const dispose of mounted.splice(0)) dispose();
  document.body.innerHTML = '';
  localStorage.clear();
});

/** What `mount` takes: the island's options, all optional, and the fake world it talks to. */
export type MountOptions = Partial<IslandOptions> & { world?: FakeWorld };

/**
 * Mounts an island in a new element on the page, as `publicKey` (default bob) of the context `world`
 * (the fake world's), with a client of `world` unless `client` is given (with neither, the island
 * makes its own from `baseUrl` and `fetch`). After the test the island is disposed, the page emptied
 * and localStorage cleared.
 */
export function mount({ world, ...options }: MountOptions): {
  host: HTMLElement;
  dispose: () => void;
} {
  const publicKey = options.publicKey ?? 'bob';
  const client = options.client ?? world?.client(publicKey);
  const host = document.createElement('div');
  document.body.append(host);
  const unmount = mountIsland(host, {
    baseUrl: 'http://osis.test',
    context: 'world',
    ...options,
    publicKey,
    client,
  });
  // Once only: a test that disposes to check what is left is not disposed again after it.
  let disposed = false;
  const dispose = () => {
    if (!disposed) unmount();
    disposed = true;
  };
  mounted.push(dispose);
  return { host, dispose };
}

/**
 * The list's row of the conversation `sid` under `root` (an island's host, or an element's shadow
 * root), or null while there is none. A row is a button named by its conversation's title, time and
 * preview; tests that know the title find it by role and name instead.
 */
export const rowOf = (root: ParentNode, sid: string) =>
  root.querySelector<HTMLButtonElement>(`button.hm-conv[data-sid="${sid}"]`);

/**
 * Opens the chat `sid` as a person does: waits for its row under `root`, clicks it and waits for the
 * chat's messages to show; returns the row.
 * Under fake timers, pass `vi.waitFor` as `wait`: Testing Library's waits on the timers it is given.
 */
export async function openChat(
  root: ParentNode,
  sid: string,
  wait: <T>(check: () => T) => Promise<T> = waitFor,
): Promise<HTMLButtonElement> {
  const row = await wait(() => {
    const found = rowOf(root, sid);
    expect(found).toBeTruthy();
    return found!;
  });
  fireEvent.click(row);
  await wait(() => expect(root.querySelector('.hm-messages')).toBeTruthy());
  return row;
}

/** The open chat's composer under `host`, found as a person finds it: the text box named Message. */
export const composer = (host: HTMLElement) =>
  within(host).getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });

/** Types `text` in the composer under `host` and presses Enter, as a person sends a message. */
export function sendText(host: HTMLElement, text: string): void {
  const box = composer(host);
  fireEvent.input(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
}

import { fireEvent, waitFor, within } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../src/protocol/index.ts';
import { createCommunicationClient } from '../../src/sdk/index.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount } from '../support/island.ts';
import { spyOnConsole } from '../support/console.ts';

// Not authorised, server unreachable and "no conversations" are three screens,
// each saying what to do next, and New chat is disabled while it cannot work.

const screen = (host: HTMLElement) => host.querySelector<HTMLElement>('.hm-list .hm-empty');
const newChat = (host: HTMLElement) =>
  within(host).getByRole<HTMLButtonElement>('button', { name: 'New chat' });
const listPill = (host: HTMLElement) => host.querySelector('.hm-list .hm-status');

describe('the list without conversations', () => {
  it('with a key the server does not know, says so in the person’s words, and what to check in the console; New chat is disabled with the reason', async () => {
    const warn = spyOnConsole('warn');
    const world = createFakeWorld();
    const { host } = mount({ world, publicKey: 'mallory' });
    const said = "The server doesn't recognise your account, so your chats can't be shown here.";
    await waitFor(() => expect(screen(host)?.textContent).toBe(said));
    expect(screen(host)!.textContent).not.toContain('No conversations');
    // The developer's hint goes to the console, not to the person.
    expect(screen(host)!.textContent).not.toContain('attribute');
    expect(warn).toHaveBeenCalledWith(
      `[hero-messaging] the server does not know public-key "mallory": check the element's public-key attribute`,
    );
    expect(newChat(host).disabled).toBe(true);
    expect(newChat(host).title).toBe(said);
    expect(listPill(host)?.textContent).toBe('Not authorised');
  });

  it('with a server it cannot reach, names the address, counts down to the next try and retries now on request', async () => {
    spyOnConsole('warn');
    let calls = 0;
    const unreachable: typeof fetch = async () => {
      calls++;
      throw new TypeError('fetch failed');
    };
    // The stream's waits before a retry never end on their own here: only Retry now tries again.
    const held = new Set<object>();
    const client = createCommunicationClient({
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'bob',
      fetch: unreachable,
      environment: {
        random: () => 0.999,
        setTimeout: (fn, ms) => {
          if (ms < 500) return setTimeout(fn, ms);
          const handle = {};
          held.add(handle);
          return handle;
        },
        clearTimeout: (handle) =>
          held.delete(handle as object)
            ? undefined
            : clearTimeout(handle as ReturnType<typeof setTimeout>),
      },
    });
    const { host } = mount({ client });
    // Event-driven waits, generous: a loaded machine stretches the first failures.
    await waitFor(() => expect(screen(host)?.dataset.state).toBe('unreachable'), {
      timeout: 15_000,
    });
    expect(screen(host)!.textContent).toContain("Can't reach the server at http://osis.test.");
    expect(screen(host)!.textContent).toMatch(/Retrying in \d+ s… Retry now$/);
    expect(screen(host)!.textContent).not.toContain('No conversations');
    expect(newChat(host).disabled).toBe(true);
    expect(newChat(host).title).toBe('New chat works once the conversations are loaded.');
    expect(listPill(host)?.getAttribute('data-state')).toBe('reconnecting');
    // Retry now ends a wait: the stream is waiting for its next try before it is pressed (on a loaded
    // machine the screen can say so a moment before the loop gets there).
    // The button shows only while a wait is on, not during a try.
    await waitFor(
      () => {
        expect(held.size).toBeGreaterThan(0);
        expect(screen(host)?.querySelector('button')).not.toBeNull();
      },
      { timeout: 15_000 },
    );
    const before = calls;
    fireEvent.click(screen(host)!.querySelector('button')!);
    await waitFor(() => expect(calls).toBeGreaterThan(before), { timeout: 15_000 });
    expect(screen(host)?.dataset.state).toBe('unreachable');
  });

  it('with the server up, says whether it failed to send the list or sent one the island cannot read, and gets it on Retry now', async () => {
    const warn = spyOnConsole('warn');
    const world = createFakeWorld();
    const answer = world.server.rpc;
    let list: 'error' | 'bad' | 'good' = 'error';
    world.server.rpc = async (method, params, headers) => {
      if (method === 'conversation.list' && list === 'error')
        throw new RpcError('InternalError', 'database is down');
      const result = await answer(method, params, headers);
      return method === 'conversation.list' && list === 'bad' ? [{ sid: 42 }] : result;
    };
    const { host } = mount({ world });
    const retry = () => fireEvent.click(screen(host)!.querySelector('button')!);
    await waitFor(() =>
      expect(screen(host)?.textContent).toMatch(
        /^The server at http:\/\/osis\.test couldn't send the conversation list\.Retrying in \d+ s… Retry now$/,
      ),
    );
    expect(screen(host)!.dataset.state).toBe('unreachable');
    list = 'bad';
    retry();
    await waitFor(() =>
      expect(screen(host)?.textContent).toMatch(
        /^The server at http:\/\/osis\.test sent a conversation list this app can't read\.Retrying in/,
      ),
    );
    list = 'good';
    // Every screen on the way to the rows: none says the server cannot be reached.
    const screens: string[] = [];
    const observer = new MutationObserver(() => screens.push(screen(host)?.textContent ?? 'rows'));
    observer.observe(host, { childList: true, subtree: true, characterData: true });
    retry();
    await waitFor(() => expect(host.querySelectorAll('button.hm-conv').length).toBeGreaterThan(0));
    observer.disconnect();
    expect(screens.filter((text) => text.includes("Can't reach"))).toEqual([]);
    expect(listPill(host)?.textContent).toBe('Live');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('database is down'));
  });

  it('with no conversations at all, says so and how to start one; New chat works', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world, publicKey: 'dave' });
    await waitFor(() =>
      expect(screen(host)?.textContent).toBe('No conversations yet. Start one with New chat.'),
    );
    expect(newChat(host).disabled).toBe(false);
    expect(newChat(host).title).toBe('');
    expect(listPill(host)?.textContent).toBe('Live');
  });

  it('says it is loading, not that there is nothing, before the first answer', async () => {
    const world = createFakeWorld();
    const release = world.hold('conversation.list');
    const { host } = mount({ world, publicKey: 'dave' });
    await waitFor(() => expect(screen(host)?.textContent).toBe('Loading conversations…'));
    // Said to screen readers; sketched as rows to come for the eyes.
    expect(screen(host)!.querySelector('.hm-sr')!.textContent).toBe('Loading conversations…');
    expect(screen(host)!.querySelectorAll('.hm-skel[aria-hidden="true"]')).toHaveLength(5);
    expect(newChat(host).disabled).toBe(true);
    release();
    await waitFor(() => expect(screen(host)?.dataset.state).toBe('empty'));
  });
});

import { fireEvent, waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { draftKey } from '../../src/sync/index.ts';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';
import { composer, mount, openChat, rowOf } from '../support/island.ts';
import { spyOnConsole } from '../support/console.ts';

const preview = (host: HTMLElement, sid: string) =>
  rowOf(host, sid)!.querySelector('.hm-conv-preview')!.textContent;
const sends = (world: FakeWorld) =>
  world.server.rpcCalls.filter((c) => c.method === 'conversation.send_message');

async function open(host: HTMLElement, sid: string) {
  await openChat(host, sid);
  await waitFor(() => expect(rowOf(host, sid)!.getAttribute('aria-current')).toBe('page'));
  await waitFor(() => expect(composer(host).disabled).toBe(false));
}

describe('drafts', () => {
  it('keeps a draft with its chat: another chat opens with an empty box, and Enter there sends nothing', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await open(host, world.dm.sid);
    fireEvent.input(composer(host), { target: { value: 'line1' } });
    await open(host, world.group.sid);
    expect(composer(host).value).toBe('');
    fireEvent.keyDown(composer(host), { key: 'Enter' });
    expect(sends(world)).toHaveLength(0);
    // The other chat's row says there is a draft, instead of its last message.
    expect(preview(host, world.dm.sid)).toBe('Draft: line1');
    expect(preview(host, world.group.sid)).toBe('Welcome to the crew');
    await open(host, world.dm.sid);
    expect(composer(host).value).toBe('line1');
    // The open chat's own row shows its last message.
    expect(preview(host, world.dm.sid)).toBe('Hi Alice');
  });

  it('brings a draft back after a reload, and clears it (box, row and storage) when it is sent', async () => {
    const world = createFakeWorld();
    const first = mount({ world });
    await open(first.host, world.dm.sid);
    fireEvent.input(composer(first.host), { target: { value: 'half a thought' } });
    first.dispose();
    const { host } = mount({ world });
    await waitFor(() => expect(preview(host, world.dm.sid)).toBe('Draft: half a thought'));
    await open(host, world.dm.sid);
    expect(composer(host).value).toBe('half a thought');
    fireEvent.keyDown(composer(host), { key: 'Enter' });
    expect(composer(host).value).toBe('');
    await waitFor(() => expect(sends(world)).toHaveLength(1));
    expect(Object.keys(localStorage).filter((k) => k.startsWith('hero-messaging:draft:'))).toEqual(
      [],
    );
    await open(host, world.group.sid);
    await waitFor(() => expect(preview(host, world.dm.sid)).toBe('half a thought'));
  });

  it('does not keep a draft of whitespace only', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await open(host, world.dm.sid);
    const stored = () =>
      Object.keys(localStorage).filter((k) => k.startsWith('hero-messaging:draft:'));
    fireEvent.input(composer(host), { target: { value: 'x' } });
    expect(stored()).toHaveLength(1);
    fireEvent.input(composer(host), { target: { value: ' \n ' } });
    expect(stored()).toEqual([]);
    await open(host, world.group.sid);
    expect(preview(host, world.dm.sid)).toBe('Hi Alice');
  });

  it('keeps drafts per identity: another key does not see them', async () => {
    const world = createFakeWorld();
    const bob = mount({ world, publicKey: 'bob' });
    await open(bob.host, world.group.sid);
    fireEvent.input(composer(bob.host), { target: { value: 'for Bob only' } });
    const alice = mount({ world, publicKey: 'alice' });
    await open(alice.host, world.group.sid);
    expect(composer(alice.host).value).toBe('');
    fireEvent.input(composer(alice.host), { target: { value: 'for Alice only' } });
    bob.dispose();
    const again = mount({ world, publicKey: 'bob' });
    await open(again.host, world.group.sid);
    expect(composer(again.host).value).toBe('for Bob only');
  });

  it('ignores a stored draft that is not JSON or not a draft, with one warning each, and opens an empty box', async () => {
    const world = createFakeWorld();
    const warn = spyOnConsole('warn');
    localStorage.setItem(draftKey('http://osis.test', 'world', 'bob', world.dm.sid), '{not json');
    localStorage.setItem(
      draftKey('http://osis.test', 'world', 'bob', world.group.sid),
      JSON.stringify({ text: 42 }),
    );
    const { host } = mount({ world });
    await open(host, world.dm.sid);
    expect(composer(host).value).toBe('');
    await open(host, world.group.sid);
    expect(composer(host).value).toBe('');
    await open(host, world.dm.sid);
    expect(warn.mock.calls.filter(([m]) => String(m).includes('draft'))).toHaveLength(2);
    // Still usable: typing keeps a new, valid draft.
    fireEvent.input(composer(host), { target: { value: 'fresh' } });
    expect(
      JSON.parse(localStorage.getItem(draftKey('http://osis.test', 'world', 'bob', world.dm.sid))!),
    ).toEqual({ text: 'fresh' });
  });
});

import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import type { IslandRouter } from '../../src/ui/index.ts';
import { createFakeWorld } from '../support/fake-world.ts';
import { mount, openChat, rowOf, sendText } from '../support/island.ts';

const bubbleTexts = (host: HTMLElement) =>
  [...host.querySelectorAll('.hm-msg .hm-text')].map((n) => n.textContent);

async function live(host: HTMLElement) {
  await waitFor(() => expect(host.querySelector('.hm-status')?.textContent).toBe('Live'));
}

describe('the island', () => {
  it('shows a message from someone else in the open chat, its preview, and an unread badge for another chat', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    await live(host);
    await waitFor(() => expect(bubbleTexts(host)).toEqual(['Hi Bob', 'Hi Alice']));
    world.send('alice', world.dm.sid, 'Are you there?');
    await waitFor(() => expect(bubbleTexts(host)).toContain('Are you there?'));
    expect(rowOf(host, world.dm.sid)!.textContent).toContain('Are you there?');
    expect(rowOf(host, world.dm.sid)!.querySelector('.hm-badge')).toBeNull();
    world.send('carol', world.group.sid, 'Lake on Saturday?');
    await waitFor(() =>
      expect(rowOf(host, world.group.sid)!.querySelector('.hm-badge')?.textContent).toBe('1'),
    );
    expect(rowOf(host, world.group.sid)!.textContent).toContain('Lake on Saturday?');
    expect(host.querySelector('.hm-conv')!.getAttribute('data-sid')).toBe(world.group.sid);
  });

  it('does not duplicate its own bubble when the echo arrives before the RPC reply', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    await live(host);
    const release = world.hold('conversation.send_message');
    sendText(host, '  On my way  ');
    await waitFor(() =>
      expect(host.querySelector('.hm-msg[data-status="sending"] .hm-text')?.textContent).toBe(
        'On my way',
      ),
    );
    const pendingNode = host.querySelector('.hm-msg[data-status="sending"]');
    const call = world.server.rpcCalls.find((c) => c.method === 'conversation.send_message')!;
    const nonce = (call.params as { nonce: string }).nonce;
    // The server stores it while the reply is held: its echo reaches the stream first.
    world.send('bob', world.dm.sid, 'On my way', nonce);
    await waitFor(() =>
      expect(host.querySelector(`.hm-msg[data-status="sent"][data-key="n:${nonce}"]`)).toBeTruthy(),
    );
    release();
    await waitFor(() =>
      expect(
        world.server.rpcCalls.filter((c) => c.method === 'conversation.send_message'),
      ).toHaveLength(1),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(bubbleTexts(host).filter((t) => t === 'On my way')).toHaveLength(1);
    // Same place, same node: the bubble became the server's message without flicker.
    expect(host.querySelector(`.hm-msg[data-key="n:${nonce}"]`)).toBe(pendingNode);
  });

  it('refetches the snapshot on resync', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    const conn = world.server.current!;
    const before = world.server.rpcCalls.filter((c) => c.method === 'conversation.list').length;
    conn.push({ type: 'resync', data: { reason: 'new epoch' } });
    await waitFor(() =>
      expect(world.server.rpcCalls.filter((c) => c.method === 'conversation.list').length).toBe(
        before + 1,
      ),
    );
    await live(host);
  });

  it('shows reconnecting with a retry action when the stream drops, then live again; live, it says nothing', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    const pills = () => [...host.querySelectorAll<HTMLElement>('.hm-status')];
    await live(host);
    await waitFor(() => expect(host.querySelector('button.hm-conv')).toBeTruthy());
    expect(pills().map((p) => p.hidden)).toEqual([true, true]);
    world.server.failNext(503);
    world.server.current!.close();
    await waitFor(() =>
      expect(host.querySelector('.hm-status')?.getAttribute('data-state')).toBe('reconnecting'),
    );
    expect(pills().map((p) => p.hidden)).toEqual([false, false]);
    expect(pills()[0]!.textContent).toMatch(/^Reconnecting in \d+ s… Retry now$/);
    await live(host);
    expect(pills().map((p) => p.hidden)).toEqual([true, true]);
    expect(world.server.connections.length).toBeGreaterThanOrEqual(2);
  });

  it('marks a failed send with Retry; retrying sends the same nonce and succeeds', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    await live(host);
    world.failNext('conversation.send_message');
    sendText(host, 'Maybe later');
    await waitFor(() => expect(host.querySelector('.hm-msg[data-status="failed"]')).toBeTruthy());
    // Its row does not show it as sent.
    expect(rowOf(host, world.dm.sid)!.querySelector('.hm-conv-preview')!.textContent).toBe(
      'Not sent: Maybe later',
    );
    const retry = within(host.querySelector<HTMLElement>('.hm-failed-note')!).getByText('Retry');
    fireEvent.click(retry);
    await waitFor(() => expect(host.querySelector('.hm-msg[data-status="failed"]')).toBeNull());
    await waitFor(() =>
      expect(bubbleTexts(host).filter((t) => t === 'Maybe later')).toHaveLength(1),
    );
    await waitFor(() =>
      expect(rowOf(host, world.dm.sid)!.querySelector('.hm-conv-preview')!.textContent).toBe(
        'Maybe later',
      ),
    );
    const stored = world.service
      .world('world')
      .listMessages(world.dm.sid, undefined, 50)
      .filter((m) => m.content === 'Maybe later');
    expect(stored).toHaveLength(1);
    const nonces = world.server.rpcCalls
      .filter((c) => c.method === 'conversation.send_message')
      .map((c) => (c.params as { nonce: string }).nonce);
    expect(nonces).toEqual([stored[0]!.nonce]);
  });

  it('keeps an unsent message across a remount and delivers it once when live', async () => {
    const world = createFakeWorld();
    const first = mount({ world });
    await openChat(first.host, world.dm.sid);
    await live(first.host);
    world.failNext('conversation.send_message');
    sendText(first.host, 'Survives a reload');
    await waitFor(() =>
      expect(first.host.querySelector('.hm-msg[data-status="failed"]')).toBeTruthy(),
    );
    first.dispose();
    const second = mount({ world });
    await openChat(second.host, world.dm.sid);
    await waitFor(() =>
      expect(bubbleTexts(second.host).filter((t) => t === 'Survives a reload')).toHaveLength(1),
    );
    await waitFor(() =>
      expect(
        second.host.querySelector('.hm-msg[data-status="failed"], .hm-msg[data-status="sending"]'),
      ).toBeNull(),
    );
    const stored = world.service
      .world('world')
      .listMessages(world.dm.sid, undefined, 50)
      .filter((m) => m.content === 'Survives a reload');
    expect(stored).toHaveLength(1);
  });

  it('shows markup in a message literally and runs nothing', async () => {
    const world = createFakeWorld();
    const alert = vi.fn();
    (window as unknown as { alert: typeof alert }).alert = alert;
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    await live(host);
    world.send('alice', world.dm.sid, '<img src=x onerror=alert(1)>');
    await waitFor(() => expect(bubbleTexts(host)).toContain('<img src=x onerror=alert(1)>'));
    expect(host.querySelector('.hm-messages img')).toBeNull();
    expect(alert).not.toHaveBeenCalled();
  });

  it('clears the badge when a chat is opened and tells the server with mark_read', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await waitFor(() =>
      expect(rowOf(host, world.dm.sid)!.querySelector('.hm-badge')?.textContent).toBe('1'),
    );
    fireEvent.click(rowOf(host, world.dm.sid)!);
    await waitFor(() => expect(rowOf(host, world.dm.sid)!.querySelector('.hm-badge')).toBeNull());
    await waitFor(() =>
      expect(world.server.rpcCalls.some((c) => c.method === 'conversation.mark_read')).toBe(true),
    );
    expect(
      world.service.call('world', 'bob', 'conversation.get', { sid: world.dm.sid }),
    ).toMatchObject({ unread_count: 0 });
  });

  it('sends with Enter, keeps Shift+Enter for a newline and shows the limit', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    const input = () => host.querySelector<HTMLTextAreaElement>('textarea')!;
    await waitFor(() => expect(input().disabled).toBe(true));
    await openChat(host, world.dm.sid);
    await live(host);
    expect(input().disabled).toBe(false);
    fireEvent.input(input(), { target: { value: 'line one' } });
    fireEvent.keyDown(input(), { key: 'Enter', shiftKey: true });
    expect(world.server.rpcCalls.some((c) => c.method === 'conversation.send_message')).toBe(false);
    fireEvent.input(input(), { target: { value: 'x'.repeat(4001) } });
    expect(host.querySelector('.hm-counter')?.textContent).toBe('4001/4000');
    expect(host.querySelector<HTMLButtonElement>('.hm-send')!.disabled).toBe(true);
    fireEvent.keyDown(input(), { key: 'Enter' });
    expect(world.server.rpcCalls.some((c) => c.method === 'conversation.send_message')).toBe(false);
  });

  it('starts a new group conversation with picked contacts and a name', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world, publicKey: 'dave' });
    const q = within(host);
    await live(host);
    fireEvent.click(q.getByText('New chat'));
    // Named as a screen reader says them: the avatar beside each name is hidden from it.
    await waitFor(() => expect(q.getByRole('checkbox', { name: 'Alice' })).toBeTruthy());
    fireEvent.click(q.getByRole('checkbox', { name: 'Alice' }));
    fireEvent.click(q.getByRole('checkbox', { name: 'Carol' }));
    fireEvent.input(q.getByLabelText('Group name (optional)'), { target: { value: 'Dave & co' } });
    fireEvent.click(q.getByText('Create group'));
    await waitFor(() => expect(host.querySelector('.hm-chat h2')?.textContent).toBe('Dave & co'));
    expect(screen.queryByText('Pick a conversation, or start a new one.')).toBeNull();
  });

  it('keeps a long chat to a bounded number of bubbles in the DOM, newest at the bottom', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    await live(host);
    for (let i = 0; i < 500; i++) world.send('alice', world.dm.sid, `long ${i}`);
    // 500 deliveries take a while on a loaded machine: wait for the last, however long it takes.
    await waitFor(() => expect(bubbleTexts(host).at(-1)).toBe('long 499'), { timeout: 15_000 });
    const shown = bubbleTexts(host);
    expect(shown.length).toBeLessThanOrEqual(60);
    expect(shown.slice(-3)).toEqual(['long 497', 'long 498', 'long 499']);
  });

  it('sends quick messages one after another, so the server stores them in the order written', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await openChat(host, world.dm.sid);
    await live(host);
    const release = world.hold('conversation.send_message');
    for (const text of ['one', 'two', 'three']) sendText(host, text);
    await waitFor(() =>
      expect(host.querySelectorAll('.hm-msg[data-status="sending"]')).toHaveLength(3),
    );
    // The first is held; the others wait for it instead of racing past it.
    expect(
      world.server.rpcCalls.filter((c) => c.method === 'conversation.send_message'),
    ).toHaveLength(1);
    release();
    await waitFor(() =>
      expect(host.querySelectorAll('.hm-msg[data-status="sending"]')).toHaveLength(0),
    );
    const stored = world.service
      .world('world')
      .listMessages(world.dm.sid, undefined, 50)
      .map((m) => m.content);
    expect(stored.slice(-3)).toEqual(['one', 'two', 'three']);
  });

  it('with hash routing, keeps the open chat in the URL and follows the back button', async () => {
    const world = createFakeWorld();
    history.replaceState(null, '', `#/chat/${world.group.sid}`);
    const { host } = mount({ world, routing: 'hash' });
    await waitFor(() =>
      expect(rowOf(host, world.group.sid)!.getAttribute('aria-current')).toBe('page'),
    );
    fireEvent.click(rowOf(host, world.dm.sid)!);
    expect(location.hash).toBe(`#/chat/${world.dm.sid}`);
    await waitFor(() => expect(host.querySelector('.hm-chat h2')?.textContent).toBe('Alice'));
    history.replaceState(null, '', '#/');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    await waitFor(() =>
      expect(host.querySelector('.hm-root')?.getAttribute('data-view')).toBe('list'),
    );
    history.replaceState(null, '', '#');
  });

  it("with a host's own router, shows the chat at its path and navigates only through it", async () => {
    const world = createFakeWorld();
    const [path, setPath] = createSignal(`/chat/${world.group.sid}`);
    const visited: string[] = [];
    const router: IslandRouter = {
      path,
      navigate(to, options) {
        visited.push(options?.replace ? `replace ${to}` : to);
        setPath(to);
      },
    };
    const hash = location.hash;
    const { host } = mount({ world, routing: router });
    await waitFor(() => expect(host.querySelector('.hm-chat h2')?.textContent).toBe('Crew'));
    fireEvent.click(rowOf(host, world.dm.sid)!);
    await waitFor(() => expect(host.querySelector('.hm-chat h2')?.textContent).toBe('Alice'));
    fireEvent.click(within(host).getByText('New chat'));
    expect(visited).toEqual([`/chat/${world.dm.sid}`, '/new']);
    setPath('/');
    await waitFor(() =>
      expect(host.querySelector('.hm-root')?.getAttribute('data-view')).toBe('list'),
    );
    expect(location.hash).toBe(hash);
  });
});

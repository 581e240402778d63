import { fireEvent, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { mountIsland } from '../../src/ui/index.ts';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';

// The conversation list of a person with many conversations: windowed, walkable by
// keyboard past the window's edges, and reordered correctly by a burst.

const mounted: (() => void)[] = [];
afterEach(() => {
  for (const dispose of mounted.splice(0)) dispose();
  document.body.innerHTML = '';
  localStorage.clear();
});

/** A world where bob has `count` more groups, each with one message, the newest last. */
function crowdedWorld(count: number): { world: FakeWorld; sids: string[] } {
  // One conversation a second, the newest last: the order of the list is its order of activity.
  let clock = Date.now() - count * 1000;
  const world = createFakeWorld({ now: () => clock });
  const sids: string[] = [];
  for (let i = 0; i < count; i++) {
    clock += 1000;
    const conv = world.service.call('world', 'carol', 'conversation.set', {
      name: `Room ${i}`,
      participant_keys: ['bob', 'carol', 'dave'],
    }) as Conversation;
    world.send('carol', conv.sid, `hello ${i}`);
    sids.push(conv.sid);
  }
  return { world, sids };
}

function mount(world: FakeWorld) {
  const host = document.createElement('div');
  document.body.append(host);
  mounted.push(
    mountIsland(host, {
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'bob',
      client: world.client('bob'),
    }),
  );
  return host;
}

const rows = (host: HTMLElement) => [...host.querySelectorAll<HTMLButtonElement>('button.hm-conv')];
/** The newest rows show before the rest of a long list is checked; the set size is known once it is all in. */
const wholeList = (host: HTMLElement, size: number) =>
  waitFor(() =>
    expect(host.querySelector('.hm-conv-list li')?.getAttribute('aria-setsize')).toBe(String(size)),
  );
const focused = (host: HTMLElement) =>
  (host.getRootNode() as Document).activeElement as HTMLElement | null;
const key = (host: HTMLElement, k: string) => fireEvent.keyDown(focused(host)!, { key: k });

describe('a list of 1,000 conversations', () => {
  it('keeps at most 200 rows in the DOM, the newest first', async () => {
    const { world, sids } = crowdedWorld(1000);
    const host = mount(world);
    await wholeList(host, 1002);
    expect(rows(host).length).toBeLessThanOrEqual(200);
    expect(rows(host)[0]!.dataset.sid).toBe(sids[999]);
    expect(rows(host)[0]!.textContent).toContain('hello 999');
    expect(host.querySelector('.hm-conv-list li')!.getAttribute('aria-setsize')).toBe(
      String(1000 + 2),
    );
  });

  it('is one Tab stop, and arrow keys, Home and End walk the whole list past the window', async () => {
    const { world, sids } = crowdedWorld(1000);
    const host = mount(world);
    await wholeList(host, 1002);
    expect(rows(host).filter((r) => r.tabIndex === 0)).toHaveLength(1);
    rows(host)[0]!.focus();
    const shownAtFirst = rows(host).length;
    for (let i = 0; i < shownAtFirst + 5; i++) key(host, 'ArrowDown');
    // Past the first window's edge: the row is rendered and focused, and still the only Tab stop.
    const expected = sids[999 - (shownAtFirst + 5)];
    expect(focused(host)?.dataset.sid).toBe(expected);
    expect(
      rows(host)
        .filter((r) => r.tabIndex === 0)
        .map((r) => r.dataset.sid),
    ).toEqual([expected]);
    key(host, 'End');
    // The last two rows are the fake world's DM and group, older than every room.
    expect(focused(host)?.closest('li')?.getAttribute('aria-posinset')).toBe(String(1002));
    expect(rows(host).length).toBeLessThanOrEqual(200);
    key(host, 'ArrowUp');
    expect(focused(host)?.closest('li')?.getAttribute('aria-posinset')).toBe(String(1001));
    key(host, 'Home');
    expect(focused(host)?.dataset.sid).toBe(sids[999]);
    expect(rows(host).length).toBeLessThanOrEqual(200);
  });

  it('keeps the keyboard focus in place when the focused row jumps to the top, out of the window', async () => {
    const { world, sids } = crowdedWorld(1000);
    const host = mount(world);
    await waitFor(() => expect(host.querySelector('.hm-status')?.textContent).toBe('Live'));
    rows(host)[0]!.focus();
    // Far enough down that the window no longer holds the top of the list.
    for (let i = 0; i < 250; i++) key(host, 'ArrowDown');
    const walkedTo = sids[999 - 250]!;
    expect(focused(host)?.dataset.sid).toBe(walkedTo);
    expect(rows(host)[0]!.closest('li')!.getAttribute('aria-posinset')).not.toBe('1');

    world.send('dave', walkedTo, 'news for the focused row');
    // Its row leaves the window for the top. The focus stays where it was, on the row that took its
    // place (the one that was just above it), and that row is the list's Tab stop.
    await waitFor(() => expect(focused(host)?.dataset.sid).toBe(sids[999 - 249]));
    expect(focused(host)?.closest('li')?.getAttribute('aria-posinset')).toBe(String(251));
    expect(
      rows(host)
        .filter((r) => r.tabIndex === 0)
        .map((r) => r.dataset.sid),
    ).toEqual([sids[999 - 249]]);
    // The list goes on from there.
    key(host, 'ArrowDown');
    expect(focused(host)?.dataset.sid).toBe(sids[999 - 251]);
  });

  it('reorders under a burst: each row previews its newest message, the busiest on top', async () => {
    const { world, sids } = crowdedWorld(1000);
    const host = mount(world);
    await waitFor(() => expect(host.querySelector('.hm-status')?.textContent).toBe('Live'));
    // 300 messages over 150 rooms, spread from the bottom of the list to the top.
    for (let k = 0; k < 300; k++) world.send('dave', sids[(k * 7) % 150]!, `burst ${k}`);
    await waitFor(() => expect(rows(host)[0]!.textContent).toContain('burst 299'));
    const newest = new Map<string, string>();
    for (let k = 0; k < 300; k++) newest.set(sids[(k * 7) % 150]!, `burst ${k}`);
    const order = [...newest.entries()].reverse();
    const shown = rows(host).slice(0, 20);
    expect(shown.map((r) => r.dataset.sid)).toEqual(order.slice(0, 20).map(([sid]) => sid));
    for (const row of shown)
      expect(row.querySelector('.hm-conv-preview')!.textContent).toBe(newest.get(row.dataset.sid!));
    expect(rows(host).length).toBeLessThanOrEqual(200);
  });
});

describe('a list in pages', () => {
  it('shows the first page at once, and is Live with the whole list only once the last page is in', async () => {
    const { world, sids } = crowdedWorld(250);
    // The pages after the first wait until let go.
    let release!: () => void;
    const later = new Promise<void>((resolve) => (release = resolve));
    let askedForMore = false;
    const answer = world.server.rpc;
    world.server.rpc = async (method, params, headers) => {
      if (method === 'conversation.list' && (params as { before?: unknown }).before !== undefined) {
        askedForMore = true;
        await later;
      }
      return answer(method, params, headers);
    };
    const host = mount(world);
    await waitFor(() => expect(askedForMore).toBe(true));
    await waitFor(() => expect(rows(host).length).toBeGreaterThan(0));
    expect(rows(host)[0]!.dataset.sid).toBe(sids[249]);
    // Nothing says the list is all there: not Live, no set size.
    const status = host.querySelector<HTMLElement>('.hm-status')!;
    expect(status.textContent).not.toBe('Live');
    expect(host.querySelector('.hm-conv-list li')!.getAttribute('aria-setsize')).toBe('-1');
    release();
    await wholeList(host, 252);
    await waitFor(() => expect(status.textContent).toBe('Live'));
  });
});

describe('a list the server cannot send whole', () => {
  it('shows its newest rows, a chat opened from them loads, and the person can try the list again', async () => {
    const { world, sids } = crowdedWorld(600);
    // The server answers with one bad row, past the first part.
    const answer = world.server.rpc;
    world.server.rpc = async (method, params, headers) => {
      const result = await answer(method, params, headers);
      return method === 'conversation.list'
        ? (result as Conversation[]).map((c, i) => (i === 500 ? { ...c, seq: 'x' } : c))
        : result;
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const host = mount(world);
    await waitFor(() => expect(rows(host).length).toBeGreaterThan(0));
    expect(rows(host)[0]!.dataset.sid).toBe(sids[599]);
    fireEvent.click(rows(host)[3]!);
    // Its messages come, though the list still cannot be checked.
    await waitFor(
      () =>
        expect(
          [...host.querySelectorAll('.hm-msg .hm-bubble')].map((b) => b.textContent),
        ).toContainEqual(expect.stringContaining('hello 596')),
      {
        timeout: 5_000,
      },
    );
    expect(host.querySelector('.hm-conv-list li')!.getAttribute('aria-setsize')).toBe('-1');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('500.seq'));
    // The person is told that the list is tried again and when, and can try now: once the server
    // sends a list the island can check, the whole list is in and the island is Live.
    const status = host.querySelector<HTMLElement>('.hm-status')!;
    await waitFor(() => expect(status.textContent).toMatch(/^Reconnecting in \d+ s… Retry now$/));
    world.server.rpc = answer;
    fireEvent.click(status.querySelector('button')!);
    await waitFor(() => expect(status.textContent).toBe('Live'));
    expect(host.querySelector('.hm-conv-list li')!.getAttribute('aria-setsize')).toBe('602');
    warn.mockRestore();
  });
});

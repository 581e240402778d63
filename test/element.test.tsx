import { waitFor } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { defineHeroMessaging } from '../src/element.tsx';
import { createFakeWorld } from './support/fake-world.ts';
import { rowOf } from './support/island.ts';
import { useFakeTimeouts } from './support/clock.ts';
import { identity, placeElement, shadow } from './support/element.ts';

const statusText = (el: HTMLElement) => shadow(el).querySelector('.hm-status')?.textContent;

describe('<hero-messaging>', () => {
  it('registers once, whatever the number of calls', () => {
    expect(defineHeroMessaging()).toBe(customElements.get('hero-messaging'));
  });

  it('renders the island for its attributes in an open shadow root', async () => {
    const world = createFakeWorld();
    const el = placeElement(world);
    await waitFor(() => expect(statusText(el)).toBe('Live'));
    const conn = world.server.connections[0]!;
    expect(conn.headers.get('x-public-key')).toBe('bob');
    expect(conn.headers.get('x-hero-context')).toBe('world');
    // The list may render a frame after the status says live.
    await waitFor(() => expect(rowOf(shadow(el), world.dm.sid)).toBeTruthy());
  });

  it('styles itself through one adopted stylesheet shared by every element: no <style>, no style attribute', async () => {
    const world = createFakeWorld();
    const [a, b] = [
      placeElement(world),
      placeElement(world, { ...identity, 'public-key': 'carol' }),
    ];
    await waitFor(() => expect(statusText(a)).toBe('Live'));
    await waitFor(() => expect(statusText(b)).toBe('Live'));
    const sheets = shadow(a).adoptedStyleSheets;
    expect(sheets).toHaveLength(1);
    expect([...sheets[0]!.cssRules].some((rule) => rule.cssText.includes('--hm-accent'))).toBe(
      true,
    );
    expect(shadow(b).adoptedStyleSheets[0]).toBe(sheets[0]);
    expect(getComputedStyle(shadow(a).querySelector('.hm-root')!).display).toBe('grid');
    // (Inline `style` properties set through the CSSOM, like an avatar's hue, are allowed by a strict
    // policy; test/e2e/csp.e2e.ts checks that Chromium reports no violation.)
    expect(shadow(a).querySelector('style')).toBeNull();
    // A restart takes the sheet out and adopts it again, once.
    a.setAttribute('public-key', 'dave');
    await waitFor(() => expect(world.server.current!.headers.get('x-public-key')).toBe('dave'));
    expect(shadow(a).adoptedStyleSheets).toEqual(sheets);
  });

  it('mounts in the task after it is connected, and not at all when removed before that', async () => {
    const world = createFakeWorld();
    const el = placeElement(world);
    // The page that added it finishes its own work first (its scripts, its first layout).
    expect(shadow(el).querySelector('.hm-host')).toBeNull();
    await waitFor(() => expect(shadow(el).querySelector('.hm-host')).not.toBeNull());
    await waitFor(() => expect(statusText(el)).toBe('Live'));

    const gone = placeElement(world, { ...identity, 'public-key': 'carol' });
    gone.remove();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shadow(gone).querySelector('.hm-host')).toBeNull();
    expect(
      world.server.connections.filter((c) => c.headers.get('x-public-key') === 'carol'),
    ).toHaveLength(0);
  });

  it('mounts in a later task when its attributes are fixed, and shows a problem made while it waits at once', async () => {
    const world = createFakeWorld();
    const el = placeElement(world, { context: 'world', 'public-key': 'bob' });
    const note = () => shadow(el).querySelector('p[role="alert"]')?.textContent;
    expect(note()).toBe('hero-messaging: missing attribute osis-url');
    el.setAttribute('osis-url', 'http://osis.test');
    // Fixed in the host's task: the island mounts in the next one.
    expect(note()).toBeUndefined();
    expect(shadow(el).querySelector('.hm-host')).toBeNull();
    el.setAttribute('transport', 'pigeon');
    expect(note()).toBe('hero-messaging: transport must be "sse" or "poll", not "pigeon"');
    el.setAttribute('transport', 'sse');
    await waitFor(() => expect(statusText(el)).toBe('Live'));
    expect(world.server.connections).toHaveLength(1);
  });

  it('restarts as the new user when public-key changes', async () => {
    const world = createFakeWorld();
    const el = placeElement(world);
    await waitFor(() => expect(statusText(el)).toBe('Live'));
    const first = world.server.connections[0]!;
    el.setAttribute('public-key', 'carol');
    await waitFor(() => expect(first.aborted).toBe(true));
    await waitFor(() => expect(world.server.current!.headers.get('x-public-key')).toBe('carol'));
    await waitFor(() => expect(rowOf(shadow(el), world.group.sid)).toBeTruthy());
    expect(rowOf(shadow(el), world.dm.sid)).toBeNull();
  });

  it('stops its stream and leaves no timers when removed, but not when moved', async () => {
    useFakeTimeouts();
    const world = createFakeWorld();
    const timersBefore = vi.getTimerCount();
    const el = placeElement(world);
    await vi.waitFor(() => expect(statusText(el)).toBe('Live'));
    const conn = world.server.connections[0]!;
    const other = document.createElement('div');
    document.body.append(other);
    other.append(el); // a move
    await vi.advanceTimersByTimeAsync(10);
    expect(conn.aborted).toBe(false);
    el.remove();
    await vi.advanceTimersByTimeAsync(0);
    expect(conn.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(timersBefore);
    expect(world.server.connections).toHaveLength(1);
  });

  it('dispatches hm-status, hm-unread and hm-open, bubbling and composed', async () => {
    const world = createFakeWorld();
    const seen: { type: string; detail: unknown; bubbles: boolean; composed: boolean }[] = [];
    for (const type of ['hm-status', 'hm-unread', 'hm-open']) {
      document.addEventListener(type, (e) => {
        const ev = e as CustomEvent;
        seen.push({ type, detail: ev.detail, bubbles: ev.bubbles, composed: ev.composed });
      });
    }
    const el = placeElement(world);
    await waitFor(() => expect(statusText(el)).toBe('Live'));
    await waitFor(() =>
      expect(
        seen.some((e) => e.type === 'hm-unread' && (e.detail as { total: number }).total === 1),
      ).toBe(true),
    );
    expect(
      seen.find(
        (e) => e.type === 'hm-status' && (e.detail as { status: string }).status === 'live',
      ),
    ).toBeTruthy();
    world.send('carol', world.group.sid, 'ping');
    await waitFor(() =>
      expect(seen.filter((e) => e.type === 'hm-unread').at(-1)?.detail).toEqual({ total: 2 }),
    );
    rowOf(shadow(el), world.dm.sid)!.click();
    await waitFor(() =>
      expect(seen.filter((e) => e.type === 'hm-open').at(-1)?.detail).toEqual({
        sid: world.dm.sid,
      }),
    );
    await waitFor(() =>
      expect(seen.filter((e) => e.type === 'hm-unread').at(-1)?.detail).toEqual({ total: 1 }),
    );
    expect(seen.every((e) => e.bubbles && e.composed)).toBe(true);
    const unreadTotals = seen
      .filter((e) => e.type === 'hm-unread')
      .map((e) => (e.detail as { total: number }).total);
    expect(unreadTotals.every((t, i) => i === 0 || t !== unreadTotals[i - 1])).toBe(true);
  });

  it('tells hm-unread 0, then the whole list’s total, never that of the first part it shows first', async () => {
    const world = createFakeWorld();
    // A long list: its newest part is shown before the rest is checked.
    for (let i = 0; i < 1500; i++) {
      const conv = world.service.call('world', 'carol', 'conversation.set', {
        name: `Room ${i}`,
        participant_keys: ['bob', 'carol'],
      }) as { sid: string };
      world.send('carol', conv.sid, `hello ${i}`);
    }
    const totals: number[] = [];
    document.addEventListener('hm-unread', (e) =>
      totals.push((e as CustomEvent<{ total: number }>).detail.total),
    );
    const el = placeElement(world);
    await waitFor(() => expect(statusText(el)).toBe('Live'), { timeout: 10_000 });
    await waitFor(() => expect(totals.at(-1)).toBe(1501));
    expect(totals).toEqual([0, 1501]);
  });

  it('tells hm-unread 0 when it starts again as someone whose list is not in', async () => {
    const world = createFakeWorld();
    const totals: number[] = [];
    document.addEventListener('hm-unread', (e) =>
      totals.push((e as CustomEvent<{ total: number }>).detail.total),
    );
    const el = placeElement(world);
    await waitFor(() => expect(totals.at(-1)).toBe(1));
    el.setAttribute('public-key', 'nobody-known');
    await waitFor(() => expect(totals.at(-1)).toBe(0));
  });

  it('shows why it could not start (telling the host it is offline), and starts when the cause is gone', async () => {
    const world = createFakeWorld();
    const statuses: string[] = [];
    const onStatus = (e: Event) =>
      statuses.push((e as CustomEvent<{ status: string }>).detail.status);
    document.addEventListener('hm-status', onStatus);
    const el = document.createElement('hero-messaging');
    for (const [name, value] of Object.entries(identity)) el.setAttribute(name, value);
    el.client = {
      ...world.client('bob'),
      subscribe: () => {
        throw new Error('refused by the page');
      },
    };
    document.body.append(el);
    const note = () => shadow(el).querySelector('p[role="alert"]');
    // The island mounts in the task after the connection.
    await waitFor(() =>
      expect(note()?.textContent).toBe('hero-messaging: could not start: refused by the page'),
    );
    expect(shadow(el).querySelector('.hm-host')).toBeNull();
    expect(statuses.at(-1)).toBe('offline');
    el.client = world.client('bob');
    el.setAttribute('context', 'world ');
    await waitFor(() => expect(statusText(el)).toBe('Live'));
    expect(note()).toBeNull();
    expect(statuses.at(-1)).toBe('live');
    document.removeEventListener('hm-status', onStatus);
  });

  it.each([
    [{ context: 'world', 'public-key': 'bob' }, 'missing attribute osis-url'],
    [{ 'osis-url': 'http://osis.test' }, 'missing attributes context, public-key'],
    [{ ...identity, routing: 'browser' }, 'routing must be "memory" or "hash"'],
    [{ ...identity, 'osis-url': 'ftp://x' }, 'osis-url must be an http(s) URL'],
  ])('shows a clear message instead of failing silently (%j)', async (attrs, message) => {
    const world = createFakeWorld();
    const el = placeElement(world, attrs);
    const note = () => shadow(el).querySelector('p[role="alert"]');
    expect(note()?.textContent).toMatch(/^hero-messaging: /);
    expect(note()?.textContent).toContain(message);
    // Styled by an adopted sheet, not a style attribute a strict host would block.
    expect(note()?.hasAttribute('style')).toBe(false);
    expect(getComputedStyle(note()!).paddingTop).toBe('12px');
    expect(world.server.connections).toHaveLength(0);
    el.removeAttribute('routing');
    for (const [name, value] of Object.entries(identity)) el.setAttribute(name, value);
    await waitFor(() => expect(statusText(el)).toBe('Live'));
    expect(note()).toBeNull();
    expect(shadow(el).adoptedStyleSheets).toHaveLength(1);
  });
});

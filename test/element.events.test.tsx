import { fireEvent, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { type HeroMessagingEventMap } from '../src/element.tsx';
import { createFakeWorld } from './support/fake-world.ts';
import { rowOf } from './support/island.ts';
import { identity, placeElement, shadow } from './support/element.ts';

const listeners: (() => void)[] = [];
afterEach(() => {
  for (const remove of listeners.splice(0)) remove();
});

/** Every detail of one event type that reaches the document, in order. */
function record<K extends keyof HeroMessagingEventMap>(
  type: K,
): HeroMessagingEventMap[K]['detail'][] {
  const details: HeroMessagingEventMap[K]['detail'][] = [];
  const listener = (e: Event) => details.push((e as HeroMessagingEventMap[K]).detail);
  document.addEventListener(type, listener);
  listeners.push(() => document.removeEventListener(type, listener));
  return details;
}

const pill = (el: HTMLElement) => el.shadowRoot!.querySelector('.hm-status');

describe('<hero-messaging> host events', () => {
  it('sends hm-status once per change, as { status }, and no hm-open while no chat is opened', async () => {
    const world = createFakeWorld();
    const statuses = record('hm-status');
    const opens = record('hm-open');
    const el = placeElement(world);
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    await waitFor(() => expect(rowOf(shadow(el), world.dm.sid)).toBeTruthy());
    expect(statuses).toEqual([{ status: 'connecting' }, { status: 'live' }]);
    expect(opens).toEqual([]);
  });

  it('tells when the next try is while reconnecting, then live again', async () => {
    const world = createFakeWorld();
    const statuses = record('hm-status');
    const el = placeElement(world);
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    const before = Date.now();
    world.server.current!.close();
    await waitFor(() => expect(statuses.some((s) => s.status === 'reconnecting')).toBe(true));
    const reconnecting = statuses.find((s) => s.status === 'reconnecting')!;
    expect(Object.keys(reconnecting).sort()).toEqual(['retryAt', 'status']);
    expect(reconnecting.retryAt).toBeGreaterThanOrEqual(before);
    // "Retry now", unless the jittered wait has already ended.
    el.shadowRoot!.querySelector<HTMLButtonElement>('.hm-status button')?.click();
    await waitFor(() => expect(statuses.at(-1)).toEqual({ status: 'live' }));
    // Neighbours always differ: nothing is repeated.
    expect(
      statuses.every((s, i) => i === 0 || JSON.stringify(s) !== JSON.stringify(statuses[i - 1])),
    ).toBe(true);
  });

  it('says offline, with nothing unread, when a bad attribute stops the island, and live again once it is fixed', async () => {
    const world = createFakeWorld();
    const statuses = record('hm-status');
    const totals = record('hm-unread');
    const el = placeElement(world);
    await waitFor(() => expect(statuses.at(-1)).toEqual({ status: 'live' }));
    el.setAttribute('routing', 'nowhere');
    expect(el.shadowRoot!.querySelector('p[role="alert"]')?.textContent).toContain(
      'routing must be',
    );
    // Not the last island's "live": nothing is connected now, nor tries to be; told once the host's script is done.
    await Promise.resolve();
    expect(statuses.at(-1)).toEqual({ status: 'offline' });
    expect(totals.at(-1)).toEqual({ total: 0 });
    el.removeAttribute('routing');
    await waitFor(() => expect(statuses.at(-1)).toEqual({ status: 'live' }));
  });

  it('starts again when the host fixes the attribute as soon as it hears offline', async () => {
    const world = createFakeWorld();
    const el = placeElement(world);
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    const fix = (e: Event) =>
      (e as CustomEvent<{ status: string }>).detail.status === 'offline' &&
      el.removeAttribute('routing');
    document.addEventListener('hm-status', fix);
    listeners.push(() => document.removeEventListener('hm-status', fix));
    el.setAttribute('routing', 'nowhere');
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    expect(el.shadowRoot!.querySelector('p[role="alert"]')).toBeNull();
  });

  it('says nothing of a missing attribute to a host that adds the element first and sets its attributes next', async () => {
    const world = createFakeWorld();
    const statuses = record('hm-status');
    const el = document.createElement('hero-messaging');
    el.fetch = world.server.fetch;
    document.body.append(el);
    for (const [name, value] of Object.entries(identity)) el.setAttribute(name, value);
    await waitFor(() => expect(pill(el)?.textContent).toBe('Live'));
    expect(statuses).toEqual([{ status: 'connecting' }, { status: 'live' }]);
  });

  it('sends hm-open when the open chat changes, and only then', async () => {
    const world = createFakeWorld();
    const opens = record('hm-open');
    const el = placeElement(world);
    await waitFor(() => expect(rowOf(shadow(el), world.dm.sid)).toBeTruthy());
    fireEvent.click(rowOf(shadow(el), world.dm.sid)!);
    await waitFor(() => expect(opens).toEqual([{ sid: world.dm.sid }]));
    fireEvent.click(rowOf(shadow(el), world.dm.sid)!);
    fireEvent.click(rowOf(shadow(el), world.group.sid)!);
    await waitFor(() => expect(opens).toEqual([{ sid: world.dm.sid }, { sid: world.group.sid }]));
    fireEvent.click(el.shadowRoot!.querySelector<HTMLButtonElement>('.hm-chat .hm-back')!);
    await waitFor(() =>
      expect(opens).toEqual([{ sid: world.dm.sid }, { sid: world.group.sid }, { sid: undefined }]),
    );
  });
});

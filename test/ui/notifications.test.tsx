import { fireEvent, waitFor } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../../src/protocol/index.ts';
import { type IslandOptions } from '../../src/ui/index.ts';
import { notificationPreview, type NotificationApi } from '../../src/ui/notifications.ts';
import { createFakeBrowser, type FakeTab } from '../support/fake-tabs.ts';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';
import { mount, rowOf } from '../support/island.ts';

// Opt-in desktop notifications, one per message across the person's tabs.

interface Shown {
  title: string;
  options: { body: string; tag: string };
  onclick: ((event: Event) => void) | null;
  closed: boolean;
}

/** A `Notification` that records what it is asked to show; `requestPermission` answers `answer`. */
function fakeNotification(
  permission: NotificationPermission,
  answer: NotificationPermission = 'granted',
) {
  const shown: Shown[] = [];
  const api = class {
    static permission = permission;
    static asked = 0;
    static requestPermission() {
      api.asked++;
      api.permission = answer;
      return Promise.resolve(answer);
    }
    onclick: ((event: Event) => void) | null = null;
    closed = false;
    constructor(
      readonly title: string,
      readonly options: { body: string; tag: string },
    ) {
      shown.push(this);
    }
    close() {
      this.closed = true;
    }
  };
  return { api: api satisfies NotificationApi, shown };
}

interface Page {
  host: HTMLElement;
  visible: boolean;
  /** Where the page's `visibilitychange` events come from (see `show`). */
  events: EventTarget;
  focus: ReturnType<typeof vi.fn<() => void>>;
}

/** The page becomes visible or hidden, as the person switches tabs. */
function show(page: Page, visible: boolean) {
  page.visible = visible;
  page.events.dispatchEvent(new Event('visibilitychange'));
}

function mountPage(
  world: FakeWorld,
  Notification: NotificationApi,
  extra: Partial<IslandOptions> & { tab?: FakeTab; key?: string } = {},
): Page {
  const { tab, key = 'bob', ...options } = extra;
  const page: Omit<Page, 'host'> = {
    visible: false,
    events: new EventTarget(),
    focus: vi.fn<() => void>(),
  };
  const client = world.client(
    key,
    tab
      ? {
          shareAcrossTabs: {
            locks: tab.locks,
            BroadcastChannel: tab.BroadcastChannel,
            pageEvents: tab.pageEvents,
          },
        }
      : {},
  );
  const { host } = mount({
    publicKey: key,
    client,
    notify: true,
    Notification,
    focus: page.focus,
    environment: { isVisible: () => page.visible, visibilityEvents: page.events },
    ...options,
  });
  return Object.assign(page, { host });
}

async function live(page: Page) {
  await waitFor(() => expect(page.host.querySelector('.hm-status')?.textContent).toBe('Live'));
  // The contacts, for the sender's name.
  await waitFor(() =>
    expect(page.host.querySelector('.hm-conv-title')?.textContent).not.toBe('alice'),
  );
}

/** Waits until the island in `page` shows `text` as a preview: the message has been through it. */
async function arrived(page: Page, text: string) {
  await waitFor(() => expect(page.host.querySelector('.hm-conv-preview')?.textContent).toBe(text));
}

const enable = (page: Page) =>
  [...page.host.querySelectorAll('button')].find((b) => b.textContent === 'Enable notifications');

describe('desktop notifications', () => {
  it('shows one for a message from someone else while the page is hidden: the sender, a preview, the message as tag', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('granted');
    const page = mountPage(world, api);
    await live(page);
    const message: ChatMessage = world.send('alice', world.dm.sid, 'Are you there?');
    await arrived(page, 'Are you there?');
    expect(shown.map((n) => [n.title, n.options])).toEqual([
      ['Alice', { body: 'Are you there?', tag: message.sid }],
    ]);
  });

  it('cuts a long message to a preview of 100 characters on one line', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('granted');
    const page = mountPage(world, api);
    await live(page);
    const long = `First line\n\n${'x'.repeat(200)}`;
    world.send('alice', world.dm.sid, long);
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]!.options.body).toBe(`First line ${'x'.repeat(88)}…`);
    expect(shown[0]!.options.body).toHaveLength(100);
  });

  it('cuts the preview between graphemes: an emoji at the cut is left out whole, never split', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('granted');
    const page = mountPage(world, api);
    await live(page);
    // 98 + 2 code units: a cut at 99 would leave half of the thumbs-up; the family is one grapheme of 8.
    world.send('alice', world.dm.sid, `${'x'.repeat(98)}👍 and more`);
    world.send('alice', world.dm.sid, `${'y'.repeat(95)}👨‍👩‍👧 and more`);
    await waitFor(() => expect(shown).toHaveLength(2));
    expect(shown.map((n) => n.options.body)).toEqual([`${'x'.repeat(98)}…`, `${'y'.repeat(95)}…`]);
    // No half of a surrogate pair anywhere (a browser shows one as �).
    for (const n of shown) expect(n.options.body).not.toMatch(/\p{Cs}/u);
  });

  it('keeps bidi and other control characters out of the preview', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('granted');
    const page = mountPage(world, api);
    await live(page);
    world.send(
      'alice',
      world.dm.sid,
      'pay at \u202ehttps://attacker.example/nigol\u202c now\u0007 \u2066ok\u2069 \u200fthanks',
    );
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]!.options.body).toBe('pay at https://attacker.example/nigol now ok thanks');
  });

  it('shows none for the person’s own message, none while the page is visible, none without `notify`', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('granted');
    const page = mountPage(world, api);
    const quiet = mountPage(world, api, { key: 'alice', notify: false });
    await live(page);
    await live(quiet);
    world.send('bob', world.dm.sid, 'mine');
    await arrived(page, 'mine');
    await arrived(quiet, 'mine');
    page.visible = true;
    world.send('alice', world.dm.sid, 'seen');
    await arrived(page, 'seen');
    expect(shown).toEqual([]);
  });

  it('shows none without permission', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('denied');
    const page = mountPage(world, api);
    await live(page);
    world.send('alice', world.dm.sid, 'hello?');
    await arrived(page, 'hello?');
    expect(shown).toEqual([]);
  });

  it('is shown by the leading tab only, once for a message reaching every tab', async () => {
    const world = createFakeWorld();
    const browser = createFakeBrowser();
    const first = fakeNotification('granted');
    const second = fakeNotification('granted');
    const leader = mountPage(world, first.api, { tab: browser.tab() });
    await live(leader);
    const follower = mountPage(world, second.api, { tab: browser.tab() });
    await live(follower);
    expect(world.server.connections.filter((c) => !c.ended && !c.aborted)).toHaveLength(1);
    world.send('alice', world.dm.sid, 'to both');
    await arrived(follower, 'to both');
    await arrived(leader, 'to both');
    expect(first.shown.map((n) => n.options.body)).toEqual(['to both']);
    expect(second.shown).toEqual([]);
  });

  it('is not shown for a chat the person is reading in another, visible tab', async () => {
    const world = createFakeWorld();
    const browser = createFakeBrowser();
    const first = fakeNotification('granted');
    const leader = mountPage(world, first.api, { tab: browser.tab() });
    await live(leader);
    const reader = mountPage(world, fakeNotification('granted').api, { tab: browser.tab() });
    show(reader, true);
    await live(reader);
    fireEvent.click(rowOf(reader.host, world.dm.sid)!);
    await waitFor(() => expect(reader.host.querySelector('.hm-messages')).not.toBeNull());
    // The hidden leader hears of it over the shared stream, and keeps quiet for that chat only.
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.send('alice', world.dm.sid, 'read right away');
    world.send('carol', world.group.sid, 'in another chat');
    await arrived(leader, 'in another chat');
    await waitFor(() =>
      expect(first.shown.map((n) => n.options.body)).toEqual(['in another chat']),
    );
    // Once that tab is hidden too, or shows another chat, the chat notifies again.
    show(reader, false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.send('alice', world.dm.sid, 'nobody is looking');
    await waitFor(() =>
      expect(first.shown.map((n) => n.options.body)).toEqual([
        'in another chat',
        'nobody is looking',
      ]),
    );
    show(reader, true);
    fireEvent.click(rowOf(reader.host, world.group.sid)!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    world.send('alice', world.dm.sid, 'looking elsewhere');
    await waitFor(() =>
      expect(first.shown.map((n) => n.options.body)).toEqual([
        'in another chat',
        'nobody is looking',
        'looking elsewhere',
      ]),
    );
  });

  it('focuses the tab and opens the chat when clicked', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('granted');
    const page = mountPage(world, api);
    await live(page);
    world.send('carol', world.group.sid, 'Lake on Saturday?');
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]!.title).toBe('Carol');
    shown[0]!.onclick!(new Event('click'));
    expect(page.focus).toHaveBeenCalledTimes(1);
    expect(shown[0]!.closed).toBe(true);
    await waitFor(() =>
      expect(rowOf(page.host, world.group.sid)?.getAttribute('aria-current')).toBe('page'),
    );
    await waitFor(() =>
      expect(
        [...page.host.querySelectorAll('.hm-msg .hm-text')].map((n) => n.textContent),
      ).toContain('Lake on Saturday?'),
    );
  });
});

describe('the Enable notifications control', () => {
  it('asks for permission only when clicked, then goes away', async () => {
    const world = createFakeWorld();
    const { api, shown } = fakeNotification('default');
    const page = mountPage(world, api);
    await live(page);
    expect(api.asked).toBe(0);
    world.send('alice', world.dm.sid, 'before');
    await arrived(page, 'before');
    expect(shown).toEqual([]);
    fireEvent.click(enable(page)!);
    expect(api.asked).toBe(1);
    await waitFor(() => expect(enable(page)).toBeUndefined());
    world.send('alice', world.dm.sid, 'after');
    await waitFor(() => expect(shown.map((n) => n.options.body)).toEqual(['after']));
  });

  it('goes away when the person says no, and asks nothing more', async () => {
    const world = createFakeWorld();
    const { api } = fakeNotification('default', 'denied');
    const page = mountPage(world, api);
    await live(page);
    fireEvent.click(enable(page)!);
    await waitFor(() => expect(enable(page)).toBeUndefined());
    expect(api.asked).toBe(1);
  });

  it('is not there without `notify`, once permission is given or refused, or without notifications', async () => {
    const world = createFakeWorld();
    const pages = [
      mountPage(world, fakeNotification('default').api, { notify: false }),
      mountPage(world, fakeNotification('granted').api),
      mountPage(world, fakeNotification('denied').api),
      mountPage(world, undefined as unknown as NotificationApi, { Notification: undefined }),
    ];
    for (const page of pages) await live(page);
    expect(pages.map(enable)).toEqual([undefined, undefined, undefined, undefined]);
    // The control itself is there when it should be.
    const asking = mountPage(world, fakeNotification('default').api);
    await waitFor(() => expect(enable(asking)).toBeDefined());
  });
});

describe('notificationPreview', () => {
  it('cuts by code point where Intl.Segmenter is missing: never half of a surrogate pair', () => {
    const segmenter = Object.getOwnPropertyDescriptor(Intl, 'Segmenter')!;
    Object.defineProperty(Intl, 'Segmenter', { value: undefined, configurable: true });
    try {
      expect(notificationPreview(`${'x'.repeat(98)}👍 and more`)).toBe(`${'x'.repeat(98)}…`);
      expect(notificationPreview(`${'x'.repeat(97)}👍 and more`)).toBe(`${'x'.repeat(97)}👍…`);
    } finally {
      Object.defineProperty(Intl, 'Segmenter', segmenter);
    }
    expect(notificationPreview(`${'x'.repeat(97)}👍 and more`)).toBe(`${'x'.repeat(97)}👍…`);
  });
});

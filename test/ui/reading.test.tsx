import { fireEvent, waitFor } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { createCommunicationClient } from '../../src/sdk/index.ts';
import { createFakeWorld, type FakeWorld } from '../support/fake-world.ts';
import { fakeLayout } from '../support/fake-layout.ts';
import { mount, rowOf, sendText } from '../support/island.ts';

const texts = (host: HTMLElement) =>
  [...host.querySelectorAll('.hm-msg .hm-text')].map((n) => n.textContent);
const scroller = (host: HTMLElement) => host.querySelector<HTMLElement>('.hm-messages')!;
const jump = (host: HTMLElement) => host.querySelector<HTMLButtonElement>('.hm-jump');
/** The text of the first message under the "New messages" divider. */
function underDivider(host: HTMLElement): string | null | undefined {
  let el = host.querySelector('.hm-unread')?.nextElementSibling;
  while (el && !el.classList.contains('hm-msg')) el = el.nextElementSibling;
  return el?.querySelector('.hm-text')?.textContent;
}

/** Opens `sid` by its row, laid out by `fakeLayout` from the moment its list exists. */
async function openLaidOut(host: HTMLElement, sid: string) {
  await waitFor(() => expect(rowOf(host, sid)).toBeTruthy());
  fireEvent.click(rowOf(host, sid)!);
  fakeLayout(scroller(host));
}

/** The next animation frame: the list scrolls to the bottom in one. */
const frame = () => new Promise((r) => requestAnimationFrame(r));

async function live(host: HTMLElement) {
  await waitFor(() => expect(host.querySelector('.hm-status')?.textContent).toBe('Live'));
}

function send(world: FakeWorld, sid: string, count: number, prefix: string) {
  for (let i = 0; i < count; i++) world.send('alice', sid, `${prefix} ${i}`);
}

describe('where a chat opens', () => {
  it('shows "New messages" above the first unread one, opens at the bottom when that is in view, and keeps it put until the chat is left', async () => {
    const world = createFakeWorld();
    world.service.call('world', 'bob', 'conversation.mark_read', { sid: world.dm.sid });
    send(world, world.dm.sid, 3, 'unread');
    const { host } = mount({ world });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    await waitFor(() => expect(underDivider(host)).toBe('unread 0'));
    expect(host.querySelectorAll('.hm-unread')).toHaveLength(1);
    expect(host.querySelector('.hm-unread')!.textContent).toBe('New messages');
    expect(jump(host)).toBeNull();
    world.send('alice', world.dm.sid, 'later');
    await waitFor(() => expect(texts(host).at(-1)).toBe('later'));
    expect(underDivider(host)).toBe('unread 0');
    // Read on the server too (marking read is debounced), before the chat is left.
    await waitFor(() =>
      expect(
        world.service.call('world', 'bob', 'conversation.get', { sid: world.dm.sid }),
      ).toMatchObject({ unread_count: 0 }),
    );
    fireEvent.click(rowOf(host, world.group.sid)!);
    await waitFor(() => expect(texts(host)).toEqual(['Welcome to the crew']));
    expect(host.querySelector('.hm-unread')).toBeNull();
    fireEvent.click(rowOf(host, world.dm.sid)!);
    await waitFor(() => expect(texts(host).at(-1)).toBe('later'));
    expect(host.querySelector('.hm-unread')).toBeNull();
  });

  it('takes "New messages" away once the person replies', async () => {
    const world = createFakeWorld();
    world.service.call('world', 'bob', 'conversation.mark_read', { sid: world.dm.sid });
    send(world, world.dm.sid, 2, 'unread');
    const { host } = mount({ world });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    await waitFor(() => expect(underDivider(host)).toBe('unread 0'));
    sendText(host, 'On it');
    await waitFor(() => expect(texts(host).at(-1)).toBe('On it'));
    expect(host.querySelector('.hm-unread')).toBeNull();
  });

  it('with 100 unread, loads older pages until the first unread one is there and opens at it; jump to latest goes to the bottom', async () => {
    const world = createFakeWorld();
    world.service.call('world', 'bob', 'conversation.mark_read', { sid: world.dm.sid });
    send(world, world.dm.sid, 100, 'u');
    const { host } = mount({ world });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    await waitFor(() => expect(underDivider(host)).toBe('u 0'));
    const pages = world.server.rpcCalls.filter(
      (c) =>
        c.method === 'conversation.list_messages' &&
        (c.params as { sid: string }).sid === world.dm.sid,
    );
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.some((c) => (c.params as { before_seq?: number }).before_seq !== undefined)).toBe(
      true,
    );
    // Opened with the divider at the top of the viewport, the reader scrolled up from the latest.
    await waitFor(() =>
      expect(host.querySelector('.hm-unread')!.getBoundingClientRect().top + 0).toBe(0),
    );
    expect(jump(host)).not.toBeNull();
    expect(jump(host)!.getAttribute('aria-label')).toMatch(/^Jump to latest, \d+ messages below$/);
    fireEvent.click(jump(host)!);
    await waitFor(() => expect(jump(host)).toBeNull());
    await waitFor(() => expect(texts(host).at(-1)).toBe('u 99'));
    const last = [...host.querySelectorAll('.hm-msg')].at(-1)!;
    await waitFor(() =>
      expect(last.getBoundingClientRect().bottom).toBeLessThanOrEqual(scroller(host).clientHeight),
    );
  });

  it('scrolled up, offers to jump to the latest with the number of messages below, counting arrivals', async () => {
    const world = createFakeWorld();
    send(world, world.dm.sid, 40, 'm');
    world.service.call('world', 'bob', 'conversation.mark_read', { sid: world.dm.sid });
    const { host } = mount({ world });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    await waitFor(() => expect(texts(host).at(-1)).toBe('m 39'));
    expect(host.querySelector('.hm-unread')).toBeNull();
    expect(jump(host)).toBeNull();
    await frame();
    // Scrolled so that the last five messages are under the viewport's bottom edge.
    const list = scroller(host);
    const rows = [...list.children];
    const fifthLast = rows.indexOf(rows.filter((el) => el.classList.contains('hm-msg')).at(-5)!);
    list.scrollTop = fifthLast * 50 - 500;
    fireEvent.scroll(list);
    await waitFor(() => expect(jump(host)?.textContent).toBe('↓ 5'));
    expect(jump(host)!.getAttribute('aria-label')).toBe('Jump to latest, 5 messages below');
    world.send('alice', world.dm.sid, 'one more');
    await waitFor(() => expect(jump(host)?.textContent).toBe('↓ 6'));
    fireEvent.click(jump(host)!);
    await waitFor(() => expect(jump(host)).toBeNull());
  });
});

describe('a failed send', () => {
  it('says why in words next to Retry and Discard, and is scrolled into view', async () => {
    const world = createFakeWorld();
    send(world, world.dm.sid, 30, 'm');
    world.service.call('world', 'bob', 'conversation.mark_read', { sid: world.dm.sid });
    // The send fails only when the test says, after its bubble was scrolled to: a server that went away.
    let failSend!: () => void;
    const down = new Promise<void>((resolve) => (failSend = resolve));
    const fetchFn: typeof fetch = async (input, init) => {
      if (init?.method === 'POST' && String(init.body).includes('"conversation.send_message"')) {
        await down;
        throw new TypeError('fetch failed');
      }
      return world.server.fetch(input, init);
    };
    const client = createCommunicationClient({
      baseUrl: 'http://osis.test',
      context: 'world',
      publicKey: 'bob',
      fetch: fetchFn,
      environment: { random: () => 0 },
    });
    const { host } = mount({ world, client });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    await waitFor(() => expect(texts(host).at(-1)).toBe('m 29'));
    sendText(host, 'into the void');
    await waitFor(() => expect(host.querySelector('.hm-msg[data-status="sending"]')).toBeTruthy());
    await frame();
    const list = scroller(host);
    const bottom = (el: Element) => el.getBoundingClientRect().bottom;
    expect(bottom(host.querySelector('.hm-msg[data-status="sending"]')!)).toBeLessThanOrEqual(
      list.clientHeight,
    );
    failSend();
    await waitFor(() => expect(host.querySelector('.hm-failed-note')).toBeTruthy());
    expect(host.querySelector('.hm-failed-note')!.textContent).toBe(
      'Not sent: the server could not be reached. Retry · Discard',
    );
    // The note made the bubble taller; it is scrolled into view at once, not left under the edge.
    expect(bottom(host.querySelector('.hm-msg.hm-failed')!)).toBeLessThanOrEqual(list.clientHeight);
  });
});

describe('screen readers', () => {
  it('reads out messages from others in the open chat through a hidden announcer, not through the windowed log', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    await waitFor(() => expect(texts(host)).toEqual(['Hi Bob', 'Hi Alice']));
    const log = scroller(host);
    expect(log.getAttribute('role')).toBe('log');
    expect(log.getAttribute('aria-live')).toBe('off');
    const announcer = host.querySelector('.hm-sr[aria-live="polite"]')!;
    // What was there when the chat opened is not news.
    expect(announcer.textContent).toBe('');
    world.send('alice', world.dm.sid, 'hello');
    await waitFor(() => expect(announcer.textContent).toBe('Alice: hello'));
    sendText(host, 'my own');
    await waitFor(() => expect(texts(host).at(-1)).toBe('my own'));
    world.send('bob', world.dm.sid, 'from my other tab');
    await waitFor(() => expect(texts(host).at(-1)).toBe('from my other tab'));
    expect(announcer.textContent).toBe('Alice: hello');
    // Another chat's messages are the list's business (its row), not the announcer's.
    world.send('carol', world.group.sid, 'psst');
    await waitFor(() => expect(rowOf(host, world.group.sid)!.textContent).toContain('psst'));
    expect(announcer.textContent).toBe('Alice: hello');
  });

  it('shows and announces the character count only near the limit', async () => {
    const world = createFakeWorld();
    const { host } = mount({ world });
    await live(host);
    await openLaidOut(host, world.dm.sid);
    const input = host.querySelector<HTMLTextAreaElement>('textarea')!;
    const counter = host.querySelector('.hm-counter')!;
    expect(counter.getAttribute('aria-live')).toBe('polite');
    fireEvent.input(input, { target: { value: 'x'.repeat(3800) } });
    expect(counter.textContent).toBe('');
    fireEvent.input(input, { target: { value: 'x'.repeat(3801) } });
    expect(counter.textContent).toBe('3801/4000');
    fireEvent.input(input, { target: { value: 'hi' } });
    expect(counter.textContent).toBe('');
  });
});

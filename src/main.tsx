// The page `npm run dev` serves. By default a small host page embedding two <hero-messaging> elements
// (Alice and Bob, each switchable) that shows each one's unread total and status in its own header.
// `/?as=alice` runs a single island on the whole page instead (hash routing).
import { defineHeroMessaging, type HeroMessagingElement } from './element.tsx';
import { mountIsland } from './ui/index.ts';

const CONTACTS = ['alice', 'bob', 'carol', 'dave'];
const label = (key: string) => key[0]!.toUpperCase() + key.slice(1);
const params = new URLSearchParams(location.search);
const context = params.get('context') ?? 'demo';
const single = params.get('as');

function picker(selected: string, onChange: (key: string) => void): HTMLSelectElement {
  const select = document.createElement('select');
  for (const key of CONTACTS) select.add(new Option(label(key), key, false, key === selected));
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

const app = document.querySelector<HTMLElement>('#app')!;
if (single) {
  document.title = `${label(single)} · hero-messaging`;
  document.querySelector('#shell-controls')!.append(
    'You are ',
    picker(single, (key) => {
      params.set('as', key);
      location.search = params.toString();
    }),
  );
  app.className = 'single';
  const host = document.createElement('div');
  host.className = 'frame';
  app.append(host);
  mountIsland(host, { baseUrl: '', context, publicKey: single, routing: 'hash' });
} else {
  defineHeroMessaging();
  app.className = 'pair';
  for (const [i, key] of [params.get('left') ?? 'alice', params.get('right') ?? 'bob'].entries()) {
    const pane = document.createElement('section');
    pane.className = 'pane';
    const bar = document.createElement('header');
    bar.className = 'pane-bar';
    const unread = document.createElement('span');
    unread.className = 'pill';
    unread.textContent = '0 unread';
    const status = document.createElement('span');
    status.className = 'pill';
    status.textContent = 'connecting';
    const el = document.createElement('hero-messaging') as HeroMessagingElement;
    el.setAttribute('osis-url', '/');
    el.setAttribute('context', context);
    el.setAttribute('public-key', key);
    el.className = 'frame';
    el.addEventListener('hm-unread', (e) => (unread.textContent = `${e.detail.total} unread`));
    el.addEventListener('hm-status', (e) => {
      status.textContent = e.detail.status;
      status.dataset.state = e.detail.status;
    });
    const who = picker(key, (next) => {
      el.setAttribute('public-key', next);
      params.set(i === 0 ? 'left' : 'right', next);
      history.replaceState(null, '', `?${params}`);
    });
    bar.append(who, unread, status);
    pane.append(bar, el);
    app.append(pane);
  }
  const solo = document.createElement('a');
  solo.href = '?as=alice';
  solo.textContent = 'one island';
  document.querySelector('#shell-controls')!.append(solo);
}

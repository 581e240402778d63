// The standalone app under `vite dev`: one island against the dev backend, as the contact in `?as=`.
import { mountIsland } from './ui/index.ts';

const CONTACTS = ['alice', 'bob', 'carol', 'dave'];
const params = new URLSearchParams(location.search);
const as = params.get('as') ?? 'alice';
const context = params.get('context') ?? 'demo';

const picker = document.querySelector<HTMLSelectElement>('#as')!;
for (const key of CONTACTS) picker.add(new Option(key[0]!.toUpperCase() + key.slice(1), key, false, key === as));
picker.addEventListener('change', () => {
  params.set('as', picker.value);
  location.search = params.toString();
});
document.title = `${as} · hero-messaging`;

mountIsland(document.querySelector('#island')!, { baseUrl: '', context, publicKey: as, routing: 'hash' });

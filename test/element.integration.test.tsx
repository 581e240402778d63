import { waitFor } from '@solidjs/testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineHeroMessaging } from '../src/element.tsx';
import { startBackendServer, type RunningBackend } from '../mocks/backend/index.ts';
import { freshContext } from './support/backend.ts';
import { realFetch } from './support/real-fetch.ts';

let backend: RunningBackend;
beforeAll(async () => {
  defineHeroMessaging();
  backend = await startBackendServer({ seed: false });
});
afterAll(() => backend.close());

it('mounting and removing the element 50 times leaves the backend with no open subscribers', async () => {
  const context = freshContext('el');
  for (let i = 0; i < 50; i++) {
    const el = document.createElement('hero-messaging');
    el.setAttribute('osis-url', backend.url);
    el.setAttribute('context', context);
    el.setAttribute('public-key', i % 2 ? 'alice' : 'bob');
    el.fetch = realFetch;
    document.body.append(el);
    if (i % 10 === 0)
      await waitFor(() =>
        expect(el.shadowRoot!.querySelector('.hm-status')?.textContent).toBe('Live'),
      );
    else await new Promise((r) => setTimeout(r, 5));
    el.remove();
  }
  await waitFor(() => expect(backend.backend.stats().subscribers).toBe(0), { timeout: 5000 });
});

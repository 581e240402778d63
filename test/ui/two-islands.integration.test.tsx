import { waitFor } from '@solidjs/testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { startBackendServer, type RunningBackend } from '../../mocks/backend/index.ts';
import { call, freshContext } from '../support/backend.ts';
import { realFetch } from '../support/real-fetch.ts';
import { mount, openChat, rowOf, sendText } from '../support/island.ts';

let backend: RunningBackend;
beforeAll(async () => {
  backend = await startBackendServer({ seed: false });
});
afterAll(() => backend.close());

it('Alice sends; Bob, in the same document, sees it in his open chat and his list preview', async () => {
  const context = freshContext('ui');
  const dm = await call<Conversation>(backend.url, { context, key: 'alice' }, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const hosts = ['alice', 'bob'].map((key) =>
    mount({ baseUrl: backend.url, context, publicKey: key, fetch: realFetch }),
  );
  try {
    for (const { host } of hosts) {
      await openChat(host, dm.sid, (check) => waitFor(check, { timeout: 3000 }));
      await waitFor(() => expect(host.querySelector('.hm-status')?.textContent).toBe('Live'), {
        timeout: 3000,
      });
    }
    const [alice, bob] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    sendText(alice.host, 'Hello from Alice');
    await waitFor(
      () =>
        expect(
          [...bob.host.querySelectorAll('.hm-msg .hm-text')].map((n) => n.textContent),
        ).toEqual(['Hello from Alice']),
      { timeout: 2000 },
    );
    expect(rowOf(bob.host, dm.sid)!.textContent).toContain('Hello from Alice');
    await waitFor(() =>
      expect(alice.host.querySelector('.hm-msg[data-status="sent"]')).toBeTruthy(),
    );
    expect(alice.host.querySelectorAll('.hm-msg').length).toBe(1);
  } finally {
    for (const { dispose } of hosts) dispose();
  }
  await waitFor(() => expect(backend.backend.stats().subscribers).toBe(0));
});

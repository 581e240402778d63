import { waitFor } from '@solidjs/testing-library';
import { fireEvent } from '@solidjs/testing-library';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Conversation } from '../../src/protocol/index.ts';
import { mountIsland } from '../../src/ui/index.ts';
import { startBackendServer, type RunningBackend } from '../../mocks/backend/index.ts';
import { call, freshContext } from '../support/backend.ts';
import { realFetch } from '../support/real-fetch.ts';

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
  const hosts = ['alice', 'bob'].map((key) => {
    const host = document.createElement('div');
    document.body.append(host);
    const dispose = mountIsland(host, {
      baseUrl: backend.url,
      context,
      publicKey: key,
      fetch: realFetch,
    });
    return { host, dispose };
  });
  try {
    for (const { host } of hosts) {
      await waitFor(
        () => expect(host.querySelector(`button.hm-conv[data-sid="${dm.sid}"]`)).toBeTruthy(),
        { timeout: 3000 },
      );
      fireEvent.click(host.querySelector(`button.hm-conv[data-sid="${dm.sid}"]`)!);
      await waitFor(() => expect(host.querySelector('.hm-status')?.textContent).toBe('Live'), {
        timeout: 3000,
      });
    }
    const [alice, bob] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    const input = alice.host.querySelector<HTMLTextAreaElement>('textarea')!;
    fireEvent.input(input, { target: { value: 'Hello from Alice' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(
      () =>
        expect(
          [...bob.host.querySelectorAll('.hm-msg .hm-text')].map((n) => n.textContent),
        ).toEqual(['Hello from Alice']),
      { timeout: 2000 },
    );
    expect(bob.host.querySelector(`button.hm-conv[data-sid="${dm.sid}"]`)!.textContent).toContain(
      'Hello from Alice',
    );
    await waitFor(() =>
      expect(alice.host.querySelector('.hm-msg[data-status="sent"]')).toBeTruthy(),
    );
    expect(alice.host.querySelectorAll('.hm-msg').length).toBe(1);
  } finally {
    for (const { dispose } of hosts) dispose();
  }
  await waitFor(() => expect(backend.backend.stats().subscribers).toBe(0));
});

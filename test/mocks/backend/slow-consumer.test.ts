// @vitest-environment node
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Conversation } from '../../../src/protocol';
import type { RunningBackend } from '../../../mocks/backend';
import { call, freshContext, withBackend } from '../../support/backend';

const BOUND = 64 * 1024;
let server: RunningBackend;
beforeAll(async () => {
  server = await withBackend({ backlogBytes: BOUND });
});
afterAll(() => server.close());

it('cuts off a subscriber that stops reading, keeping its unsent backlog bounded', async () => {
  const context = freshContext();
  const conv = await call<Conversation>(server.url, { context, key: 'alice' }, 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  // A subscriber that never reads: its socket fills up, then the server's buffer does.
  let response: import('node:http').IncomingMessage | undefined;
  const req = request(`${server.url}/hero_osis_communication/events`, {
    headers: { 'X-Hero-Context': context, 'X-Public-Key': 'bob' },
  });
  req.on('response', (res) => {
    res.pause();
    response = res;
  });
  req.on('error', () => {});
  req.end();
  await expect.poll(() => server.backend.stats().subscribers).toBe(1);

  let worst = 0;
  const content = 'x'.repeat(4000);
  for (let batch = 0; batch < 250 && server.backend.stats().droppedSlow === 0; batch++) {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(server.url, { context, key: 'alice' }, 'conversation.send_message', {
          sid: conv.sid,
          content,
          nonce: `b${batch}-${i}`,
        }),
      ),
    );
    worst = Math.max(worst, server.backend.stats().backlogBytes);
  }
  expect(server.backend.stats().droppedSlow).toBe(1);
  expect(server.backend.stats().subscribers).toBe(0);
  expect(worst).toBeLessThanOrEqual(BOUND + 8 * 1024);
  // Once it reads again, it finds its stream ended by the server.
  const ended = new Promise<void>((resolve) => {
    response!.on('close', resolve);
    response!.on('error', () => resolve());
  });
  response!.resume();
  await ended;
});

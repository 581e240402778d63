// @vitest-environment node
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_PATH } from '../../../src/protocol/index.ts';
import type { RunningBackend } from '../../../mocks/backend/index.ts';
import { withBackend } from '../../support/backend.ts';
import { startFaultProxy } from '../../support/fault-proxy.ts';

let server: RunningBackend;
beforeAll(async () => {
  server = await withBackend({ allowHosts: ['chat.internal'] });
});
afterAll(() => server.close());

/** A GET with a `Host` of our choosing (fetch does not let a caller set it). */
function get(port: number, path: string, host: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { Host: host, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        // An event stream does not end by itself: the status is enough.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, body: '' });
          req.destroy();
        }
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('dev backend Host check (DNS rebinding)', () => {
  it('refuses a foreign Host with 421 and a body that says how to allow it', async () => {
    for (const path of [
      `${SERVICE_PATH}/health`,
      `${SERVICE_PATH}/events`,
      `${SERVICE_PATH}/rpc`,
    ]) {
      const reply = await get(server.port, path, `evil.example:${server.port}`, {
        'X-Hero-Context': 'demo',
        'X-Public-Key': 'alice',
      });
      expect(reply.status).toBe(421);
      expect(JSON.parse(reply.body).error).toBe(
        'host "evil.example" is not served here; start the backend with --allow-host evil.example to allow it',
      );
    }
  });

  it('serves loopback names on any port, and names given by allowHosts', async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      `LOCALHOST:5173`,
      `[::1]:${server.port}`,
      'chat.internal',
      `Chat.Internal:443`,
    ]) {
      expect((await get(server.port, `${SERVICE_PATH}/health`, host)).status, host).toBe(200);
    }
    const stream = await get(server.port, `${SERVICE_PATH}/events`, `localhost:${server.port}`, {
      'X-Hero-Context': 'demo',
      'X-Public-Key': 'alice',
    });
    expect(stream.status).toBe(200);
  });

  it('works through a proxy that forwards from another port', async () => {
    const proxy = await startFaultProxy({ port: server.port });
    try {
      const res = await fetch(`${proxy.url}${SERVICE_PATH}/health`);
      expect(res.status).toBe(200);
    } finally {
      await proxy.close();
    }
  });
});

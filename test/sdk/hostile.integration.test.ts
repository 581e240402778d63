// @vitest-environment node
// Over real HTTP on loopback: a server that never answers, and servers that
// redirect elsewhere.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CommunicationError,
  createCommunicationClient,
  type ClientOptions,
} from '../../src/sdk/index.ts';
import { collect } from '../support/collect.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A loopback HTTP server that records every request and answers with `handle`. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function listen(url: string, options: Partial<ClientOptions> = {}) {
  const controller = new AbortController();
  cleanups.push(() => controller.abort());
  const client = createCommunicationClient({
    baseUrl: url,
    context: 'demo',
    publicKey: 'alice',
    environment: { random: () => 0 },
    ...options,
  });
  const out = collect(client.subscribe({ signal: controller.signal }));
  const until = async (check: () => boolean, what: string, ms = 3000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(out.statuses())}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { client, out, until };
}

describe('a server that accepts and never answers', () => {
  it('is given up on after the connect timeout, and tried again', async () => {
    const silent = await serve(() => {});
    const stream = listen(silent.url, { tuning: { connectTimeoutMs: 300 } });
    await stream.until(() => silent.seen.length >= 2, 'a second attempt');
    expect(stream.out.statuses().find((s) => s.state === 'reconnecting')).toMatchObject({
      reason: 'no response within 300 ms',
    });
    expect(stream.out.states().slice(0, 3)).toEqual(['connecting', 'reconnecting', 'connecting']);
  });

  it('fails an RPC after its deadline, as a network error worth retrying, and closes the request', async () => {
    const silent = await serve(() => {});
    const client = createCommunicationClient({
      baseUrl: silent.url,
      context: 'demo',
      publicKey: 'alice',
      rpcTimeoutMs: 300,
    });
    const started = Date.now();
    const error = await client.listConversations().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommunicationError);
    expect((error as CommunicationError).retryable).toBe(true);
    expect((error as Error).message).toBe(
      `conversation.list: no answer from ${silent.url}/hero_osis_communication/rpc within 300 ms`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // The abandoned request is closed from our side.
    const request = silent.seen[0]!;
    await new Promise<void>((resolve) =>
      request.socket.destroyed ? resolve() : request.socket.once('close', () => resolve()),
    );
  });
});

describe('a server that redirects', () => {
  it('never leads the stream or an RPC to another origin, and no header reaches it', async () => {
    const other = await serve((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/event-stream' }).write(': hi\n\n'),
    );
    const redirecting = await serve((req, res) =>
      res.writeHead(302, { Location: `${other.url}${req.url}` }).end(),
    );
    const stream = listen(redirecting.url);
    await stream.until(() => stream.out.states().includes('reconnecting'), 'reconnecting');
    expect(stream.out.statuses()[1]).toMatchObject({
      state: 'reconnecting',
      reason: `redirected (HTTP 302 to ${other.url}/hero_osis_communication/events); redirects are not followed`,
    });
    const error = await stream.client.listContacts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommunicationError);
    expect((error as Error).message).toBe(
      `contact.list: redirected (HTTP 302 to ${other.url}/hero_osis_communication/rpc); redirects are not followed`,
    );
    expect(redirecting.seen.length).toBeGreaterThanOrEqual(2);
    expect(other.seen).toEqual([]);
  });

  it('refuses a redirect within the same origin too: the configured URL is the one to fix', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/moved'))
        res.writeHead(200, { 'Content-Type': 'text/event-stream' }).write(': hi\n\n');
      else res.writeHead(301, { Location: `/moved${req.url}` }).end();
    });
    const stream = listen(server.url);
    await stream.until(() => stream.out.states().includes('reconnecting'), 'reconnecting');
    expect(stream.out.statuses()[1]).toMatchObject({
      reason:
        'redirected (HTTP 301 to /moved/hero_osis_communication/events); redirects are not followed',
    });
    // Full jitter may make the next try come at once: every request is to the configured path, none to /moved.
    expect(new Set(server.seen.map((r) => r.url))).toEqual(
      new Set(['/hero_osis_communication/events']),
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { afterEach } from 'vitest';
import { SERVICE_PATH } from '../../src/protocol/index.ts';
import {
  startBackendServer,
  type RunningBackend,
  type ServerOptions,
} from '../../mocks/backend/index.ts';

let contextCounter = 0;
/** A context name no other test uses: a fresh world with the four default contacts. */
export function freshContext(prefix = 't'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${contextCounter++}`;
}

export async function withBackend(options: ServerOptions = {}): Promise<RunningBackend> {
  return startBackendServer({ seed: false, ...options });
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'hero-messaging-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface RawRpcReply {
  status: number;
  body: { id?: unknown; result?: unknown; error?: { code: number; message: string } };
}

/** One JSON-RPC call over plain fetch, as any client on the wire would make it. */
export async function rpc(
  base: string,
  who: { context?: string; key?: string },
  method: string,
  params?: unknown,
): Promise<RawRpcReply> {
  const res = await post(base, who, { jsonrpc: '2.0', id: 1, method, params });
  return { status: res.status, body: (await res.json()) as RawRpcReply['body'] };
}

/** One JSON-RPC notification (a request without `id`): the answer's status and body as text. */
export async function notify(
  base: string,
  who: { context?: string; key?: string },
  method: string,
  params?: unknown,
): Promise<{ status: number; body: string }> {
  const res = await post(base, who, { jsonrpc: '2.0', method, params });
  return { status: res.status, body: await res.text() };
}

/** A JSON body POSTed to the RPC endpoint as `who` (each header only when given). */
function post(
  base: string,
  who: { context?: string; key?: string },
  body: object,
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (who.context !== undefined) headers['X-Hero-Context'] = who.context;
  if (who.key !== undefined) headers['X-Public-Key'] = who.key;
  return fetch(`${base}${SERVICE_PATH}/rpc`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

/** The result of a call that must succeed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(
  base: string,
  who: { context: string; key: string },
  method: string,
  params?: unknown,
): Promise<T> {
  const reply = await rpc(base, who, method, params);
  if (reply.body.error)
    throw new Error(`${method} failed: ${reply.body.error.code} ${reply.body.error.message}`);
  return reply.body.result as T;
}

export interface RawFrame {
  id?: string;
  event?: string;
  data: string;
  json: { type: string; data: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RawStream {
  status: number;
  frames: RawFrame[];
  comments: string[];
  /** Everything received so far, as written on the wire. */
  text(): string;
  /** Resolves with the first frame (from the start) that matches, or fails after `timeoutMs`. */
  waitFor(match: (frame: RawFrame) => boolean, timeoutMs?: number): Promise<RawFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A raw SSE reader for the backend's own tests, independent of the SDK. */
export async function openStream(
  base: string,
  who: { context?: string; key?: string },
  lastEventId?: string,
): Promise<RawStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { Accept: 'text/event-stream' };
  if (who.context !== undefined) headers['X-Hero-Context'] = who.context;
  if (who.key !== undefined) headers['X-Public-Key'] = who.key;
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  const res = await fetch(`${base}${SERVICE_PATH}/events`, { headers, signal: controller.signal });
  const frames: RawFrame[] = [];
  const comments: string[] = [];
  let text = '';
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent(e) {
      frames.push({ id: e.id, event: e.event, data: e.data, json: JSON.parse(e.data) });
      for (const w of waiters) w();
    },
    onComment(c) {
      comments.push(c);
      for (const w of waiters) w();
    },
  });
  const ended = (async () => {
    if (!res.body || res.status !== 200) return;
    try {
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
        parser.feed(value);
      }
    } catch {
      // aborted or cut: ended either way
    }
  })();
  return {
    status: res.status,
    frames,
    comments,
    text: () => text,
    ended,
    close: () => controller.abort(),
    waitFor(match, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms; got ${frames.map((f) => f.json.type).join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/**
 * A dev backend per test on a clock the test moves (`fixture.now`, unix ms), the streams it opens,
 * and anything handed to `defer`: all closed after each test, last first. Call it at a file's top level.
 */
export function backendFixture(startAt = Date.UTC(2026, 0, 5, 9, 30)) {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  const fixture = {
    now: startAt,
    async start(options: ServerOptions = {}): Promise<RunningBackend> {
      const server = await withBackend({ now: () => fixture.now, ...options });
      cleanups.push(() => server.close());
      return server;
    },
    /** A stream of `who`'s, once it says `ready` (or `resync`, replaying from too far back). */
    async stream(
      server: RunningBackend,
      who: { context: string; key: string },
      lastEventId?: string,
    ): Promise<RawStream> {
      const s = await openStream(server.url, who, lastEventId);
      cleanups.push(s.close);
      await s.waitFor((f) => f.json.type === 'ready' || f.json.type === 'resync');
      return s;
    },
    defer(fn: () => unknown): void {
      cleanups.push(fn);
    },
  };
  return fixture;
}

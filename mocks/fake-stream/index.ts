import {
  formatCursor,
  formatFrame,
  KEEPALIVE_FRAME,
  RpcError,
  RpcErrorCode,
  SERVICE_PATH,
  type ServerEvent,
} from '../../src/protocol/index.ts';

/** One SSE frame as the contract writes it (the protocol's formatter, under the name tests use). */
export { formatFrame as frame };

/** One request to the fake events endpoint, controllable from the test. */
export interface FakeConnection {
  readonly headers: Headers;
  readonly lastEventId: string | null;
  /** The client aborted the request (or it was cut by `error()`/`close()`). */
  readonly ended: boolean;
  /** The client's abort signal fired. */
  readonly aborted: boolean;
  /** Sends `ready` with the server's cursor and `heartbeatMs` (default 15,000). */
  ready(heartbeatMs?: number): void;
  /** Sends a typed event; non-`ready` events get the next `id` unless one is given. */
  push(event: ServerEvent, id?: string): void;
  /** Sends raw bytes or text, e.g. a frame split at an awkward place or garbage. */
  pushRaw(chunk: string | Uint8Array): void;
  /** Sends a keepalive comment. */
  keepalive(): void;
  /** Stops writing without closing (all writes are explicit, so this only records intent). */
  stall(): void;
  /** Ends the stream cleanly. */
  close(): void;
  /** Breaks the stream with a network error. */
  error(): void;
}

export type RpcHandler = (method: string, params: unknown, headers: Headers) => unknown;

export interface FakeServerOptions {
  epoch?: string;
  /** Answers RPC calls; throw an `RpcError` for an error reply. Default: method not found. */
  rpc?: RpcHandler;
}

/**
 * A fake OSIS router for unit and component tests: a `fetch` to hand to the client, with an events
 * endpoint the test drives (`push`, `pushRaw`, `stall`, `close`, `error`, `failNext`) and an RPC
 * endpoint answered by a handler.
 */
export interface FakeServer {
  readonly fetch: typeof fetch;
  readonly connections: readonly FakeConnection[];
  /** The newest connection. */
  readonly current: FakeConnection | undefined;
  /** Resolves with the next connection (or the newest one not yet awaited). */
  nextConnection(): Promise<FakeConnection>;
  /** Answers the next event-stream request with this HTTP status, or a network error. */
  failNext(outcome: number | 'network'): void;
  /** RPC requests seen, in order. */
  readonly rpcCalls: { method: string; params: unknown; headers: Headers }[];
  rpc: RpcHandler;
  /** Called with each new events connection, before the client reads it. */
  onConnection?: (connection: FakeConnection) => void;
  epoch: string;
  /** The seq of the last event pushed. */
  seq: number;
}

export function createFakeServer(options: FakeServerOptions = {}): FakeServer {
  const connections: FakeConnection[] = [];
  const failures: (number | 'network')[] = [];
  const waiting: ((c: FakeConnection) => void)[] = [];
  let awaited = 0;
  const encoder = new TextEncoder();

  const server: FakeServer = {
    fetch: fakeFetch as typeof fetch,
    connections,
    get current() {
      return connections[connections.length - 1];
    },
    nextConnection() {
      if (awaited < connections.length) return Promise.resolve(connections[awaited++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    failNext(outcome) {
      failures.push(outcome);
    },
    rpcCalls: [],
    rpc:
      options.rpc ??
      ((method) => {
        throw new RpcError('MethodNotFound', `method not found: ${method}`);
      }),
    epoch: options.epoch ?? 'fakeepoch',
    seq: 0,
  };

  async function fakeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      'http://fake',
    );
    const headers = new Headers(init.headers);
    if (init.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    if (url.pathname.endsWith(`${SERVICE_PATH}/rpc`))
      return answerRpc(String(init.body ?? ''), headers);
    if (!url.pathname.endsWith(`${SERVICE_PATH}/events`))
      return new Response('not found', { status: 404 });
    const failure = failures.shift();
    if (failure === 'network') throw new TypeError('fetch failed');
    if (failure !== undefined)
      return new Response(JSON.stringify({ error: `HTTP ${failure}` }), { status: failure });
    return openConnection(headers, init.signal ?? undefined);
  }

  async function answerRpc(body: string, headers: Headers): Promise<Response> {
    let request: { id?: unknown; method?: string; params?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return json({
        jsonrpc: '2.0',
        id: null,
        error: { code: RpcErrorCode.ParseError, message: 'parse error' },
      });
    }
    const method = String(request.method);
    server.rpcCalls.push({ method, params: request.params, headers });
    try {
      const result = await server.rpc(method, request.params, headers);
      return json({ jsonrpc: '2.0', id: request.id ?? null, result });
    } catch (error) {
      const reply =
        error instanceof RpcError ? error : new RpcError('InternalError', (error as Error).message);
      return json({ jsonrpc: '2.0', id: request.id ?? null, error: reply.toObject() });
    }
  }

  function openConnection(headers: Headers, signal: AbortSignal | undefined): Response {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let ended = false;
    let aborted = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        ended = true;
      },
    });
    const write = (chunk: string | Uint8Array) => {
      if (ended) return;
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    };
    const end = (how: 'close' | 'error') => {
      if (ended) return;
      ended = true;
      if (how === 'close') controller.close();
      else controller.error(new TypeError('network error'));
    };
    signal?.addEventListener('abort', () => {
      aborted = true;
      if (!ended) {
        ended = true;
        controller.error(new DOMException('The operation was aborted.', 'AbortError'));
      }
    });
    const connection: FakeConnection = {
      headers,
      lastEventId: headers.get('last-event-id'),
      get ended() {
        return ended;
      },
      get aborted() {
        return aborted;
      },
      ready(heartbeatMs = 15_000) {
        const cursor = formatCursor({ epoch: server.epoch, seq: server.seq });
        write(formatFrame({ type: 'ready', data: { cursor, heartbeat_ms: heartbeatMs } }));
      },
      push(event, id) {
        if (event.type === 'ready') return void write(formatFrame(event));
        if (id === undefined) {
          server.seq =
            'seq' in event.data && typeof event.data.seq === 'number'
              ? event.data.seq
              : server.seq + 1;
          id = formatCursor({ epoch: server.epoch, seq: server.seq });
        }
        write(formatFrame(event, event.type === 'resync' ? undefined : id));
      },
      pushRaw: write,
      keepalive: () => write(KEEPALIVE_FRAME),
      stall() {},
      close: () => end('close'),
      error: () => end('error'),
    };
    connections.push(connection);
    server.onConnection?.(connection);
    const waiter = waiting.shift();
    if (waiter) {
      awaited++;
      waiter(connection);
    }
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
    });
  }

  return server;
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });
}

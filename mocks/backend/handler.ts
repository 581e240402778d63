import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  LIMITS,
  RpcError,
  RpcErrorCode,
  RpcRequestSchema,
  SERVICE_PATH,
  describeIssues,
  v,
} from '../../src/protocol/index.ts';
import { DEFAULT_ALLOWED_ORIGINS, applyCors } from './cors.ts';
import { refusedHost } from './host-check.ts';
import { DataDirError, openDataDir } from './data-dir.ts';
import { JournalError, type JournalIo } from './journal.ts';
import { seedDemo } from './seed.ts';
import { callSeed, makeSeedStreamWire } from './seed-shape.ts';
import { CommunicationService } from './service.ts';
import { FULL_STREAM_WIRE, parseShape, type BackendShape } from './shape.ts';
import { EventStreams } from './sse.ts';

/** Knobs of the dev backend. */
export interface BackendOptions {
  /** Keepalive comment interval, also sent in `ready`. Default 15,000. */
  heartbeatMs?: number;
  /** Events kept for replay. Default 10,000. */
  logSize?: number;
  /** Bytes kept for replay (each event once, however many receive it). Default 64 MiB. */
  logBytes?: number;
  /**
   * Unsent bytes of live events after which a subscriber that is not reading is cut off. A replay it
   * asked for with `Last-Event-ID` does not count. Default 1 MiB.
   */
  backlogBytes?: number;
  /**
   * Folder of the journal; memory only when absent. The backend locks it: a second backend on the
   * same folder fails to start with a `DataDirLockedError`. A folder that cannot be locked, read or
   * written (a full disk) fails the start with a `DataDirError` that says which and why.
   */
  dataDir?: string;
  /** fsync each journal append, so an acknowledged change survives a power cut. Default true. */
  fsync?: boolean;
  /** The journal's file operations; tests inject failures here. Default: the real file system. */
  journalIo?: JournalIo;
  /** Origins allowed by CORS, on top of `http://localhost:*` and `http://127.0.0.1:*`. */
  allowOrigins?: readonly string[];
  /**
   * Host names served besides loopback (`localhost`, `127.0.0.1`, `[::1]`, any port); a request for
   * another `Host` answers 421, so a page that rebinds its own name to 127.0.0.1 reads nothing.
   * `true` allows every name. Default none.
   */
  allowHosts?: readonly string[] | true;
  /** Seed the `demo` context when it is not stored yet. Default true. */
  seed?: boolean;
  /**
   * How much of the contract it speaks on the wire: `'full'`, or `'seed'`, only what the production
   * server ships (no replay, `ready`, `seq`, `nonce`, unread counts, read markers or receipts; see
   * `seed-shape.ts`). The data is the same either way. Default `'full'`.
   */
  shape?: BackendShape;
  /** The clock, in unix ms: message times, read receipts. Tests move it. Default `Date.now`. */
  now?: () => number;
}

export interface BackendStats {
  epoch: string;
  seq: number;
  subscribers: number;
  /** Unsent bytes over every open stream: in socket buffers, or still owed from the log. */
  backlogBytes: number;
  /** Bytes the open streams hold in memory (socket buffers). */
  bufferedBytes: number;
  /** Events and bytes the replay log holds. */
  log: { events: number; bytes: number };
  droppedSlow: number;
  /** Times a subscriber fell behind past the bound and was told to resync instead (seed shape). */
  resyncedSlow: number;
  /** Contexts held in memory (seeded, restored, or written to). */
  contexts: number;
}

export interface Backend {
  /** Node/Connect-style handler: serves `SERVICE_PATH/*`, calls `next` (or answers 404) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  readonly service: CommunicationService;
  stats(): BackendStats;
  /**
   * Writes `raw` as it is to every open stream of `key` in `context`: for tests that feed clients bad
   * frames. Not reachable over HTTP.
   */
  injectRaw(context: string, key: string, raw: string): number;
  /** Ends every open stream, closes the journal and unlocks the data directory. */
  close(): void;
}

export function createBackend(options: BackendOptions = {}): Backend {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const seedShape = (parseShape(options.shape) ?? 'full') === 'seed';
  const origins = [...DEFAULT_ALLOWED_ORIGINS, ...(options.allowOrigins ?? [])];
  const data = options.dataDir
    ? openDataDir(options.dataDir, { fsync: options.fsync, io: options.journalIo })
    : undefined;
  const now = options.now ?? Date.now;
  const service = new CommunicationService(
    { logSize: options.logSize ?? 10_000, logBytes: options.logBytes, journal: data?.journal, now },
    data?.history,
  );
  if (options.seed ?? true) {
    try {
      seedDemo(service, now());
    } catch (error) {
      data?.close();
      throw options.dataDir && error instanceof JournalError
        ? new DataDirError(options.dataDir, 'written', error)
        : error;
    }
  }
  const streams = new EventStreams(service.log, {
    heartbeatMs,
    backlogBytes: options.backlogBytes ?? 1024 * 1024,
    wire: seedShape ? makeSeedStreamWire() : FULL_STREAM_WIRE,
  });
  const call = seedShape
    ? callSeed
    : (s: CommunicationService, ...rest: Parameters<CommunicationService['call']>) =>
        s.call(...rest);

  function identity(req: IncomingMessage, url: URL, fromQuery: boolean) {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const context =
      header('x-hero-context') ??
      (fromQuery ? (url.searchParams.get('context') ?? undefined) : undefined);
    const key =
      header('x-public-key') ??
      (fromQuery ? (url.searchParams.get('public_key') ?? undefined) : undefined);
    return { context, key, refusal: service.authenticate(context, key) };
  }

  function handle(req: IncomingMessage, res: ServerResponse, next?: () => void): void {
    const url = new URL(req.url ?? '/', 'http://backend');
    if (!url.pathname.startsWith(`${SERVICE_PATH}/`)) {
      if (next) return next();
      return void sendJson(res, 404, { error: 'not found' });
    }
    const foreign = refusedHost(req, options.allowHosts ?? []);
    if (foreign !== undefined) {
      return void sendJson(res, 421, {
        error: `host ${JSON.stringify(foreign)} is not served here; start the backend with --allow-host ${foreign} to allow it`,
      });
    }
    if (applyCors(req, res, origins)) return;
    const route = url.pathname.slice(SERVICE_PATH.length);
    if (route === '/health' && req.method === 'GET')
      return void sendJson(res, 200, { status: 'ok' });
    if (route === '/events' && req.method === 'GET') {
      const who = identity(req, url, true);
      if (who.refusal) return void sendJson(res, 401, { error: who.refusal });
      return streams.serve(req, res, who.context!, who.key!);
    }
    if (route === '/rpc' && req.method === 'POST') return void serveRpc(req, res, url);
    if (route === '/rpc' || route === '/events' || route === '/health') {
      res.setHeader('Allow', route === '/rpc' ? 'POST' : 'GET');
      return void sendJson(res, 405, { error: 'method not allowed' });
    }
    sendJson(res, 404, { error: 'not found' });
  }

  async function serveRpc(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req, LIMITS.bodyMax);
    if (body === 'too large') {
      return void sendJson(
        res,
        413,
        rpcError(null, RpcErrorCode.InvalidRequest, `request body exceeds ${LIMITS.bodyMax} bytes`),
        true,
      );
    }
    if (body === 'aborted') return;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return void sendJson(
        res,
        200,
        rpcError(null, RpcErrorCode.ParseError, 'parse error: body is not JSON'),
      );
    }
    if (Array.isArray(json)) {
      return void sendJson(
        res,
        200,
        rpcError(null, RpcErrorCode.InvalidRequest, 'invalid request: batches are not supported'),
      );
    }
    const parsed = v.parse(RpcRequestSchema, json);
    if (!parsed.ok) {
      return void sendJson(
        res,
        200,
        rpcError(
          null,
          RpcErrorCode.InvalidRequest,
          `invalid request: ${describeIssues(parsed.error)}`,
        ),
      );
    }
    const request = parsed.value;
    const id = request.id ?? null;
    // A notification (no id) is never answered, not even with an error: it runs if it may, and is
    // otherwise dropped.
    const notification = request.id === undefined;
    const who = identity(req, url, false);
    if (who.refusal) {
      if (notification) return void noContent(res);
      return void sendJson(
        res,
        200,
        rpcError(id, RpcErrorCode.Unauthenticated, `unauthenticated: ${who.refusal}`),
      );
    }
    try {
      const result = call(service, who.context!, who.key!, request.method, request.params);
      if (notification) return void noContent(res);
      sendJson(res, 200, { jsonrpc: '2.0', id, result });
    } catch (error) {
      if (!(error instanceof RpcError))
        console.error(`[backend] internal error in ${request.method}`, error);
      if (notification) return void noContent(res);
      if (error instanceof RpcError)
        return void sendJson(res, 200, rpcError(id, error.code, error.message));
      sendJson(res, 200, rpcError(id, RpcErrorCode.InternalError, 'internal error'));
    }
  }

  return {
    handle,
    service,
    stats: () => ({
      epoch: service.log.epoch,
      seq: service.log.lastSeq,
      subscribers: streams.count,
      backlogBytes: streams.backlog,
      bufferedBytes: streams.buffered,
      log: service.log.held,
      droppedSlow: streams.droppedSlow,
      resyncedSlow: streams.resyncedSlow,
      contexts: service.contextCount,
    }),
    injectRaw: (context, key, raw) => streams.injectRaw(context, key, raw),
    close() {
      streams.closeAll();
      data?.close();
    },
  };
}

function rpcError(id: string | number | null, code: number, message: string) {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

function noContent(res: ServerResponse): void {
  res.writeHead(204, { 'Cache-Control': 'no-store' });
  res.end();
}

/** The body as text, or 'too large' past `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | 'too large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too large');
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('aborted', () => resolve('aborted'));
    req.on('error', () => resolve('aborted'));
  });
}

import {
  formatFrame,
  parseCursor,
  RpcError,
  type ChatMessage,
  type Conversation,
} from '../../src/protocol/index.ts';
import {
  createCommunicationClient,
  type ClientOptions,
  type CommunicationClient,
} from '../../src/sdk/index.ts';
import {
  createFakeServer,
  type FakeConnection,
  type FakeServer,
} from '../../mocks/fake-stream/index.ts';
import { CommunicationService } from '../../mocks/backend/service.ts';

const CTX = 'world';

/**
 * A fake router whose RPC answers come from the real in-memory service, and whose event stream follows
 * the contract (src/protocol/README.md) for the connected key: `ready`, then the replay after `Last-Event-ID` from
 * the service's event log, or `resync` when that position cannot be replayed, then live events. So
 * component tests see realistic data and recovery, while the test keeps control of the connection
 * (close, stall, fail, inject frames, delay replies). It fails closed as the backend does: a key the
 * context does not know gets HTTP 401 on the stream and -32001 on RPC. Left out: heartbeats and the
 * backlog bound.
 */
export interface FakeWorld {
  server: FakeServer;
  service: CommunicationService;
  dm: Conversation;
  group: Conversation;
  /** A client for `key` over the fake fetch, reconnecting without jitter delay unless `options` say otherwise. */
  client(
    key: string,
    options?: Pick<ClientOptions, 'environment' | 'tuning' | 'shareAcrossTabs'>,
  ): CommunicationClient;
  /** Acts as someone else, straight on the service (its events reach the stream). */
  send(from: string, sid: string, content: string, nonce?: string): ChatMessage;
  /** Holds RPC replies of `method` until the returned release is called. */
  hold(method: string): () => void;
  /** Fails the next RPC of `method` with a network error. */
  failNext(method: string): void;
}

export interface FakeWorldOptions {
  /** Events the log keeps for replay; a reconnect from further back is told to resync. Default 10,000. */
  logSize?: number;
  /** The service's clock, unix ms. Default `Date.now`. */
  now?: () => number;
}

export function createFakeWorld(options: FakeWorldOptions = {}): FakeWorld {
  const service = new CommunicationService({
    logSize: options.logSize ?? 10_000,
    now: options.now,
  });
  const server = createFakeServer();
  const held = new Map<string, Promise<void>>();
  const failing = new Set<string>();
  const baseFetch = server.fetch;

  const refusal = (headers: Headers) =>
    service.authenticate(CTX, headers.get('x-public-key') ?? undefined);

  server.rpc = async (method, params, headers) => {
    const gate = held.get(method);
    if (gate) await gate;
    const refused = refusal(headers);
    if (refused) throw new RpcError('Unauthenticated', refused);
    return service.call(CTX, headers.get('x-public-key') ?? '', method, params);
  };

  const fetchWithFaults: typeof fetch = async (input, init) => {
    if (init?.method === 'POST') {
      const method = (JSON.parse(String(init.body)) as { method: string }).method;
      if (failing.delete(method)) throw new TypeError('fetch failed');
    } else if (refusal(new Headers(init?.headers))) {
      return new Response(JSON.stringify({ error: 'unknown public key' }), { status: 401 });
    }
    return baseFetch(input, init);
  };

  // Every connection gets `ready`, the replay after its position or `resync`, then the service's
  // events for its key, as the real backend does.
  const wire = (conn: FakeConnection) => {
    const key = conn.headers.get('x-public-key') ?? '';
    conn.pushRaw(
      formatFrame({ type: 'ready', data: { cursor: service.log.cursor, heartbeat_ms: 15_000 } }),
    );
    if (conn.lastEventId) {
      const cursor = parseCursor(conn.lastEventId);
      const seq =
        cursor.ok && cursor.value.epoch === service.log.epoch ? cursor.value.seq : undefined;
      if (seq !== undefined && service.log.canReplayAfter(seq)) {
        for (const event of service.log.eventsAfter(seq)) {
          const parts = event.context === CTX ? event.framePartsFor(key) : undefined;
          if (parts) conn.pushRaw(Buffer.concat(parts));
        }
      } else
        conn.pushRaw(
          formatFrame({
            type: 'resync',
            data: { reason: cursor.ok ? 'position not in the replay log' : 'invalid cursor' },
          }),
        );
    }
    const unsubscribe = service.log.subscribe({
      context: CTX,
      key,
      offer(event) {
        const parts = event.framePartsFor(key);
        if (conn.ended) unsubscribe();
        else if (parts) conn.pushRaw(Buffer.concat(parts));
      },
    });
  };
  server.onConnection = wire;

  const call = <T>(key: string, method: string, params: unknown) =>
    service.call(CTX, key, method, params) as T;
  const dm = call<Conversation>('alice', 'conversation.set', {
    participant_keys: ['alice', 'bob'],
  });
  const group = call<Conversation>('carol', 'conversation.set', {
    name: 'Crew',
    participant_keys: ['alice', 'bob', 'carol'],
  });
  call('alice', 'conversation.send_message', { sid: dm.sid, content: 'Hi Bob', nonce: 'seed-1' });
  call('bob', 'conversation.send_message', { sid: dm.sid, content: 'Hi Alice', nonce: 'seed-2' });
  call('carol', 'conversation.send_message', {
    sid: group.sid,
    content: 'Welcome to the crew',
    nonce: 'seed-3',
  });
  call('bob', 'conversation.mark_read', { sid: group.sid });
  call('alice', 'conversation.mark_read', { sid: group.sid });
  let n = 0;

  return {
    server,
    service,
    dm,
    group,
    client: (key, options = {}) =>
      createCommunicationClient({
        baseUrl: 'http://osis.test',
        context: CTX,
        publicKey: key,
        fetch: fetchWithFaults,
        tuning: options.tuning,
        shareAcrossTabs: options.shareAcrossTabs,
        environment: { random: () => 0, ...options.environment },
      }),
    send: (from, sid, content, nonce = `w-${n++}`) =>
      call<ChatMessage>(from, 'conversation.send_message', { sid, content, nonce }),
    hold(method) {
      let release!: () => void;
      held.set(method, new Promise<void>((r) => (release = r)));
      return () => {
        held.delete(method);
        release();
      };
    },
    failNext: (method) => void failing.add(method),
  };
}

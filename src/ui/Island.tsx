import { createEffect, createSignal, onCleanup } from 'solid-js';
import { render } from 'solid-js/web';
import { createCommunicationClient, type CommunicationClient } from '../sdk/index.ts';
import { createChatSession, outboxKey, totalUnread, type ConnectionStatus, type OutboxStorage, type SessionEnvironment } from '../sync/index.ts';
import { IslandApp, type Routing } from './App.tsx';
import { IslandContext } from './context.ts';
import { pageEnvironment } from './frames.ts';
import css from './styles.css?inline';

export interface IslandOptions {
  /** Base URL of the OSIS router; `''` for the same origin. */
  baseUrl: string;
  context: string;
  publicKey: string;
  /** Default `memory`: the island never touches the host's URL. */
  routing?: Routing;
  /** Default `sse`. */
  transport?: 'sse' | 'poll';
  /** Default `fetch`. */
  fetch?: typeof fetch;
  /** A ready-made client (tests, or a host that shares one); the identity fields must match it. */
  client?: CommunicationClient;
  /**
   * Clock, randomness, timers, visibility and the render schedule of the session. Default: the
   * page's (`document` visibility, at most one render per frame however many events arrive).
   */
  environment?: Partial<SessionEnvironment>;
  /** Where unsent messages are kept. Default `localStorage` where available. */
  storage?: OutboxStorage;
  onUnread?: (total: number) => void;
  onStatus?: (status: ConnectionStatus) => void;
  onOpen?: (sid: string | undefined) => void;
}

function defaultStorage(): OutboxStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The island as a Solid component: a client, a live session and the UI, torn down with its owner. */
export function Island(props: IslandOptions) {
  const options = { ...props };
  const client =
    options.client ??
    createCommunicationClient({
    baseUrl: options.baseUrl,
    context: options.context,
    publicKey: options.publicKey,
    fetch: options.fetch,
    // One environment for the island: the stream's clock, randomness and timers are the session's.
    environment: options.environment,
  });
  const origin = typeof location === 'undefined' ? '' : location.origin;
  const session = createChatSession({
    client,
    transport: options.transport,
    environment: { ...pageEnvironment(), ...options.environment },
    storage: options.storage ?? defaultStorage(),
    outboxKey: outboxKey(origin, options.context, options.publicKey),
  });
  const [now, setNow] = createSignal(Date.now());
  const tick = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(tick));
  createEffect(() => options.onUnread?.(totalUnread(session.store.view())));
  createEffect(() => options.onStatus?.(session.status()));
  return (
    <IslandContext.Provider value={{ session, me: options.publicKey, now }}>
      <IslandApp routing={options.routing ?? 'memory'} onOpen={options.onOpen} />
    </IslandContext.Provider>
  );
}

/** Renders the island with its styles into `target` (an element or a shadow root); returns the teardown. */
export function mountIsland(target: Element | ShadowRoot, options: IslandOptions): () => void {
  const style = document.createElement('style');
  style.textContent = css;
  const container = document.createElement('div');
  container.className = 'hm-host';
  target.append(style, container);
  const dispose = render(() => <Island {...options} />, container);
  return () => {
    dispose();
    style.remove();
    container.remove();
  };
}

import { createSignal, type Accessor } from 'solid-js';
import { CommunicationError, type StreamStatus } from '../sdk/index.ts';

/** What the island tells the person about its connection. */
export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  /** The next try is at `at` (unix ms). */
  | { state: 'reconnecting'; at: number }
  /** No network; the next try is at `at` (unix ms), or at the `online` event; `at` 0: none scheduled. */
  | { state: 'offline'; at: number }
  | { state: 'unauthorized' };

/** What the session knows about its connection, each fact from the part that learns it. */
export interface SessionFacts {
  /** What the subscription said last. */
  stream: StreamStatus;
  /** The store holds the server's view: a list snapshot landed and nothing since made it stale. */
  fresh: boolean;
  /** The server refused the identity on an RPC. */
  refused: boolean;
  /** The subscription loop stopped for good (not by the session's own disposal). */
  ended: boolean;
  /** A snapshot whose list failed is tried again at this time (unix ms); 0 while none waits. */
  snapshotRetryAt: number;
}

/** The status shown for `facts`: `live` only while the stream is connected and the store is fresh. */
export function connectionStatus(facts: SessionFacts): ConnectionStatus {
  const { stream } = facts;
  if (facts.refused || stream.state === 'unauthorized') return { state: 'unauthorized' };
  if (facts.ended) return { state: 'offline', at: 0 };
  switch (stream.state) {
    case 'connecting':
      return { state: 'connecting' };
    case 'connected':
      // Connected, but the server's view could not be had (an error, or an answer the island cannot
      // check): the person sees when it is tried again, and can try now.
      if (facts.fresh) return { state: 'live' };
      return facts.snapshotRetryAt > 0
        ? { state: 'reconnecting', at: facts.snapshotRetryAt }
        : { state: 'connecting' };
    case 'reconnecting':
      return { state: 'reconnecting', at: stream.at };
    case 'offline':
      return { state: 'offline', at: stream.at };
  }
}

/**
 * Why the conversation list is not in while the stream is up: the server answered the list with an
 * error (`failing`), or with a list the island cannot check (`unreadable`). A list that got no answer
 * at all is the unreachable case, which the status says alone.
 */
export type ListProblem = 'failing' | 'unreadable';

/** The problem a failed list call shows, if it is one of {@link ListProblem}. */
export function listProblemOf(error: unknown): ListProblem | undefined {
  if (!(error instanceof CommunicationError)) return undefined;
  if (error.kind === 'invalid_response') return 'unreadable';
  return error.kind === 'http' || error.kind === 'rpc' ? 'failing' : undefined;
}

/** The status waits for its next try, which the person can make now ("Retry now"). */
export const waitsToRetry = (status: ConnectionStatus): boolean =>
  status.state === 'reconnecting' || status.state === 'offline';

const sameStatus = (a: ConnectionStatus, b: ConnectionStatus) =>
  a.state === b.state && (!('at' in a) || a.at === (b as { at: number }).at);

/** The session's facts and the status signal derived from them. */
export interface SessionHealth {
  readonly status: Accessor<ConnectionStatus>;
  readonly facts: Readonly<SessionFacts>;
  /** The stream waits before its next try, so a sign that the server is back is worth acting on. */
  readonly waiting: boolean;
  /**
   * How many times the store went stale (an update with `fresh: false`): a snapshot taken before the
   * last of them is not the server's view.
   */
  readonly staleness: number;
  update(change: Partial<SessionFacts>): void;
  /** Calls `listener` each time the status turns `live`. */
  onLive(listener: () => void): void;
}

/** Facts start as "connecting, nothing fetched". */
export function makeSessionHealth(): SessionHealth {
  const facts: SessionFacts = {
    stream: { state: 'connecting', attempt: 0 },
    fresh: false,
    refused: false,
    ended: false,
    snapshotRetryAt: 0,
  };
  const [status, setStatus] = createSignal<ConnectionStatus>(connectionStatus(facts), {
    equals: sameStatus,
  });
  const live: (() => void)[] = [];
  let staleness = 0;
  return {
    status,
    facts,
    get waiting() {
      return facts.stream.state === 'reconnecting' || facts.stream.state === 'offline';
    },
    get staleness() {
      return staleness;
    },
    update(change) {
      if (change.fresh === false) staleness++;
      Object.assign(facts, change);
      const before = status().state;
      const next = connectionStatus(facts);
      setStatus(next);
      if (next.state === 'live' && before !== 'live') for (const listener of live) listener();
    },
    onLive: (listener) => void live.push(listener),
  };
}

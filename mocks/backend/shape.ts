import { formatFrame, KEEPALIVE_FRAME } from '../../src/protocol/index.ts';
import type { OutgoingEvent } from './event-log.ts';

/**
 * How much of the contract the backend speaks on the wire. `full`: all of it (replay, `ready`, `seq`,
 * `nonce`, unread counts, read markers and receipts). `seed`: only what the production server ships
 * today (`seed-shape.ts` lists what it leaves out). The service behind it is the same either way.
 */
export type BackendShape = 'full' | 'seed';

export const BACKEND_SHAPES: readonly BackendShape[] = ['full', 'seed'];

/**
 * `text` as a shape, undefined when absent; anything else is an error naming `what` (the option or
 * variable it came from), so a typo does not quietly run the full shape.
 */
export function parseShape(text: string | undefined, what = 'shape'): BackendShape | undefined {
  if (text === undefined || text === '') return undefined;
  if ((BACKEND_SHAPES as readonly string[]).includes(text)) return text as BackendShape;
  throw new Error(`${what} must be ${BACKEND_SHAPES.join(' or ')}, got ${JSON.stringify(text)}`);
}

/**
 * How the event stream is written: the log and the per-receiver filter are the same in every shape,
 * only the bytes on the wire and what a stream offers beyond its live events differ.
 */
export interface StreamWire {
  /** The frame written first on every connection, or undefined for none. */
  hello(cursor: string, heartbeatMs: number): string | undefined;
  /** Whether `Last-Event-ID` resumes a stream from the log; when false the header is ignored. */
  readonly resumes: boolean;
  /** Written every heartbeat. */
  readonly keepalive: string;
  /** The frame that tells a reader to refetch its snapshot. */
  resync(reason: string): string;
  /** The bytes `key` receives for `event`, as parts written in order, or undefined for none. */
  framePartsFor(event: OutgoingEvent, key: string): readonly Buffer[] | undefined;
  /**
   * What happens to a reader whose unsent backlog passes the bound: `cut off` (it comes back with
   * `Last-Event-ID` and is replayed), or `resync` (it stays connected, misses what it did not read,
   * and is told to resync once it reads again).
   */
  readonly onLag: 'cut off' | 'resync';
}

/** The whole contract: `ready` first, `id:` and `event:` lines, replay, `: keepalive`. */
export const FULL_STREAM_WIRE: StreamWire = {
  hello: (cursor, heartbeatMs) =>
    formatFrame({ type: 'ready', data: { cursor, heartbeat_ms: heartbeatMs } }),
  resumes: true,
  keepalive: KEEPALIVE_FRAME,
  resync: (reason) => formatFrame({ type: 'resync', data: { reason } }),
  framePartsFor: (event, key) => event.framePartsFor(key),
  onLag: 'cut off',
};

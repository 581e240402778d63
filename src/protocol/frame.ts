import type { ServerEventType } from './events.ts';

/** The comment line a server writes every `heartbeat_ms` so that a quiet stream is not a dead one. */
export const KEEPALIVE_FRAME = ': keepalive\n\n';

/**
 * One event-stream frame as the contract writes it: an `id:` line when `id` is given (every event but
 * `ready` and `resync`), the `event:` line repeating the type, and `data:` holding the tagged JSON
 * `{"type", "data"}` on one line (JSON never contains a raw newline).
 */
export function formatFrame(event: { type: ServerEventType; data: unknown }, id?: string): string {
  const json = JSON.stringify({ type: event.type, data: event.data });
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event.type}\ndata: ${json}\n\n`;
}

import type { ConnectionStatus } from '../sync/index.ts';

/** The connection as a host page sees it, in the `hm-status` event. */
export interface HostStatus {
  status: 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthorized';
  /** While reconnecting or offline: when the next try is due, in unix ms (absent if none is scheduled). */
  retryAt?: number;
}

/**
 * The `hm-status` detail for the island's status: its state, plus the time of the next try when it
 * has one. Kept apart from the element so that a change of the island's status type lands here only.
 */
export function hostStatus(status: ConnectionStatus): HostStatus {
  const at = 'at' in status ? status.at : 0;
  return at > 0 ? { status: status.state, retryAt: at } : { status: status.state };
}

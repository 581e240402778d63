import type { ConnectionStatus } from '../sync/index.ts';

/** The connection as a host page sees it, in the `hm-status` event. */
export interface HostStatus {
  status: 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthorized';
  /** When reconnecting (or offline): the next try, in unix ms. */
  retryAt?: number;
}

/**
 * The `hm-status` detail for the island's status: its state, plus the time of the next try when it
 * has one. Kept apart from the element so that a change of the island's status type lands here only.
 */
export function hostStatus(status: ConnectionStatus): HostStatus {
  const at = 'at' in status ? status.at : undefined;
  return at === undefined ? { status: status.state } : { status: status.state, retryAt: at };
}

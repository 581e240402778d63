import type { StreamStatus } from '../sdk/index.ts';

/** What the island tells the person about its connection (DESIGN §6). */
export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  /** The next try is at `at` (unix ms). */
  | { state: 'reconnecting'; at: number }
  /** No network; the next try is at `at` (unix ms), or at the `online` event; `at` 0: none scheduled. */
  | { state: 'offline'; at: number }
  | { state: 'unauthorized' };

/** The island's status for a stream status, given whether the last snapshot succeeded. */
export function connectionStatus(stream: StreamStatus, snapshotFresh: boolean): ConnectionStatus {
  switch (stream.state) {
    case 'connecting':
      return { state: 'connecting' };
    case 'connected':
      return snapshotFresh ? { state: 'live' } : { state: 'connecting' };
    case 'reconnecting':
      return { state: 'reconnecting', at: stream.at };
    case 'offline':
      return { state: 'offline', at: stream.at };
    case 'unauthorized':
      return { state: 'unauthorized' };
  }
}

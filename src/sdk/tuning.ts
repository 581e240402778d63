import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';

/** The knobs of both transports' loop. */
export interface StreamTuning {
  /** Waits between attempts. Default 1 s, ×2, 30 s cap, full jitter. */
  backoff: BackoffPolicy;
  /** A connection up this long resets the backoff. Default 30,000 ms. */
  stableMs: number;
  /**
   * How long an attempt may wait for its answer: the stream's response headers, or a polling round.
   * Past it the attempt is abandoned and retried with backoff. Default 10,000 ms.
   */
  connectTimeoutMs: number;
  /** Heartbeat assumed until `ready` says otherwise. Default 15,000 ms. */
  initialHeartbeatMs: number;
  /**
   * The range `heartbeat_ms` from `ready` is clamped to, so a server's mistake can neither make the
   * watchdog drop every connection (too small) nor overflow its timer (too large). Default 1,000 ms to
   * 300,000 ms (5 minutes, so a dead connection is noticed within 12.5 minutes at worst).
   */
  minHeartbeatMs: number;
  /** See `minHeartbeatMs`. Default 300,000 ms. */
  maxHeartbeatMs: number;
  /** Silence of this many heartbeats is a dead connection. Default 2.5. */
  silenceFactor: number;
  /** Largest frame the parser buffers; past it the frame is dropped. Default 1 MiB. */
  maxFrameChars: number;
}

export const DEFAULT_STREAM_TUNING: StreamTuning = {
  backoff: DEFAULT_BACKOFF,
  stableMs: 30_000,
  connectTimeoutMs: 10_000,
  initialHeartbeatMs: 15_000,
  minHeartbeatMs: 1_000,
  maxHeartbeatMs: 300_000,
  silenceFactor: 2.5,
  maxFrameChars: 1024 * 1024,
};

/** The heartbeat the watchdog goes by for a `heartbeat_ms` the server announced. */
export function clampHeartbeat(heartbeatMs: number, tuning: StreamTuning): number {
  if (!Number.isFinite(heartbeatMs)) return tuning.initialHeartbeatMs;
  return Math.min(tuning.maxHeartbeatMs, Math.max(tuning.minHeartbeatMs, heartbeatMs));
}

/** `10 s`, `2.5 s`, `250 ms`: a duration for a reason a person may read. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** The reconnect schedule: a random wait up to base × factor^attempt, capped (full jitter). */
export interface BackoffPolicy {
  /** Ceiling of the first delay, ms. Default 1,000. */
  baseMs: number;
  /** Default 2. */
  factor: number;
  /** Default 30,000. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, factor: 2, capMs: 30_000 };

/** The ceiling for retry number `attempt` (0-based): base × factor^attempt, capped. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.capMs, policy.baseMs * policy.factor ** Math.min(attempt, 64));
}

/** Full jitter: a delay drawn uniformly from [0, ceiling). `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}

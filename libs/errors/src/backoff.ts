export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  readonly baseMs: number;
  /** No delay ever exceeds this. */
  readonly maxMs: number;
  /** Source of randomness in [0, 1); injectable so tests are deterministic. */
  readonly random?: () => number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry): exponential growth capped at
 * `maxMs`, with "equal jitter": a random point in the upper half of the step. Half the step keeps
 * delays growing (so a retry storm thins out), the random half keeps many clients that failed
 * together from retrying together.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, maxMs, random = Math.random }: BackoffOptions,
): number {
  const step = backoffCeiling(attempt, { baseMs, maxMs });
  return Math.round(step / 2 + random() * (step / 2));
}

/** The most `backoffDelay` can return for this attempt: what a timer or queue TTL must allow. */
export function backoffCeiling(attempt: number, { baseMs, maxMs }: BackoffOptions): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 52));
  return Math.min(maxMs, baseMs * 2 ** exponent);
}

/** How long to wait before reconnect attempt `attempt` (0-based). */
export interface BackoffOptions {
  /** First ceiling, in ms. Default 500. */
  readonly initialDelayMs?: number;
  /** Largest ceiling, in ms. Default 30 000. */
  readonly maxDelayMs?: number;
  /** A number in [0, 1); tests pass a fixed one. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Exponential backoff with full jitter: a uniformly random delay below
 * `min(max, initial * 2^attempt)`. Full jitter spreads a crowd of gateways that lost the relay at
 * the same moment, instead of having them all return together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialDelayMs = 500, maxDelayMs = 30_000, random = Math.random } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.floor(random() * ceiling);
}

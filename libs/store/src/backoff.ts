export interface BackoffOptions {
  /** Delay before the second attempt. */
  readonly initialDelayMs: number;
  /** Ceiling for any single delay. */
  readonly maxDelayMs: number;
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that services restarted together do not retry in step,
 * while every wait still grows.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random = Math.random,
): number {
  const ceiling = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

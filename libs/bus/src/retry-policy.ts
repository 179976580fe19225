import { backoffCeiling, backoffDelay, describeError, errorCode, isRetryable } from '@mbs/errors';

export interface RetryPolicy {
  /** Tries in all, the first included, before a transiently failing message is dead-lettered. Default 6. */
  readonly attempts: number;
  /** Delay before the first retry, before jitter. Default 1 s. */
  readonly baseDelayMs: number;
  /** Longest delay between two tries. Default 5 min. */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 300_000,
};

export type FailureOutcome =
  | { action: 'retry'; retry: number; delayMs: number; reason: string }
  | { action: 'dead-letter'; code: string; reason: string };

/**
 * What to do with a message whose handler threw on try number `attempt`: retry it after a
 * growing, jittered delay, or dead-letter it (a permanent error at once; a transient one when
 * the tries are used up). Pure: the consumer does the I/O.
 */
export function decideFailure(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): FailureOutcome {
  const reason = describeError(error);
  const code = errorCode(error);
  if (!isRetryable(error)) return { action: 'dead-letter', code, reason };
  if (attempt >= policy.attempts) {
    return {
      action: 'dead-letter',
      code: 'retries_exhausted',
      reason: `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}; last error: ${reason}`,
    };
  }
  const delays = { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, random };
  return { action: 'retry', retry: attempt, delayMs: backoffDelay(attempt, delays), reason };
}

/** The longest a message may wait in the delay queue of retry number `retry`. */
export function retryCeiling(retry: number, policy: RetryPolicy): number {
  return backoffCeiling(retry, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
}

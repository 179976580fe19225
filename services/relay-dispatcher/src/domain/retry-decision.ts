import type { FailurePhase } from '@mbs/contracts';
import { backoffDelay } from '@mbs/errors';

export interface RetrySchedule {
  /** Attempts per message; the attempt that reaches it and fails fails the message. */
  readonly limit: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * The schedule from the dispatcher's options, built once (service.ts) for both the delivery
 * loop's tries and the unavailable destination's, so the two never disagree.
 */
export const retrySchedule = (options: {
  readonly retryLimit: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}): RetrySchedule => ({
  limit: options.retryLimit,
  baseMs: options.retryBaseMs,
  maxMs: options.retryMaxMs,
});

export type RetryDecision =
  | { readonly kind: 'retry'; readonly nextAttemptAt: Date }
  | { readonly kind: 'fail'; readonly phase: FailurePhase; readonly reason: string };

/**
 * What follows a try that did not get the message to the gateway (offline, timeout, closed
 * socket) or did not bring its outcome in time: another try after an exponential, jittered
 * delay, or, once `attempts` (tries so far, this one included) reaches the limit, failure.
 * A message whose last try found the hospital system down fails as `destination_unavailable`,
 * one the gateway already has as `confirm_timeout`, one it never got as `retry_limit`, so staff
 * can tell the three apart.
 */
export function afterUnsuccessfulAttempt(input: {
  readonly attempts: number;
  readonly delivered: boolean;
  /** The phase of the last problem, when it decides how the message fails at the limit. */
  readonly lastPhase?: FailurePhase;
  readonly lastReason: string;
  readonly schedule: RetrySchedule;
  readonly now: Date;
  readonly random?: () => number;
}): RetryDecision {
  const { attempts, delivered, lastPhase, lastReason, schedule, now, random } = input;
  if (attempts >= schedule.limit) {
    return {
      kind: 'fail',
      phase:
        lastPhase === 'destination_unavailable'
          ? 'destination_unavailable'
          : delivered
            ? 'confirm_timeout'
            : 'retry_limit',
      reason: `Gave up after ${attempts} attempts (the limit is ${schedule.limit}); last: ${lastReason}`,
    };
  }
  const delay = backoffDelay(attempts, {
    baseMs: schedule.baseMs,
    maxMs: schedule.maxMs,
    ...(random && { random }),
  });
  return { kind: 'retry', nextAttemptAt: new Date(now.getTime() + delay) };
}

import { backoffDelay, type BackoffOptions } from '@mbs/errors';
import { TargetUnavailableError } from './delivery-errors';

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds (`120`) or an HTTP
 * date. Undefined when there is none or it cannot be read, so the usual backoff applies.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now = Date.now(),
): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month; without letters, `Date.parse` would take "-5" as a year.
  const date = /[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `attempt` after `error`: what the target asked for with
 * `Retry-After` when it did, kept within the local retry bounds (never less than `baseMs`, so a
 * `0` does not hammer it; never more than `maxMs`, so one answer cannot park a message for
 * hours), and otherwise the usual jittered exponential backoff.
 */
export function delayBeforeRetry(attempt: number, error: unknown, backoff: BackoffOptions): number {
  const asked = error instanceof TargetUnavailableError ? error.retryAfterMs : undefined;
  if (asked === undefined) return backoffDelay(attempt, backoff);
  return Math.min(backoff.maxMs, Math.max(backoff.baseMs, asked));
}

import { AppError } from './app-error';

/**
 * Whether a failure is worth retrying.
 *
 * Errors of ours say so themselves. Anything else (a driver error, a bug surfacing as a
 * TypeError) is treated as transient: retries are bounded, and a bounded retry of a bug costs
 * little, while dead-lettering a message on a passing network blip loses time for staff.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.retryable;
  return true;
}

/** The stable code of an error for logs and dead-letter reasons; `unexpected` for foreign errors. */
export function errorCode(error: unknown): string {
  return error instanceof AppError ? error.code : 'unexpected';
}

/** A one-line description of any thrown value, for logs and stored failure reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

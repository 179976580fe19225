import { AppError } from './app-error';

/**
 * Foreign errors that say the data itself is wrong, by the name their libraries give them: the
 * same input fails the same way on every try. zod's schema errors, mongoose's document
 * validation and casting, and JSON that does not parse. Matched by name so this library depends
 * on none of them.
 */
const invalidDataErrors = new Set([
  'ZodError',
  'ValidationError',
  'CastError',
  'StrictModeError',
  'SyntaxError',
]);

const isInvalidData = (error: unknown) =>
  error instanceof Error && invalidDataErrors.has(error.name);

/**
 * Whether a failure is worth retrying.
 *
 * Errors of ours say so themselves; foreign errors that say the data is invalid never pass on a
 * retry. Anything else (a driver error, `TypeError: fetch failed`, a bug) is treated as
 * transient: retries are bounded, and a bounded retry of a bug costs little, while
 * dead-lettering a message on a passing network blip loses time for staff.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.retryable;
  return !isInvalidData(error);
}

/**
 * The stable code of an error for logs and dead-letter reasons: our own code; `invalid_data`
 * for a foreign error that says the data is wrong; `unexpected` for any other.
 */
export function errorCode(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return isInvalidData(error) ? 'invalid_data' : 'unexpected';
}

/** A one-line description of any thrown value, for logs and stored failure reasons. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

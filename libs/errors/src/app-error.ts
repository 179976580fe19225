/**
 * The one base class for errors this system raises on purpose.
 *
 * Every error says two things a caller needs without parsing messages:
 * - `code`: a stable, machine-readable name (for logs, metrics, dead-letter reasons, HTTP bodies);
 * - `retryable`: whether trying the same thing again later can succeed.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failure that may pass if tried again later: a timeout, a dropped connection, a busy peer. */
export class TransientError extends AppError {
  readonly retryable = true;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A failure that will fail the same way every time: invalid input, an unknown id, a refused
 * state change. Retrying wastes time; the work goes to a dead-letter queue or back to the user.
 */
export class PermanentError extends AppError {
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

import { TransientError } from '@mbs/errors';

/** More modality reports than the local API takes a minute: try again after `retryAfterSeconds`. */
export class TooManyReportsError extends TransientError {
  readonly statusCode = 429;
  constructor(
    readonly max: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      'too_many_requests',
      `More than ${max} modality reports a minute; try again in ${retryAfterSeconds} s`,
    );
  }
}

import { PermanentError } from '@mbs/errors';

/** Signed in, but this page is for another role. */
export class ForbiddenError extends PermanentError {
  constructor(message = 'You do not have access to this page') {
    super('forbidden', message);
  }
}

/** A path names nothing: an unknown appointment, clinic or route. */
export class PageNotFoundError extends PermanentError {
  constructor(message = 'Page not found') {
    super('not_found', message);
  }
}

/** Too many sign-in attempts, per address or per account; says nothing of which. */
export class TooManySignInAttemptsError extends PermanentError {
  readonly statusCode = 429;
  constructor(readonly retryAfterMs: number) {
    super('too_many_sign_in_attempts', 'Too many attempts to sign in');
  }
}

/**
 * A form came back without the fields web put in it (its command id): an old or altered page.
 * Nothing was sent.
 */
export class InvalidFormError extends PermanentError {
  readonly statusCode = 400;
  constructor() {
    super('invalid_form', 'The form was incomplete, so nothing was sent');
  }
}

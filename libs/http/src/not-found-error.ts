import { PermanentError } from '@mbs/errors';

/**
 * A 404 for an id that names nothing: `{ error: 'not_found', message }`. The message says what
 * was looked for ("No clinic with id \"x\""), so a caller can tell a typo from a missing route.
 */
export class NotFoundError extends PermanentError {
  constructor(message: string) {
    super('not_found', message);
  }
}

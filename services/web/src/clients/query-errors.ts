import { PermanentError, TransientError } from '@mbs/errors';

/**
 * A service a page reads from did not answer usefully (down, slow, 5xx). The page says which
 * information is unavailable and renders the rest; trying again later can help.
 */
export class QueryUnavailableError extends TransientError {
  constructor(
    /** The service, as staff are told (`appointments`, `messages`, `destinations`). */
    readonly information: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('query_unavailable', `${information} unavailable: ${detail}`, options);
  }
}

/** The id a page asked for names nothing (404 from the service). */
export class QueryNotFoundError extends PermanentError {
  constructor(message: string) {
    super('not_found', message);
  }
}

import { PermanentError, TransientError } from '@mbs/errors';

/** The broker could not be reached (or did not confirm) in time. Try again later. */
export class BusUnavailableError extends TransientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bus_unavailable', message, options);
  }
}

/** The broker refused a publish (nack): a full queue or an internal error. Try again later. */
export class PublishRejectedError extends TransientError {
  constructor(message: string) {
    super('publish_rejected', message);
  }
}

/**
 * The broker refused this service's user the publish (ACCESS_REFUSED): it may not write to that
 * exchange, or not that routing key (docs/adr/0005-broker-users-per-service.md). Transient: the
 * broker setup may not have caught up with a new release yet, and a retry after it has goes
 * through; until then it fails at once instead of waiting for a connection.
 */
export class PublishRefusedError extends TransientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('publish_refused', message, options);
  }
}

/**
 * A consumer's dead letters could not be looked at: the broker could not be reached, refused this
 * service's user the queue (ACCESS_REFUSED: it is another service's), or is a version on which
 * looking would count towards a delivery limit (see `peekDeadLetters`). Nothing was taken.
 */
export class DeadLettersUnavailableError extends TransientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('dead_letters_unavailable', message, options);
  }
}

/** The bus was asked to work after close(). A bug in the caller's shutdown order. */
export class BusClosedError extends PermanentError {
  constructor() {
    super('bus_closed', 'the message bus is closed');
  }
}

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

/** The bus was asked to work after close(). A bug in the caller's shutdown order. */
export class BusClosedError extends PermanentError {
  constructor() {
    super('bus_closed', 'the message bus is closed');
  }
}

import { PermanentError, TransientError } from '@mbs/errors';

/**
 * Where a relay failure happened. The NHS incident review found three different faults that all
 * surfaced as "timeout after 30 s"; naming the phase is what tells them apart.
 */
export type RelayPhase =
  | 'token' // asking the token provider for a token
  | 'handshake' // opening a WebSocket to the relay (listen, connect, accept, request rendezvous)
  | 'control' // the listener's control channel once open
  | 'rendezvous' // the listener's accept/request socket
  | 'session'; // frames over a connected socket

interface RelayErrorDetails {
  readonly phase: RelayPhase;
  /** The HTTP status of a failed handshake, when there was one. */
  readonly statusCode?: number;
  readonly cause?: unknown;
}

/** The token is missing, malformed, badly signed or expired (HTTP 401). A new key is needed. */
export class RelayUnauthorizedError extends PermanentError {
  readonly phase: RelayPhase;
  readonly statusCode = 401;
  constructor(message: string, details: Omit<RelayErrorDetails, 'statusCode'>) {
    super('relay_unauthorized', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/** The token is valid but lacks the right (Listen, Send) for this entity (HTTP 403). */
export class RelayForbiddenError extends PermanentError {
  readonly phase: RelayPhase;
  readonly statusCode = 403;
  constructor(message: string, details: Omit<RelayErrorDetails, 'statusCode'>) {
    super('relay_forbidden', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/** The hybrid connection does not exist in this namespace (HTTP 404). */
export class RelayEntityNotFoundError extends PermanentError {
  readonly phase: RelayPhase;
  readonly statusCode = 404;
  constructor(message: string, details: Omit<RelayErrorDetails, 'statusCode'>) {
    super('relay_entity_not_found', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/**
 * The hybrid connection exists but no listener is connected to it. Azure answers this with 404
 * ("no listeners connected"); it passes once the gateway comes back, so a retry can help.
 */
export class RelayNoListenerError extends TransientError {
  readonly phase: RelayPhase;
  readonly statusCode: number | undefined;
  constructor(message: string, details: RelayErrorDetails) {
    super('relay_no_listener', message, { cause: details.cause });
    this.phase = details.phase;
    this.statusCode = details.statusCode;
  }
}

/** Nothing answered in time: the handshake, the listener's accept, or a session request. */
export class RelayTimeoutError extends TransientError {
  readonly phase: RelayPhase;
  readonly statusCode: number | undefined;
  constructor(message: string, details: RelayErrorDetails) {
    super('relay_timeout', message, { cause: details.cause });
    this.phase = details.phase;
    this.statusCode = details.statusCode;
  }
}

/** The listener looked at the connection and refused it (`sb-hc-statusCode` 4xx). */
export class RelayRejectedError extends PermanentError {
  readonly phase: RelayPhase;
  constructor(
    message: string,
    readonly statusCode: number,
    details: Omit<RelayErrorDetails, 'statusCode'>,
  ) {
    super('relay_rejected', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/** The listener refused the connection with a 5xx or 429: it is busy, later may work. */
export class RelayListenerBusyError extends TransientError {
  readonly phase: RelayPhase;
  constructor(
    message: string,
    readonly statusCode: number,
    details: Omit<RelayErrorDetails, 'statusCode'>,
  ) {
    super('relay_listener_busy', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/** The network or the relay service failed (refused, reset, 5xx): worth retrying. */
export class RelayUnavailableError extends TransientError {
  readonly phase: RelayPhase;
  readonly statusCode: number | undefined;
  constructor(message: string, details: RelayErrorDetails) {
    super('relay_unavailable', message, { cause: details.cause });
    this.phase = details.phase;
    this.statusCode = details.statusCode;
  }
}

/** The socket closed while something was still waiting on it. */
export class RelayConnectionClosedError extends TransientError {
  readonly phase: RelayPhase;
  constructor(
    message: string,
    readonly closeCode: number | undefined,
    details: Omit<RelayErrorDetails, 'statusCode'>,
  ) {
    super('relay_connection_closed', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/**
 * A peer broke the protocol: a malformed or oversized frame, an unknown control message. The same
 * bytes will fail the same way, so it is permanent.
 */
export class RelayProtocolError extends PermanentError {
  readonly phase: RelayPhase;
  constructor(
    readonly reason: 'malformed_frame' | 'frame_too_large' | 'unexpected_frame',
    message: string,
    details: Omit<RelayErrorDetails, 'statusCode'>,
  ) {
    super('relay_protocol_error', message, { cause: details.cause });
    this.phase = details.phase;
  }
}

/** The listener was stopped while something waited for it (`waitUntilOnline`). */
export class RelayListenerStoppedError extends PermanentError {
  readonly phase: RelayPhase = 'control';
  constructor(message: string) {
    super('relay_listener_stopped', message);
  }
}

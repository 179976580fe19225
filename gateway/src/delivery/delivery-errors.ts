import { PermanentError, TransientError } from '@mbs/errors';

/** Which step of a delivery failed: named in every log line and in the reason sent upstream. */
export type DeliveryPhase = 'deliver_http' | 'deliver_file';

/**
 * The target could not take the message now (5xx, 408, 429, timeout, network, disk): try again
 * later, after `retryAfterMs` when the target said how long (`Retry-After`).
 */
export class TargetUnavailableError extends TransientError {
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly phase: DeliveryPhase,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super('target_unavailable', message, options?.cause === undefined ? undefined : options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The target said no (4xx): the same message will be refused the same way. */
export class TargetRejectedError extends PermanentError {
  constructor(
    readonly phase: DeliveryPhase,
    readonly status: number,
    message: string,
  ) {
    super('target_rejected', message);
  }
}

/**
 * The target's URL answers with a redirect (3xx): not the hospital refusing the message but a
 * target configured with a URL that is not the endpoint. Permanent (a POST is not followed to
 * another address) until the URL in `GATEWAY_TARGETS` is corrected.
 */
export class TargetRedirectsError extends PermanentError {
  constructor(
    readonly phase: DeliveryPhase,
    readonly status: number,
    message: string,
  ) {
    super('target_redirects', message);
  }
}

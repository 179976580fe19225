import { PermanentError, TransientError } from '@mbs/errors';

/** Which step of a delivery failed: named in every log line and in the reason sent upstream. */
export type DeliveryPhase = 'deliver_http' | 'deliver_file';

/** The target could not take the message now (5xx, timeout, network, disk): try again later. */
export class TargetUnavailableError extends TransientError {
  constructor(
    readonly phase: DeliveryPhase,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('target_unavailable', message, options);
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

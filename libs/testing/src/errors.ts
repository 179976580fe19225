import { PermanentError, TransientError } from '@mbs/errors';

/**
 * A test needs something this machine does not provide (no broker URL and no Docker engine, no
 * `rabbitmqctl`). Retrying does not help: the message says what to set or install.
 */
export class TestEnvironmentError extends PermanentError {}

/** `rabbitmqctl` ran but failed or timed out; the broker may be busy or restarting. */
export class RabbitmqctlError extends TransientError {}

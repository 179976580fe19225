import { PermanentError, TransientError } from '@mbs/errors';

/** No appointment has this id (or accession number). Retrying cannot help: dead-lettered. */
export class UnknownAppointmentError extends PermanentError {
  constructor(what: string) {
    super('unknown_appointment', `No appointment with ${what}`);
  }
}

/** The state machine refuses the action; the message says why in words staff can read. */
export class TransitionRefusedError extends PermanentError {
  constructor(reason: string) {
    super('transition_refused', reason);
  }
}

/** Stored data breaks an invariant (an appointment without its participant). */
export class InconsistentDataError extends PermanentError {
  constructor(message: string) {
    super('inconsistent_data', message);
  }
}

/**
 * Another message changed the appointment between reading it and the conditional update.
 * Retrying re-reads the new state and decides again.
 */
export class ConcurrentChangeError extends TransientError {
  constructor(appointmentId: string) {
    super('concurrent_change', `appointment ${appointmentId} changed while this was applied`);
  }
}

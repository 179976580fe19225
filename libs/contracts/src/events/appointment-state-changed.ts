import { z } from 'zod';
import { defineContract } from '../contract';
import { AppointmentState } from '../values/appointment-state';
import { Actor, Id, Instant } from '../values/identifiers';
import { Reason } from '../values/reason';

/**
 * An appointment moved from one state to another (published on every transition, so web can
 * show changes live). The envelope `id` is derived from the message that caused the change, so a
 * re-emitted event is identical and consumers take it once. `by` is absent when the change came
 * from the system (a hospital confirmation, a modality event) rather than a member of staff.
 */
export const AppointmentStateChanged = defineContract({
  kind: 'event',
  type: 'appointment.state-changed',
  version: 1,
  description: 'An appointment changed state',
  data: z.object({
    appointmentId: Id,
    clinicId: Id,
    from: AppointmentState,
    to: AppointmentState,
    by: Actor.optional(),
    reason: Reason.optional(),
    at: Instant,
  }),
});

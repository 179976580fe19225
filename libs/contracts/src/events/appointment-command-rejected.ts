import { z } from 'zod';
import { defineContract } from '../contract';
import { Actor, Id } from '../values/identifiers';
import { Reason } from '../values/reason';

/**
 * appointment refused a staff command: the appointment is in a state the command cannot leave
 * (check-in after cancellation, send before check-in), or names no appointment. Web answers a
 * click at once, before appointment has decided, so this event is how the person who clicked
 * learns why nothing happened. The command still goes to the dead-letter queue for admins.
 * The envelope `id` is derived from the command id: a redelivered command yields the same event.
 */
export const AppointmentCommandRejected = defineContract({
  kind: 'event',
  type: 'appointment.command-rejected',
  version: 1,
  description: 'A staff command on an appointment was refused, and why',
  data: z.object({
    commandId: Id,
    /** The refused command's type, e.g. `appointment.check-in`. */
    commandType: z.string().min(1).max(200),
    appointmentId: Id,
    requestedBy: Actor,
    /** Why, in words the member of staff can read. */
    reason: Reason,
    /** `unknown_appointment`, `transition_refused`, ... */
    code: z.string().min(1).max(100),
  }),
});

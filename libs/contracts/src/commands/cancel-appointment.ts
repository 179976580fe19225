import { z } from 'zod';
import { defineContract } from '../contract';
import { StaffAction } from './staff-action';

/** Staff cancel an appointment; the reason is required because it stays in the history. */
export const CancelAppointment = defineContract({
  kind: 'command',
  type: 'appointment.cancel',
  version: 1,
  description: 'Cancel an appointment, saying why',
  data: StaffAction.extend({ reason: z.string().trim().min(1).max(500) }),
});

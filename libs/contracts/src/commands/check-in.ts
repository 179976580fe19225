import { defineContract } from '../contract';
import { StaffAction } from './staff-action';

/** Staff record that a booked participant has arrived. The envelope `id` is the command id. */
export const CheckIn = defineContract({
  kind: 'command',
  type: 'appointment.check-in',
  version: 1,
  description: 'Check in a participant who has arrived for a booked appointment',
  data: StaffAction,
});

import { defineContract } from '../contract';
import { StaffAction } from './staff-action';

/** Staff record that a booked participant did not come. */
export const MarkDidNotAttend = defineContract({
  kind: 'command',
  type: 'appointment.mark-did-not-attend',
  version: 1,
  description: 'Record that the participant did not attend a booked appointment',
  data: StaffAction,
});

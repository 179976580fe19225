import { z } from 'zod';

/**
 * What a member of staff can do to an appointment, each the action of one staff command
 * (`check_in` is `appointment.check-in`, ...). appointment's query API lists, for each
 * appointment, those its state allows now, decided by its transition table; web offers exactly
 * those, so the rule of which action is possible when lives in one place.
 */
export const StaffActionName = z.enum([
  'check_in',
  'send_to_modality',
  'withdraw_send',
  'cancel',
  'mark_did_not_attend',
]);
export type StaffActionName = z.infer<typeof StaffActionName>;

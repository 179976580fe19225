import { z } from 'zod';

/**
 * Where an appointment is in its life. appointment owns the transitions between them; web shows
 * them. `sent_to_modality` waits for the hospital's confirmation, `with_modality` is confirmed.
 */
export const AppointmentState = z.enum([
  'booked',
  'checked_in',
  'sent_to_modality',
  'with_modality',
  'screened',
  'cancelled',
  'did_not_attend',
]);
export type AppointmentState = z.infer<typeof AppointmentState>;

/** What people read for each state: appointment's messages and web's status tags say these. */
export const appointmentStateLabels: Readonly<Record<AppointmentState, string>> = {
  booked: 'Booked',
  checked_in: 'Checked in',
  sent_to_modality: 'Sent to modality',
  with_modality: 'With modality',
  screened: 'Screened',
  cancelled: 'Cancelled',
  did_not_attend: 'Did not attend',
};

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
